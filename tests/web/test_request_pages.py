"""The request pages as an engineer and the office use them."""
from __future__ import annotations

import pytest

from governance.adoption.models import AdoptionRequest
from governance.auth.roles import Role
from governance.database import db
from governance.states import State
from tests import factories as f

FORM = {
    "purl": "pkg:pypi/flask@3.1.3", "team": "", "usage_context": "saas", "linking": "dynamic",
    "justification": "Our new internal API.", "q_production-users": "Everyone.",
    "q_maintainers": "Pallets.", "q_can-patch": "yes", "q_data-sensitivity": "No",
}


@pytest.fixture
def people():
    team = f.team("Payments")
    return {"team": team, "erin": f.user(Role.ENGINEER, teams=[team], username="erin"),
            "olga": f.user(Role.OSS_OFFICE, username="olga")}


def test_an_engineer_submits_a_request_from_the_form(client, people):
    f.login(client, "erin")
    assert "Usage context" in client.get("/adoption/new").get_data(as_text=True)
    response = client.post("/adoption/new", data=dict(FORM, team=people["team"].id, submit="1"))
    assert response.status_code == 302
    item = db.session.scalars(db.select(AdoptionRequest)).one()
    assert item.state == State.SUBMITTED and item.usage_context == "saas"
    page = client.get(response.location).get_data(as_text=True)
    assert "Request submitted to the OSS office." in page


def test_saving_a_draft_skips_the_submission_checks(client, people):
    f.login(client, "erin")
    response = client.post("/adoption/new", data={
        "purl": "pkg:npm/left-pad@1.3.0", "team": people["team"].id,
        "usage_context": "internal", "linking": "dynamic", "draft": "1"})
    assert response.status_code == 302
    assert db.session.scalars(db.select(AdoptionRequest)).one().state == State.DRAFT


def test_submitting_incomplete_shows_errors_on_their_fields_and_keeps_input(client, people):
    f.login(client, "erin")
    response = client.post("/adoption/new", data=dict(
        FORM, team=people["team"].id, purl="pkg:pypi/flask@3.1.3", justification="",
        **{"q_maintainers": ""}, submit="1"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Explain why your team needs this package." in page
    assert "“Who maintains it, and how active is it?” needs an answer." in page
    assert 'value="pkg:pypi/flask@3.1.3"' in page and "Everyone." in page
    assert db.session.scalars(db.select(AdoptionRequest)).first() is None


def test_a_bad_purl_is_explained_on_its_field(client, people):
    f.login(client, "erin")
    page = client.post("/adoption/new", data=dict(FORM, team=people["team"].id,
                                                  purl="flask 3", submit="1")).get_data(
        as_text=True)
    assert "Not a valid package URL" in page and "Our new internal API." in page


def test_an_edit_that_lost_the_race_keeps_what_was_typed(client, people):
    item = f.request_in(State.SUBMITTED, people["erin"], people["team"])
    old_version = item.version
    from governance.workflow import services as workflow
    workflow.transition(item, people["olga"], "start_review")
    db.session.commit()
    f.login(client, "erin")
    response = client.post(f"/adoption/{item.id}/edit", data=dict(
        FORM, team=people["team"].id, justification="My careful new text.",
        lock_version=old_version))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "changed by someone else" in page
    assert "My careful new text." in page


def test_the_office_decides_from_the_request_page(client, people):
    item = f.request_in(State.SUBMITTED, people["erin"], people["team"])
    f.login(client, "olga")
    queue = client.get("/queue").get_data(as_text=True)
    assert item.title in queue
    client.post(f"/requests/{item.id}/step/start_review", data={"lock_version": item.version})
    db.session.refresh(item)
    response = client.post(f"/requests/{item.id}/step/approve_with_conditions", data={
        "lock_version": item.version, "reason": "Fine for SaaS.",
        "conditions": "Pin the version.", "expires_on": "2099-01-01",
        "without_scan_reason": "Internal mirror only; no source to fetch."})
    page = client.get(response.location).get_data(as_text=True)
    assert "Approve with conditions: done." in page
    assert "Pin the version." in page and "Valid until 2099-01-01" in page


def test_a_decision_without_reason_is_refused_with_a_message(client, people):
    item = f.request_in(State.IN_REVIEW, people["erin"], people["team"], people["olga"])
    office2 = f.user(Role.OSS_OFFICE, username="otto")
    f.login(client, "otto")
    response = client.post(f"/requests/{item.id}/step/reject",
                           data={"lock_version": item.version})
    assert response.status_code == 422
    assert "Give the reason" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.state == State.IN_REVIEW and office2


def test_a_refused_decision_keeps_what_the_reviewer_wrote(client, people):
    item = f.request_in(State.IN_REVIEW, people["erin"], people["team"], people["olga"])
    f.login(client, "olga")
    response = client.post(f"/requests/{item.id}/step/approve_with_conditions",
                           data={"lock_version": item.version,
                                 "reason": "A long, careful assessment."})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A long, careful assessment." in page
    assert "State the conditions of this approval." in page
    assert 'class="mb-2 step-approve_with_conditions" open' in page


def test_a_second_decision_on_a_stale_page_is_told_it_changed(client, people):
    item = f.request_in(State.IN_REVIEW, people["erin"], people["team"], people["olga"])
    seen = item.version
    f.login(client, "olga")
    client.post(f"/requests/{item.id}/step/approve", data={
        "lock_version": seen, "reason": "ok", "without_scan_reason": "No source to fetch."})
    response = client.post(f"/requests/{item.id}/step/reject",
                           data={"lock_version": seen, "reason": "Too risky for us."})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed by someone else" in page
    assert "Approved" in page  # the page shows the request as it is now
    assert "Too risky for us." in page  # offered as a comment, not lost
    db.session.refresh(item)
    assert item.state == State.APPROVED


def test_comments_and_timeline_show_on_the_page(client, people):
    item = f.request_in(State.SUBMITTED, people["erin"], people["team"])
    f.login(client, "olga")
    client.post(f"/requests/{item.id}/comments", data={"body": "Which version exactly?"})
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "Which version exactly?" in page
    assert 'data-testid="timeline"' in page and "Commented" in page and "Submitted" in page
    blank = client.post(f"/requests/{item.id}/comments", data={"body": "  "})
    assert blank.status_code == 422
    assert "Write a comment first." in blank.get_data(as_text=True)


def test_a_comment_too_long_is_refused_and_kept_on_screen(client, people):
    item = f.request_in(State.SUBMITTED, people["erin"], people["team"])
    f.login(client, "olga")
    text = "long thought " * 2000
    response = client.post(f"/requests/{item.id}/comments", data={"body": text})
    assert response.status_code == 422
    assert text.strip()[:200] in response.get_data(as_text=True)
    assert item.comments == []


def test_compare_shows_candidates_side_by_side(client, people):
    a = f.request_in(State.SUBMITTED, people["erin"], people["team"], purl="pkg:pypi/rq@1.16.2")
    b = f.request_in(State.SUBMITTED, people["erin"], people["team"],
                     purl="pkg:pypi/celery@5.4.0")
    f.login(client, "erin")
    page = client.get(f"/adoption/compare?ids={a.id}&ids={b.id}").get_data(as_text=True)
    assert "pkg:pypi/rq@1.16.2" in page and "pkg:pypi/celery@5.4.0" in page
    assert "License verdict" in page and "Maturity score" in page and "Scan summary" in page
    one = client.get(f"/adoption/compare?ids={a.id}", follow_redirects=True)
    assert "Pick between 2 and 4 requests" in one.get_data(as_text=True)


def test_list_pages_and_empty_states(client, people, app):
    f.login(client, "erin")
    assert "No requests yet." in client.get("/adoption/").get_data(as_text=True)
    for _ in range(app.config["PAGE_SIZE"] + 3):
        f.request_in(State.SUBMITTED, people["erin"], people["team"])
    first = client.get("/adoption/").get_data(as_text=True)
    assert "23 in all" in first and 'aria-label="Pages"' in first
    second = client.get("/adoption/?page=2").get_data(as_text=True)
    assert second.count('class="form-check-input compare-pick"') == 3
    none = client.get("/adoption/?q=zzzz").get_data(as_text=True)
    assert "No request matches these filters." in none


def test_alternatives_show_on_both_requests_but_hidden_drafts_do_not(client, people, rules):
    from governance.adoption import services as adoption

    first = f.request_in(State.SUBMITTED, people["erin"], people["team"],
                         purl="pkg:pypi/celery@5.4.0")
    second = adoption.create(people["erin"], f.adoption_input(
        people["team"], purl="pkg:pypi/rq@1.16.2", alternative_ids=[first.id]), rules)
    db.session.commit()
    f.login(client, "erin")
    assert f"#{second.id} Adopt rq 1.16.2" in client.get(f"/adoption/{first.id}").get_data(
        as_text=True)
    client.post("/logout")
    f.login(client, "olga")  # the second request is a draft the office cannot see
    assert "Adopt rq" not in client.get(f"/adoption/{first.id}").get_data(as_text=True)
