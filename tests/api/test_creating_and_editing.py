"""Creating and editing requests, and the 422s that name each field."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from governance.audit.models import AuditEvent
from governance.database import db
from governance.states import State
from governance.workflow.models import Request
from tests import factories as f
from tests.api.helpers import actions, assert_error, ids, new_request, stored

# --- creating -------------------------------------------------------------------------------

def test_create_a_draft_with_a_purl(api, people):
    response = api["requester"].post("/requests", json=new_request(people["team"]))
    assert response.status_code == 201
    created = response.get_json()
    assert created["state"] == "draft"
    assert created["kind"] == "adoption"
    assert created["component"]["purl"] == "pkg:pypi/requests@2.32.3"
    assert (created["component"]["type"], created["component"]["name"],
            created["component"]["version"]) == ("pypi", "requests", "2.32.3")
    assert created["team"] == {"id": people["team"].id, "name": "Payments"}
    assert created["requester"]["username"] == people["requester"].username
    assert created["justification"] == "HTTP client for the billing jobs."
    assert created["submitted_at"] is None
    assert sorted(created["allowed_transitions"]) == ["submit", "withdraw"]
    answers = {a["id"]: a["value"] for a in created["answers"]}
    assert answers["can-patch"] is True and answers["data-sensitivity"] == "No"
    # Readable back, and its timeline shows who created it.
    assert api["requester"].read(created["id"]) == created
    events = api["requester"].events(created["id"])
    assert actions(events) == ["created"]
    assert events[0]["actor"]["username"] == people["requester"].username


def test_create_with_type_name_and_version(api, people):
    body = new_request(people["team"], purl="", type="npm", namespace="@babel", name="core",
                       version="7.24.0", homepage_url="https://babeljs.io",
                       repository_url="https://github.com/babel/babel")
    response = api["requester"].post("/requests", json=body)
    assert response.status_code == 201, response.get_json()
    component = response.get_json()["component"]
    assert (component["type"], component["namespace"], component["name"],
            component["version"]) == ("npm", "@babel", "core", "7.24.0")
    assert component["purl"] == "pkg:npm/%40babel/core@7.24.0"
    # The links are the request's own; the shared component keeps the registry's facts.
    assert response.get_json()["homepage_url"] == "https://babeljs.io"
    assert component["homepage_url"] == ""


def test_create_and_submit_at_once(api, people):
    response = api["requester"].post("/requests", json=new_request(people["team"], submit=True))
    assert response.status_code == 201
    created = response.get_json()
    assert created["state"] == "submitted" and created["submitted_at"] is not None
    assert created["allowed_transitions"] == ["withdraw"]
    assert actions(api["requester"].events(created["id"])) == ["created", "submitted"]
    # The office sees it in its list at once, and may start the review.
    assert ids(api["office"].list(state="submitted")) == [created["id"]]


def test_submit_at_once_with_missing_answers_saves_nothing(api, people):
    body = new_request(people["team"], submit=True, answers={"can-patch": "yes"})
    response = api["requester"].post("/requests", json=body)
    assert_error(response, 422, "q_production-users", "q_maintainers", "q_data-sensitivity")
    assert db.session.scalar(select(Request.id)) is None
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.object_type == "request")) \
        is None
    # Without submit the same input is a valid draft.
    draft = api["requester"].post("/requests", json={**body, "submit": False})
    assert draft.status_code == 201 and draft.get_json()["state"] == "draft"


@pytest.mark.parametrize("overrides,field", [
    ({"purl": "not a purl"}, "purl"),
    ({"purl": "pkg:"}, "purl"),
    ({"purl": "", "type": "", "name": ""}, "type"),
    ({"purl": "", "type": "pypi", "name": ""}, "name"),
    ({"usage_context": "space-station"}, "usage_context"),
    ({"linking": "telepathy"}, "linking"),
    ({"answers": {"favourite-colour": "blue"}}, "answers"),
    ({"answers": {**f.ANSWERS, "can-patch": "perhaps"}}, "q_can-patch"),
    ({"answers": {**f.ANSWERS, "data-sensitivity": "Some"}}, "q_data-sensitivity"),
    ({"answers": {**f.ANSWERS, "needed-by": "next week"}}, "q_needed-by"),
    ({"homepage_url": "ftp://example.com"}, "homepage_url"),
    ({"repository_url": "javascript:alert(1)"}, "repository_url"),
    ({"justification": "x" * 20001}, "justification"),
    ({"team": 999999}, "team"),
    ({"team": 0}, "team"),
    ({"team": -1}, "team"),
    ({"team": "payments"}, "team"),
    ({"team": 10**30}, "team"),
    ({"team": None}, "team"),
    ({"will_modify": "sometimes"}, "will_modify"),
    ({"alternatives": ["one"]}, "alternatives"),
    ({"alternatives": [999999]}, "alternatives"),
    ({"alternatives": [10**30]}, "alternatives"),
    ({"answers": ["not", "a", "dict"]}, "answers"),
    ({"purl": 42}, "purl"),
])
def test_create_validation_errors_are_keyed_by_field(api, people, overrides, field):
    response = api["requester"].post("/requests", json=new_request(people["team"], **overrides))
    assert_error(response, 422, field)
    assert db.session.scalar(select(Request.id)) is None


@pytest.mark.parametrize("missing", ["team", "usage_context", "linking"])
def test_create_without_a_required_field(api, people, missing):
    body = new_request(people["team"])
    del body[missing]
    assert_error(api["requester"].post("/requests", json=body), 422, missing)


def test_create_for_a_team_you_are_not_in(api, people):
    body = new_request(people["other_team"])
    errors = assert_error(api["requester"].post("/requests", json=body), 422, "team")["errors"]
    assert "belong" in errors["team"]
    # The office member who is in no team cannot request for any.
    assert_error(api["office"].post("/requests", json=new_request(people["team"])), 422, "team")


def test_create_reports_every_problem_at_once(api, people):
    body = new_request(people["other_team"], purl="nope", usage_context="x", linking="y")
    errors = assert_error(api["requester"].post("/requests", json=body), 422)["errors"]
    assert {"team", "purl", "usage_context", "linking"} <= set(errors)


def test_alternatives_must_be_visible(api, people):
    visible = f.request_in(State.SUBMITTED, people["outsider"], people["other_team"])
    hidden = f.request_in(State.DRAFT, people["outsider"], people["other_team"])
    ok = api["requester"].post("/requests",
                               json=new_request(people["team"], alternatives=[visible.id]))
    assert ok.status_code == 201 and ok.get_json()["alternatives"] == [visible.id]
    refused = api["requester"].post("/requests",
                                    json=new_request(people["team"], alternatives=[hidden.id]))
    assert_error(refused, 422, "alternatives")


@pytest.mark.parametrize("kwargs,status", [
    ({"data": "{not json", "content_type": "application/json"}, 400),
    ({"json": ["a", "list"]}, 422),
    ({"json": "a string"}, 422),
    ({"json": None}, 422),
    ({"data": "team=1", "content_type": "application/x-www-form-urlencoded"}, 422),
    ({}, 422),
])
def test_create_with_a_body_that_is_not_a_json_object(api, kwargs, status):
    assert_error(api["requester"].post("/requests", **kwargs), status)


# --- editing --------------------------------------------------------------------------------

def test_patch_a_draft(api, people):
    created = api["requester"].post("/requests", json=new_request(people["team"])).get_json()
    body = new_request(people["team"], purl="pkg:pypi/httpx@0.27.0", usage_context="saas",
                       justification="Async client.", version=created["version"])
    response = api["requester"].patch(f"/requests/{created['id']}", json=body)
    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert edited["component"]["name"] == "httpx"
    assert edited["usage_context"] == "saas"
    assert edited["justification"] == "Async client."
    assert edited["title"] == "Adopt httpx 0.27.0"
    assert edited["version"] > created["version"]
    events = api["requester"].events(created["id"])
    assert actions(events) == ["created", "edited"]
    # A teammate may edit too, with the version they read.
    again = new_request(people["team"], purl="pkg:pypi/httpx@0.28.0", version=edited["version"])
    assert api["teammate"].patch(f"/requests/{created['id']}", json=again).status_code == 200


def test_patch_with_a_stale_version_is_409_and_changes_nothing(api, people):
    item = f.request_in(State.DRAFT, people["requester"], people["team"])
    old_version = item.version
    fresh = new_request(people["team"], justification="First edit.", version=old_version)
    assert api["teammate"].patch(f"/requests/{item.id}", json=fresh).status_code == 200
    stale = new_request(people["team"], justification="Second edit.", version=old_version)
    body = assert_error(api["requester"].patch(f"/requests/{item.id}", json=stale), 409)
    assert "changed" in body["message"]
    assert api["requester"].read(item.id)["justification"] == "First edit."


@pytest.mark.parametrize("state", [State.APPROVED, State.APPROVED_WITH_CONDITIONS,
                                   State.REJECTED, State.WITHDRAWN, State.IN_REVIEW])
def test_patch_outside_the_editable_states_is_409(api, people, state):
    item = f.request_in(state, people["requester"], people["team"], people["office"])
    body = new_request(people["team"], justification="Sneaky change.", version=item.version)
    assert_error(api["requester"].patch(f"/requests/{item.id}", json=body), 409)
    assert stored(item.id).justification == "We need it."


@pytest.mark.parametrize("state", [State.SUBMITTED, State.CHANGES_REQUESTED])
def test_patch_in_the_other_editable_states(api, people, state):
    item = f.request_in(state, people["requester"], people["team"], people["office"])
    body = new_request(people["team"], justification="More detail.", version=item.version)
    response = api["requester"].patch(f"/requests/{item.id}", json=body)
    assert response.status_code == 200
    assert response.get_json()["state"] == state.value


def test_patch_by_someone_outside_the_team(api, people):
    submitted = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    draft = f.request_in(State.DRAFT, people["requester"], people["team"])
    outsider_body = new_request(people["other_team"], version=submitted.version)
    assert_error(api["outsider"].patch(f"/requests/{submitted.id}", json=outsider_body), 403)
    # The office reads submitted requests but does not edit them.
    body = new_request(people["team"], version=submitted.version)
    assert_error(api["office"].patch(f"/requests/{submitted.id}", json=body), 403)
    # A draft does not exist for them at all.
    assert_error(api["outsider"].patch(f"/requests/{draft.id}",
                                       json={**outsider_body, "version": draft.version}), 404)
    assert_error(api["outsider"].get(f"/requests/{draft.id}"), 404)
    assert stored(submitted.id).version == submitted.version
    assert stored(draft.id).version == draft.version


def test_patch_validation(api, people):
    item = f.request_in(State.DRAFT, people["requester"], people["team"])
    body = new_request(people["team"])  # no version
    assert_error(api["requester"].patch(f"/requests/{item.id}", json=body), 422, "version")
    bad = new_request(people["team"], purl="garbage", version=item.version)
    assert_error(api["requester"].patch(f"/requests/{item.id}", json=bad), 422, "purl")
    assert_error(api["requester"].patch(f"/requests/{item.id}",
                                        json={**body, "version": "one"}), 422, "version")
    assert stored(item.id).version == item.version
    assert actions(api["requester"].events(item.id)) == ["created"]


def test_patch_unknown_request_is_404(api, people):
    body = new_request(people["team"], version=1)
    assert_error(api["requester"].patch("/requests/987654", json=body), 404)
