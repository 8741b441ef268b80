"""Comments and events, the OpenAPI document, and the one error shape."""
from __future__ import annotations

import pytest

from governance.states import State
from tests import factories as f
from tests.api.helpers import API, actions, assert_error, new_request, stored

# --- comments and events --------------------------------------------------------------------

def test_comments(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    response = api["office"].post(f"/requests/{item.id}/comments",
                                  json={"body": "  Which licence does the 3.x line use?  "})
    assert response.status_code == 201
    comment = response.get_json()
    assert set(comment) == {"id", "author", "body", "created_at"}
    assert comment["body"] == "Which licence does the 3.x line use?"
    assert comment["author"]["username"] == people["office"].username
    reply = api["requester"].post(f"/requests/{item.id}/comments", json={"body": "MIT."})
    assert reply.status_code == 201
    events = api["requester"].events(item.id)
    commented = [e for e in events if e["action"] == "commented"]
    assert [e["summary"] for e in commented] == ["Which licence does the 3.x line use?", "MIT."]
    assert commented[0]["after"] == {"comment_id": comment["id"]}
    # A comment does not change the request's version: nobody's edit goes stale.
    assert api["requester"].read(item.id)["version"] == item.version


@pytest.mark.parametrize("body", [{"body": ""}, {"body": "   \n "}, {}, {"body": None},
                                  {"body": "x" * 20001}, {"body": 7}])
def test_empty_or_bad_comment_is_422(api, people, body):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    assert_error(api["requester"].post(f"/requests/{item.id}/comments", json=body), 422, "body")
    assert "commented" not in actions(api["requester"].events(item.id))


def test_comments_and_events_of_invisible_drafts_are_404(api, people):
    draft = f.request_in(State.DRAFT, people["requester"], people["team"])
    assert_error(api["outsider"].post(f"/requests/{draft.id}/comments",
                                      json={"body": "Hi"}), 404)
    assert_error(api["outsider"].get(f"/requests/{draft.id}/events"), 404)
    assert_error(api["office"].get(f"/requests/{draft.id}/events"), 404)
    assert_error(api["requester"].get("/requests/987654/events"), 404)
    assert_error(api["requester"].post("/requests/987654/comments", json={"body": "Hi"}), 404)
    # The team sees its draft's timeline.
    assert actions(api["teammate"].events(draft.id)) == ["created"]


def test_events_are_oldest_first_with_their_fields(api, people):
    item = f.request_in(State.APPROVED, people["requester"], people["team"], people["office"])
    events = api["compliance"].events(item.id)
    assert actions(events) == ["created", "submitted", "review_started", "approved"]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    for event in events:
        assert set(event) == {"id", "at", "actor", "action", "summary", "before", "after"}


# --- the OpenAPI document -------------------------------------------------------------------

@pytest.fixture
def spec(client):
    response = client.get(f"{API}/openapi.json")  # public: no token needed
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_openapi_document_is_valid(spec):
    from openapi_spec_validator import validate

    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "OSS Governance API"


def test_openapi_lists_the_paths(spec):
    expected = {
        "/api/v1/requests": {"get", "post"},
        "/api/v1/requests/{request_id}": {"get", "patch"},
        "/api/v1/requests/{request_id}/transitions/{name}": {"post"},
        "/api/v1/requests/{request_id}/comments": {"post"},
        "/api/v1/requests/{request_id}/events": {"get"},
        "/api/v1/me": {"get"},
    }
    for path, methods in expected.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, spec["paths"][path].keys())
    transition = spec["paths"]["/api/v1/requests/{request_id}/transitions/{name}"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(transition["responses"])


def test_openapi_declares_bearer_security(spec):
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("type") == "http" and s.get("scheme", "").lower() == "bearer"
               for s in schemes.values()), schemes
    name = next(n for n, s in schemes.items() if s.get("scheme", "").lower() == "bearer")
    assert {name: []} in spec["security"]


# --- errors: one shape, never a 500 ---------------------------------------------------------

def test_odd_calls_get_json_errors_never_500(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    caller = api["requester"]
    cases = [
        (caller.delete(f"/requests/{item.id}"), 405),
        (caller.post(f"/requests/{item.id}", json={}), 405),
        (caller.get("/no-such-endpoint"), 404),
        (caller.get("/requests/not-a-number"), 404),
        (caller.get("/requests/-1"), 404),
        (caller.get(f"/requests/{10**30}"), 404),
        (caller.get(f"/requests/{10**30}/events"), 404),
        (caller.get("/requests/987654"), 404),
        (caller.get("/requests", query_string={"team": 10**30}), 422),
        (caller.get("/requests", query_string={"team": -5}), 422),
        (caller.post(f"/requests/{item.id}/transitions/withdraw", data="[",
                     content_type="application/json"), 400),
        (caller.post(f"/requests/{item.id}/transitions/withdraw",
                     json={"version": 10**30}), 409),
        (caller.post("/requests", json={"purl": "pkg:pypi/x@1", "team": people["team"].id,
                                        "usage_context": "internal", "linking": "dynamic",
                                        "answers": {"production-users": {"nested": [1]}}}),
         201),
    ]
    for response, status in cases:
        assert response.status_code == status, (status, response.get_data(as_text=True))
    assert stored(item.id).state == State.SUBMITTED


def test_domain_and_input_errors_share_the_field_keys(api, people):
    """A script reads errors[<field>] whichever layer refused the input."""
    by_schema = assert_error(api["requester"].post(
        "/requests", json=new_request(people["team"], team="x")), 422, "team")
    by_service = assert_error(api["requester"].post(
        "/requests", json=new_request(people["other_team"])), 422, "team")
    assert set(by_schema["errors"]) == set(by_service["errors"]) == {"team"}
