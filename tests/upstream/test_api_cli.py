"""The ledger for automation: the summary's exact shape, one contribution or role posted by
its team (another team's refused), a state changed, a CSV posted by the office; and the
`flask contributions` commands."""
from __future__ import annotations

from datetime import date

from governance.database import db
from governance.upstream.models import CommunityRole, Contribution
from tests.api.helpers import Api, assert_error
from tests.upstream.conftest import HEADER, contribution


def test_the_summary_counts_issues_and_prs_per_year_and_team_in_exactly_this_shape(client,
                                                                                  world):
    engineer, other = world["engineer"], world["other"]
    contribution(engineer, world["payments"], url="https://e.org/1", opened_on=date(2019, 3, 1))
    for n, (kind, year) in enumerate([("issue", 2019), ("pr", 2019), ("issue", 2021)]):
        contribution(other, world["platform"], url=f"https://e.org/p{n}", kind=kind,
                     state="open", closed_on=None,
                     opened_on=date(year, 6, 1))
    api = Api(client, engineer)
    answer = api.get("/contributions/summary")
    assert answer.status_code == 200
    assert answer.get_json() == {
        "years": {"2019": {"issues": 1, "prs": 2}, "2020": {"issues": 0, "prs": 0},
                  "2021": {"issues": 1, "prs": 0}},
        "teams": {"Payments": {"2019": {"issues": 0, "prs": 1},
                               "2020": {"issues": 0, "prs": 0},
                               "2021": {"issues": 0, "prs": 0}},
                  "Platform": {"2019": {"issues": 1, "prs": 1},
                               "2020": {"issues": 0, "prs": 0},
                               "2021": {"issues": 1, "prs": 0}}},
        "total": {"issues": 2, "prs": 2}}
    one = api.get("/contributions/summary", query_string={"team": world["payments"].id})
    assert one.get_json()["years"] == {"2019": {"issues": 0, "prs": 1}}
    assert_error(api.get("/contributions/summary", query_string={"team": 999999}), 422, "team")


def test_an_empty_ledger_summarises_to_no_years(client, world):
    assert Api(client, world["engineer"]).get("/contributions/summary").get_json() == {
        "years": {}, "teams": {}, "total": {"issues": 0, "prs": 0}}


def test_a_team_posts_its_contribution_and_another_teams_is_refused(client, world):
    api = Api(client, world["engineer"])
    body = {"url": "https://github.com/psf/requests/pull/6710", "team": world["payments"].id,
            "kind": "pr", "state": "merged", "project": "pkg:pypi/requests@2.32.3",
            "opened_on": "2024-05-02", "closed_on": "2024-05-20", "title": "Fix proxy auth"}
    created = api.post("/contributions", json=body)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["project"] == "pkg:pypi/requests"
    assert created.get_json()["team"] == {"id": world["payments"].id, "name": "Payments"}
    assert_error(api.post("/contributions", json=dict(
        body, url="https://github.com/psf/requests/pull/1", team=world["platform"].id)), 403)
    refused = assert_error(api.post("/contributions", json=dict(
        body, url="https://github.com/psf/requests/issues/2", kind="issue",
        closed_on="2024-05-01")), 422, "state", "closed_on")
    assert "never merged" in refused["errors"]["state"]
    assert db.session.query(Contribution).count() == 1
    listed = api.get("/contributions", query_string={"year": 2024, "kind": "pr"}).get_json()
    assert listed["total"] == 1 and listed["items"][0]["url"].endswith("/6710")
    assert api.get("/contributions", query_string={"year": 2023}).get_json()["total"] == 0


def test_the_team_patches_the_state_and_no_one_else(client, world):
    item = contribution(world["engineer"], world["payments"], state="open", closed_on=None)
    assert_error(Api(client, world["other"]).patch(
        f"/contributions/{item.id}", json={"state": "closed", "closed_on": "2024-06-01"}), 403)
    done = Api(client, world["engineer"]).patch(
        f"/contributions/{item.id}", json={"state": "merged", "closed_on": "2024-06-01"})
    assert done.status_code == 200 and done.get_json()["state"] == "merged"
    assert_error(Api(client, world["office"]).patch("/contributions/999999",
                                                    json={"state": "open"}), 404)


def test_the_office_posts_a_csv_and_every_bad_line_comes_back(client, world):
    office = Api(client, world["office"])
    good = (f"{HEADER}\nhttps://github.com/psf/requests/pull/1,pkg:pypi/requests,Payments,"
            "pr,open,2024-05-02,,\n")
    answer = office.post("/contributions/import", data=good.encode(),
                         headers={"Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json() == {"read": 1, "new": 1, "updated": 0, "unchanged": 0}
    bad = good + ("https://github.com/psf/requests/pull/2,pkg:pypi/requests,Payments,pr,"
                  "open,2024-05-02,2024-05-03,\nx,,Payments,issue,open,2024-05-02,,\n")
    refused = assert_error(office.post("/contributions/import", data=bad.encode(),
                                       headers={"Content-Type": "text/csv"}), 422,
                           "line 3", "line 4")
    assert "url" in refused["errors"]["line 4"] and "project" in refused["errors"]["line 4"]
    assert_error(Api(client, world["engineer"]).post(
        "/contributions/import", data=good.encode(), headers={"Content-Type": "text/csv"}),
        403)
    assert db.session.query(Contribution).count() == 1


def test_roles_are_posted_by_the_team_or_for_oneself_and_listed(client, world):
    engineer = Api(client, world["engineer"])
    own = engineer.post("/community-roles", json={
        "project": "pkg:pypi/requests@2.32.3", "role": "reviewer", "since": "2021-03-01",
        "person_id": world["engineer"].id})
    assert own.status_code == 201, own.get_json()
    assert own.get_json()["project"] == "pkg:pypi/requests" and own.get_json()["team"] is None
    assert_error(engineer.post("/community-roles", json={
        "project": "pkg:npm/lodash", "role": "maintainer", "since": "2021-03-01",
        "person_name": "Mei Lin", "team": world["platform"].id}), 403)
    assert_error(engineer.post("/community-roles", json={
        "project": "pkg:pypi/requests", "role": "reviewer", "since": "2021-03-01",
        "person_id": world["engineer"].id}), 422, "role")  # already holds it
    listed = engineer.get("/community-roles", query_string={"current": "true"}).get_json()
    assert [r["role"] for r in listed["items"]] == ["reviewer"]
    assert db.session.query(CommunityRole).count() == 1


def test_the_cli_imports_a_file_and_prints_each_bad_line_with_status_1(runner, world,
                                                                      tmp_path):
    good = tmp_path / "ledger.csv"
    good.write_text(f"{HEADER}\nhttps://github.com/psf/requests/pull/1,pkg:pypi/requests,"
                    "Payments,pr,open,2024-05-02,,\n")
    result = runner.invoke(args=["contributions", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 row(s) read: 1 new, 0 updated, 0 unchanged." in result.output
    again = runner.invoke(args=["contributions", "import", str(good)])
    assert "0 new, 0 updated, 1 unchanged" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nx,,Payments,pr,open,2024-05-02,,\n"
                   "https://e.org/2,p,Payments,issue,merged,2024-05-02,2024-05-03,\n")
    refused = runner.invoke(args=["contributions", "import", str(bad)])
    assert refused.exit_code == 1
    assert "line 2: url:" in refused.output and "line 3: state:" in refused.output
    assert db.session.query(Contribution).count() == 1


def test_the_cli_prints_the_summary_and_its_json(runner, world):
    contribution(world["engineer"], world["payments"])
    table = runner.invoke(args=["contributions", "summary"])
    assert table.exit_code == 0 and "2024" in table.output and "Payments" in table.output
    as_json = runner.invoke(args=["contributions", "summary", "--json", "--team", "payments"])
    assert '"2024": {' in as_json.output and '"prs": 1' in as_json.output
    unknown = runner.invoke(args=["contributions", "summary", "--team", "Nobody"])
    assert unknown.exit_code != 0 and "No team is named" in unknown.output
