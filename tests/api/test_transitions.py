"""Moving requests through the workflow over the API, with the same rules as the UI."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from governance import policies
from governance.states import PERSON_TRANSITIONS, State
from tests import factories as f
from tests.api.helpers import actions, assert_error, new_request, stored

# --- transitions ----------------------------------------------------------------------------

def test_full_lifecycle_over_the_api(app, api, people):
    engineer, office = api["requester"], api["office"]
    created = engineer.post("/requests", json=new_request(people["team"])).get_json()
    rid = created["id"]

    submitted = engineer.fire(rid, "submit", created["version"])
    assert submitted.status_code == 200
    submitted = submitted.get_json()
    assert submitted["state"] == "submitted" and submitted["submitted_at"]

    assert office.read(rid)["allowed_transitions"] == ["start_review"]
    reviewing = office.fire(rid, "start_review", submitted["version"])
    assert reviewing.status_code == 200
    reviewing = reviewing.get_json()
    assert reviewing["state"] == "in_review"
    assert reviewing["reviewer"]["username"] == people["office"].username
    assert sorted(reviewing["allowed_transitions"]) == sorted(
        ["approve", "approve_with_conditions", "reject", "request_changes"])

    expires = (date.today() + timedelta(days=365)).isoformat()
    decided = office.fire(rid, "approve_with_conditions", reviewing["version"],
                          reason="Well maintained.", conditions="Keep the NOTICE file.",
                          expires_on=expires)
    assert decided.status_code == 200, decided.get_json()
    decided = decided.get_json()
    assert decided["state"] == "approved_with_conditions"
    assert decided["decision_reason"] == "Well maintained."
    assert decided["conditions"] == "Keep the NOTICE file."
    assert decided["approval_expires_on"] == expires
    assert decided["decided_by"]["username"] == people["office"].username
    assert decided["decided_at"]
    assert decided["allowed_transitions"] == []
    assert engineer.read(rid)["allowed_transitions"] == []

    events = engineer.events(rid)
    assert actions(events) == ["created", "submitted", "review_started",
                               "approved_with_conditions"]
    policy = policies.loaded(app).license_policy
    # Not scanned: no license verdict, but the policy it was decided under is on record.
    assert events[-1]["after"] == {"state": "approved_with_conditions",
                                   "reason": "Well maintained.",
                                   "conditions": "Keep the NOTICE file.", "expires_on": expires,
                                   "without_scan_reason": "API test: the source is not scanned.",
                                   "license_verdict": None, "policy_version": policy.version,
                                   "policy_digest": policy.digest}
    assert events[-1]["before"] == {"state": "in_review"}
    assert [e["actor"]["username"] for e in events] == [people["requester"].username] * 2 + [
        people["office"].username] * 2
    # The stored row says the same.
    row = stored(rid)
    assert row.state == State.APPROVED_WITH_CONDITIONS and row.decided_by_id == people[
        "office"].id


def test_changes_requested_loop(api, people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    asked = api["office"].fire(item.id, "request_changes", reason="Which version exactly?")
    assert asked.status_code == 200 and asked.get_json()["state"] == "changes_requested"
    assert sorted(api["requester"].read(item.id)["allowed_transitions"]) == ["resubmit",
                                                                          "withdraw"]
    body = new_request(people["team"], purl="pkg:pypi/requests@2.32.4",
                       version=asked.get_json()["version"])
    edited = api["requester"].patch(f"/requests/{item.id}", json=body)
    assert edited.status_code == 200
    again = api["requester"].fire(item.id, "resubmit", edited.get_json()["version"])
    assert again.status_code == 200 and again.get_json()["state"] == "submitted"
    assert actions(api["requester"].events(item.id))[-3:] == ["changes_requested", "edited",
                                                              "resubmitted"]


def test_withdraw_and_reject(api, people):
    open_one = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    response = api["teammate"].fire(open_one.id, "withdraw", reason="Not needed any more.")
    assert response.status_code == 200 and response.get_json()["state"] == "withdrawn"
    reviewed = f.request_in(State.IN_REVIEW, people["requester"], people["team"],
                            people["office"])
    response = api["office2"].fire(reviewed.id, "reject", reason="Unmaintained.")
    assert response.status_code == 200
    assert response.get_json()["state"] == "rejected"
    assert response.get_json()["approval_expires_on"] is None


@pytest.mark.parametrize("who", ["requester", "teammate", "outsider", "compliance", "admin"])
@pytest.mark.parametrize("name", ["approve", "approve_with_conditions", "reject",
                                  "request_changes"])
def test_only_the_office_decides(api, people, who, name):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    response = api[who].fire(item.id, name, reason="Fine.", conditions="Some.")
    assert_error(response, 403)
    assert stored(item.id).state == State.IN_REVIEW


@pytest.mark.parametrize("who", ["requester", "compliance", "admin"])
def test_only_the_office_starts_reviews(api, people, who):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    assert_error(api[who].fire(item.id, "start_review"), 403)


def test_the_office_cannot_act_for_the_requester(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    assert_error(api["office"].fire(item.id, "withdraw"), 403)
    assert_error(api["outsider"].fire(item.id, "withdraw"), 403)
    assert stored(item.id).state == State.SUBMITTED


def test_approving_before_start_review_is_409(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    body = assert_error(api["office"].fire(item.id, "approve", reason="Fine."), 409)
    assert "submitted" in body["message"].lower()
    assert stored(item.id).state == State.SUBMITTED


@pytest.mark.parametrize("state", [State.APPROVED, State.REJECTED, State.WITHDRAWN])
def test_nothing_moves_a_closed_request(api, people, state):
    item = f.request_in(state, people["requester"], people["team"], people["office"])
    for name in PERSON_TRANSITIONS:
        who = "requester" if PERSON_TRANSITIONS[name].actor.value == "requester" else "office2"
        response = api[who].fire(item.id, name, reason="r", conditions="c")
        assert_error(response, 409)
    assert stored(item.id).state == state


def test_the_office_cannot_see_or_move_drafts(api, people):
    draft = f.request_in(State.DRAFT, people["requester"], people["team"])
    assert_error(api["office"].fire(draft.id, "start_review", version=draft.version), 404)
    assert_error(api["office"].fire(draft.id, "approve", version=draft.version,
                                    reason="x"), 404)


def test_transition_with_a_stale_version_is_409(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    old = item.version
    assert api["office"].fire(item.id, "start_review", old).status_code == 200
    body = assert_error(api["office"].fire(item.id, "approve", old, reason="Fine."), 409)
    assert "changed" in body["message"]
    assert stored(item.id).state == State.IN_REVIEW
    # Withdrawing with what the requester read before the review started: also stale.
    assert_error(api["requester"].fire(item.id, "withdraw", old), 409)


def test_unknown_transition_name_is_404(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    body = assert_error(api["office"].fire(item.id, "fast_track", item.version), 404)
    assert "start_review" in body["message"]  # says which names exist
    assert_error(api["office"].fire(item.id, "Approve", item.version), 404)
    assert stored(item.id).state == State.SUBMITTED


def test_transition_on_an_unknown_request_is_404(api):
    assert_error(api["office"].fire(987654, "start_review", 1), 404)
    assert_error(api["office"].fire(987654, "no_such_step", 1), 404)


@pytest.mark.parametrize("name", ["approve", "approve_with_conditions", "reject",
                                  "request_changes"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_decisions_need_a_reason(api, people, name, reason):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    extra = {"conditions": "Keep notices."}
    if reason is not None:
        extra["reason"] = reason
    response = api["office"].fire(item.id, name, **extra)
    assert_error(response, 422, "reason")
    assert stored(item.id).state == State.IN_REVIEW


def test_approve_with_conditions_needs_conditions(api, people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    response = api["office"].fire(item.id, "approve_with_conditions", reason="Ok.")
    assert_error(response, 422, "conditions")


@pytest.mark.parametrize("expires_on,status", [
    (date.today().isoformat(), 422),
    ((date.today() - timedelta(days=1)).isoformat(), 422),
    ("31/12/2030", 422),
    ("someday", 422),
    (12345, 422),
])
def test_expiry_must_be_a_future_date(api, people, expires_on, status):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    response = api["office"].fire(item.id, "approve", reason="Ok.", expires_on=expires_on)
    assert_error(response, status, "expires_on")
    assert stored(item.id).state == State.IN_REVIEW


def test_approve_without_expiry(api, people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    response = api["office"].fire(item.id, "approve", reason="Ok.", expires_on=None)
    assert response.status_code == 200
    assert response.get_json()["approval_expires_on"] is None


@pytest.mark.parametrize("body", [{}, {"version": None}, {"version": "latest"},
                                  {"reason": "Fine."}])
def test_transition_needs_a_version(api, people, body):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    response = api["office"].post(f"/requests/{item.id}/transitions/start_review", json=body)
    assert_error(response, 422, "version")
    assert stored(item.id).state == State.SUBMITTED


def test_submit_with_missing_answers_lists_them(api, people):
    body = new_request(people["team"], answers={})
    created = api["requester"].post("/requests", json=body).get_json()
    response = api["requester"].fire(created["id"], "submit", created["version"])
    assert_error(response, 422, "q_production-users", "q_can-patch")
    assert api["requester"].read(created["id"])["state"] == "draft"


def test_office_member_cannot_decide_their_own_request(api, people):
    own = api["office_member"].post("/requests",
                                    json=new_request(people["team"], submit=True)).get_json()
    assert own["allowed_transitions"] == ["withdraw"]
    assert_error(api["office_member"].fire(own["id"], "start_review", own["version"]), 403)
    reviewing = api["office"].fire(own["id"], "start_review", own["version"]).get_json()
    assert "approve" not in api["office_member"].read(own["id"])["allowed_transitions"]
    for name in ("approve", "approve_with_conditions", "reject", "request_changes"):
        response = api["office_member"].fire(own["id"], name, reviewing["version"],
                                             reason="Looks fine to me.", conditions="None.")
        body = assert_error(response, 403)
        assert "own request" in body["message"]
    assert stored(own["id"]).state == State.IN_REVIEW
    # Another office member decides it.
    assert api["office2"].fire(own["id"], "approve", reviewing["version"],
                               reason="Fine.").status_code == 200


def test_two_office_users_deciding_with_the_same_version(api, people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    # Both opened the request at the same version.
    seen_by_first = api["office"].read(item.id)["version"]
    seen_by_second = api["office2"].read(item.id)["version"]
    assert seen_by_first == seen_by_second

    first = api["office"].fire(item.id, "approve", seen_by_first, reason="Fine by me.")
    second = api["office2"].fire(item.id, "reject", seen_by_second, reason="Not for us.")
    assert first.status_code == 200
    assert_error(second, 409)

    decided = api["requester"].read(item.id)
    assert decided["state"] == "approved"
    assert decided["decision_reason"] == "Fine by me."
    assert decided["decided_by"]["username"] == people["office"].username
    assert actions(api["requester"].events(item.id)).count("rejected") == 0
    assert actions(api["requester"].events(item.id))[-1] == "approved"


def test_two_office_users_starting_the_same_review(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    version = item.version
    assert api["office"].fire(item.id, "start_review", version).status_code == 200
    assert_error(api["office2"].fire(item.id, "start_review", version), 409)
    assert api["requester"].read(item.id)["reviewer"]["username"] == people["office"].username
