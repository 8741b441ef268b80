"""The upstream pages as people use them: the ledger with its chart, counts by team and
filters kept in the URL; a contribution added (errors on their fields); the office's CSV
import showing every bad line; community roles; the card on an adoption request's page."""
from __future__ import annotations

import io
import re
from datetime import date

from governance.database import db
from governance.upstream.models import CommunityRole, Contribution
from tests import factories as f
from tests.upstream.conftest import HEADER, contribution


def test_the_ledger_shows_the_yearly_chart_labelled_with_counts_and_by_team(client, world):
    for n in range(3):
        contribution(world["engineer"], world["payments"], url=f"https://e.org/pr{n}",
                     opened_on=date(2019, 2, n + 1), closed_on=date(2019, 3, 1))
    contribution(world["other"], world["platform"], url="https://e.org/i1", kind="issue",
                 state="open", closed_on=None, opened_on=date(2020, 1, 5))
    f.login(client, world["engineer"].username)
    page = client.get("/upstream/contributions").get_data(as_text=True)
    assert 'data-testid="chart-yearly"' in page
    assert "2019: 0 issues and 3 pull requests; 2020: 1 issues and 0 pull requests" in page
    chart = page[page.index('data-year="2019"'):page.index('data-year="2020"')]
    assert re.findall(r'class="bar-count">(\d+)<', chart) == ["0", "3"]
    assert 'style="' not in page[page.index("<svg"):page.index("</svg>")]  # CSP
    by_team = page[page.index('data-testid="by-team"'):]
    assert "Payments" in by_team and "0 / 3" in by_team and "1 / 0" in by_team
    assert page.count("data-contribution=") == 4


def test_filters_are_kept_in_the_url_and_in_the_pages_links(app, client, world):
    app.config["PAGE_SIZE"], size = 2, app.config["PAGE_SIZE"]
    try:
        for n in range(5):
            contribution(world["engineer"], world["payments"], url=f"https://e.org/{n}",
                         opened_on=date(2024, 1, n + 1), closed_on=date(2024, 2, 1))
        contribution(world["engineer"], world["payments"], url="https://e.org/old",
                     opened_on=date(2019, 1, 1), closed_on=date(2019, 2, 1))
        f.login(client, world["engineer"].username)
        page = client.get(f"/upstream/contributions?year=2024&kind=pr&team="
                          f"{world['payments'].id}").get_data(as_text=True)
        assert page.count("data-contribution=") == 2 and "5 in all" in page
        assert re.search(r'href="/upstream/contributions\?[^"]*year=2024[^"]*page=2', page)
        assert '<option value="2024" selected' in page
        empty = client.get("/upstream/contributions?q=nothing-like-this").get_data(
            as_text=True)
        assert "No contribution matches" in empty
        bad = client.get("/upstream/contributions?year=abc&team=x&kind=y&page=z")
        assert bad.status_code == 200
    finally:
        app.config["PAGE_SIZE"] = size


def test_an_empty_ledger_says_how_to_start(client, world):
    f.login(client, world["office"].username)
    page = client.get("/upstream/contributions").get_data(as_text=True)
    assert "No upstream contribution recorded yet" in page and "flask contributions" in page


def test_a_contribution_is_added_from_the_form_with_errors_on_their_fields(client, world):
    f.login(client, world["engineer"].username)
    form = client.get("/upstream/contributions/new").get_data(as_text=True)
    assert f'<option value="{world["platform"].id}"' not in form  # only the own team
    refused = client.post("/upstream/contributions/new", data={
        "url": "not a url", "kind": "issue", "state": "merged",
        "team_id": world["payments"].id, "project": "", "component_id": "",
        "opened_on": "2024-05-02", "closed_on": "2024-05-01"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="url-error"' in page and 'id="state-error"' in page
    assert 'id="project-error"' in page and 'id="closed_on-error"' in page
    saved = client.post("/upstream/contributions/new", data={
        "url": "https://github.com/psf/requests/pull/6710", "kind": "pr", "state": "open",
        "team_id": world["payments"].id, "component_id": world["component"].id,
        "opened_on": "2024-05-02"}, follow_redirects=True)
    assert "Pull request recorded for Payments" in saved.get_data(as_text=True)
    item = db.session.query(Contribution).one()
    assert item.project == "pkg:pypi/requests" and item.component_id == world["component"].id
    other = client.post("/upstream/contributions/new", data={
        "url": "https://github.com/psf/requests/pull/1", "kind": "pr", "state": "open",
        "team_id": world["platform"].id, "project": "x", "opened_on": "2024-05-02"})
    assert other.status_code == 422  # not one of the choices offered
    assert db.session.query(Contribution).count() == 1


def test_the_state_is_changed_in_the_list_by_the_team_only(client, world):
    item = contribution(world["engineer"], world["payments"], state="open", closed_on=None)
    f.login(client, world["other"].username)
    assert client.post(f"/upstream/contributions/{item.id}/state",
                       data={"state": "merged", "closed_on": "2024-06-01"}).status_code == 403
    client.post("/logout")
    f.login(client, world["engineer"].username)
    done = client.post(f"/upstream/contributions/{item.id}/state", data={
        "state": "merged", "closed_on": "2024-06-01", "next": "/upstream/contributions?year=2024"})
    assert done.status_code == 302 and done.headers["Location"].endswith("?year=2024")
    db.session.expire_all()
    assert db.session.get(Contribution, item.id).state == "merged"
    away = client.post(f"/upstream/contributions/{item.id}/state", data={
        "state": "open", "next": "//evil.example.com/upstream/contributions"})
    assert away.headers["Location"] == "/upstream/contributions"


def test_the_import_page_lists_every_bad_line_and_imports_nothing(client, world):
    f.login(client, world["engineer"].username)
    assert client.get("/upstream/contributions/import").status_code == 403
    client.post("/logout")
    f.login(client, world["office"].username)
    bad = (f"{HEADER}\nhttps://e.org/1,p,Payments,issue,merged,2024-05-02,2024-05-03,\n"
           "https://e.org/2,p,Payments,pr,open,2024-05-02,,\n"
           "https://e.org/3,p,Nobody,pr,open,2024-05-02,,\n")
    refused = client.post("/upstream/contributions/import", data={
        "file": (io.BytesIO(bad.encode()), "ledger.csv")}, content_type="multipart/form-data")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "<strong>Line 2</strong>" in page and "<strong>Line 4</strong>" in page
    assert "<strong>Line 3</strong>" not in page and "Nothing was imported" in page
    assert db.session.query(Contribution).count() == 0
    wrong = client.post("/upstream/contributions/import", data={
        "file": (io.BytesIO(b"\x89PNG\x00"), "chart.png")}, content_type="multipart/form-data")
    assert wrong.status_code == 422 and "chart.png is not a CSV file" in wrong.get_data(
        as_text=True)
    good = bad.replace("Nobody", "Platform").replace("issue,merged", "issue,closed")
    done = client.post("/upstream/contributions/import", data={
        "file": (io.BytesIO(good.encode()), "ledger.csv")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert "3 row(s) read: 3 new" in done.get_data(as_text=True)


def test_community_roles_are_recorded_listed_and_ended(client, world):
    f.login(client, world["engineer"].username)
    refused = client.post("/upstream/roles", data={"project": "", "role": "maintainer"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="project-error"' in page and 'id="person_name-error"' in page
    assert 'id="since-error"' in page
    saved = client.post("/upstream/roles", data={
        "project": "pkg:pypi/requests@2.32.3", "role": "reviewer", "person_name": "Kenji Sato",
        "team_id": world["payments"].id, "since": "2021-03-01"}, follow_redirects=True)
    assert "Kenji Sato: reviewer of pkg:pypi/requests." in saved.get_data(as_text=True)
    role = db.session.query(CommunityRole).one()
    ended = client.post(f"/upstream/roles/{role.id}/end", data={"until": "2025-01-31"},
                        follow_redirects=True)
    assert "ended on 2025-01-31" in ended.get_data(as_text=True)
    current = client.get("/upstream/roles").get_data(as_text=True)
    assert "No current community role" in current
    assert "Kenji Sato" in client.get("/upstream/roles?show=all").get_data(as_text=True)
    client.post("/logout")
    f.login(client, world["other"].username)
    assert client.post(f"/upstream/roles/{role.id}/end", data={}).status_code == 403


def test_the_adoption_request_page_shows_the_projects_upstream_card(client, world):
    f.login(client, world["engineer"].username)
    request = world["request"]
    before = client.get(f"/adoption/{request.id}").get_data(as_text=True)
    assert 'data-testid="upstream-card"' not in before  # nothing to show yet
    contribution(world["engineer"], world["payments"], title="Fix proxy auth")
    client.post("/upstream/roles", data={
        "project": "pkg:pypi/requests", "role": "maintainer", "person_id": world["engineer"].id,
        "since": "2022-01-01"})
    page = client.get(f"/adoption/{request.id}").get_data(as_text=True)
    card = page[page.index('data-testid="upstream-card"'):]
    assert "0 issues and 1 pull request from our teams (1 merged)" in card
    assert "Fix proxy auth" in card and "maintainer since 2022-01-01" in card


def test_the_project_card_renders_empty_where_a_project_is_given(app, world):
    from flask import render_template_string
    with app.test_request_context():
        html = render_template_string('{% set project = "pkg:npm/lodash" %}'
                                      '{% include "upstream/_project_card.html" %}')
    assert "0 issues and 0 pull requests" in html and "None of our people" in html
