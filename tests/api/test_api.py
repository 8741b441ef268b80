"""/api/v1 as its users (CI scripts, other tools) call it: a personal token in the
Authorization header, JSON in, JSON out, and one error shape for every failure.

Every call goes through `Api._send`, which also checks that no answer is a 500 and that every
error is JSON of the one shape {"code", "status", "message", optional "errors"}.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from werkzeug.http import HTTP_STATUS_CODES
from sqlalchemy import select

from governance.audit.models import AuditEvent
from governance.auth import services as auth
from governance.auth.models import ApiToken
from governance.auth.roles import Role
from governance.database import db
from governance.workflow.models import Request
from governance.workflow.states import TRANSITIONS, State
from tests import factories as f

API = "/api/v1"
ERROR_KEYS = {"code", "status", "message", "errors"}


# --- helpers --------------------------------------------------------------------------------

def assert_error(response, status: int, *fields: str) -> dict:
    """The response is the API's one JSON error shape with `status`, naming `fields`."""
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    assert response.mimetype == "application/json", response.headers
    body = response.get_json()
    assert isinstance(body, dict)
    assert {"code", "status", "message"} <= set(body) <= ERROR_KEYS, body
    assert body["code"] == status
    assert body["status"] == HTTP_STATUS_CODES[status]  # the standard phrase, every time
    assert isinstance(body["message"], str) and body["message"]
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if "errors" in body:
        assert isinstance(body["errors"], dict) and body["errors"]
    for name in fields:
        assert name in body.get("errors", {}), body
    return body


def check_response(response) -> None:
    """What holds for every answer of the API, whatever was sent."""
    assert response.status_code != 500, response.get_data(as_text=True)[:1000]
    if response.status_code >= 400:
        assert_error(response, response.status_code)
    else:
        assert response.mimetype == "application/json"


class Api:
    """A client holding one user's personal token, as a CI job would."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        self.token, self.secret = auth.create_token(user, f"ci-{user.username}")
        db.session.commit()

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.secret}"}

    def _send(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = getattr(self.client, method)(API + path, headers=headers, **kwargs)
        check_response(response)
        return response

    def get(self, path, **kwargs):
        return self._send("get", path, **kwargs)

    def post(self, path, **kwargs):
        return self._send("post", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._send("patch", path, **kwargs)

    def delete(self, path, **kwargs):
        return self._send("delete", path, **kwargs)

    # The calls a script makes most.
    def list(self, **query):
        response = self.get("/requests", query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def read(self, request_id: int) -> dict:
        response = self.get(f"/requests/{request_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def fire(self, request_id: int, name: str, version: int | None = None, **body):
        if version is None:
            version = self.read(request_id)["version"]
        return self.post(f"/requests/{request_id}/transitions/{name}",
                         json={"version": version, **body})

    def events(self, request_id: int) -> list[dict]:
        response = self.get(f"/requests/{request_id}/events")
        assert response.status_code == 200, response.get_json()
        return response.get_json()


def new_request(team_, /, **overrides) -> dict:
    """A complete create body for `team_`: every required answer given."""
    body = {"purl": "pkg:pypi/requests@2.32.3", "team": team_.id, "usage_context": "internal",
            "linking": "dynamic", "justification": "HTTP client for the billing jobs.",
            "answers": dict(f.ANSWERS)}
    body.update(overrides)
    return body


def actions(events: list[dict]) -> list[str]:
    return [e["action"] for e in events]


def ids(page: dict) -> list[int]:
    return [item["id"] for item in page["items"]]


def stored(request_id: int) -> Request:
    db.session.expire_all()
    return db.session.get(Request, request_id)


@pytest.fixture
def people():
    team = f.team("Payments")
    other_team = f.team("Data")
    return {
        "team": team,
        "other_team": other_team,
        "requester": f.user(Role.ENGINEER, teams=[team]),
        "teammate": f.user(Role.ENGINEER, teams=[team]),
        "outsider": f.user(Role.ENGINEER, teams=[other_team]),
        "office": f.user(Role.OSS_OFFICE),
        "office2": f.user(Role.OSS_OFFICE),
        # Someone from the OSS office who also belongs to a team and requests packages.
        "office_member": f.user(Role.OSS_OFFICE, teams=[team]),
        "compliance": f.user(Role.COMPLIANCE),
        "admin": f.user(Role.ADMIN),
    }


@pytest.fixture
def api(client, people):
    """api["requester"] etc.: an Api client per person, each with their own token."""
    cache = {}

    class Clients(dict):
        def __missing__(self, key):
            cache[key] = Api(client, people[key])
            return cache[key]

    return Clients()


# --- authentication -------------------------------------------------------------------------

PROTECTED = [
    ("get", "/me"),
    ("get", "/requests"),
    ("post", "/requests"),
    ("get", "/requests/{id}"),
    ("patch", "/requests/{id}"),
    ("post", "/requests/{id}/transitions/submit"),
    ("post", "/requests/{id}/comments"),
    ("get", "/requests/{id}/events"),
]

BAD_HEADERS = {
    "none": {},
    "empty": {"Authorization": ""},
    "basic": {"Authorization": "Basic dXNlcjpwYXNzd29yZA=="},
    "token-scheme": {"Authorization": "Token {secret}"},
    "bare-secret": {"Authorization": "{secret}"},
    "bearer-without-token": {"Authorization": "Bearer "},
    "unknown-token": {"Authorization": "Bearer ogt_not-a-real-token"},
    "secret-with-extra-characters": {"Authorization": "Bearer {secret}x"},
}


@pytest.mark.parametrize("method,path", PROTECTED, ids=[f"{m} {p}" for m, p in PROTECTED])
@pytest.mark.parametrize("case", BAD_HEADERS)
def test_every_endpoint_needs_a_valid_token(client, people, method, path, case):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    _, secret = auth.create_token(people["requester"], "ci")
    db.session.commit()
    headers = {k: v.format(secret=secret) for k, v in BAD_HEADERS[case].items()}
    kwargs = {"json": {"version": item.version, "body": "x"}} if method != "get" else {}
    response = getattr(client, method)(API + path.format(id=item.id), headers=headers, **kwargs)
    assert_error(response, 401)
    assert stored(item.id).version == item.version  # nothing happened


def test_401_messages_say_what_is_wrong(client, people):
    body = assert_error(client.get(f"{API}/me"), 401)
    assert "Bearer" in body["message"]
    body = assert_error(client.get(f"{API}/me",
                                   headers={"Authorization": "Bearer ogt_unknown"}), 401)
    assert "unknown or revoked" in body["message"]


def test_revoked_token_is_refused(client, people):
    caller = Api(client, people["requester"])
    assert caller.get("/me").status_code == 200
    auth.revoke_token(people["requester"], caller.token.id)
    db.session.commit()
    assert_error(caller.get("/me"), 401)
    assert_error(caller.get("/requests"), 401)


def test_token_of_a_deactivated_user_is_refused(client, people):
    user = people["requester"]
    caller = Api(client, user)
    auth.update_user(None, user, role=user.role, full_name="", email="", active=False,
                     team_ids=[people["team"].id])
    db.session.commit()
    assert_error(caller.get("/me"), 401)


def test_another_users_revoked_token_does_not_affect_mine(client, people):
    mine = Api(client, people["requester"])
    theirs = Api(client, people["teammate"])
    auth.revoke_token(people["teammate"], theirs.token.id)
    db.session.commit()
    assert mine.get("/me").status_code == 200
    assert_error(theirs.get("/me"), 401)


def test_valid_token_works_and_records_last_used_at(client, people):
    caller = Api(client, people["requester"])
    assert db.session.get(ApiToken, caller.token.id).last_used_at is None
    response = caller.get("/me")
    assert response.status_code == 200
    db.session.expire_all()
    first = db.session.get(ApiToken, caller.token.id).last_used_at
    assert first is not None
    assert caller.get("/requests").status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, caller.token.id).last_used_at >= first


def test_scheme_is_case_insensitive(client, people):
    caller = Api(client, people["requester"])
    response = client.get(f"{API}/me", headers={"Authorization": f"bearer {caller.secret}"})
    assert response.status_code == 200


def test_a_browser_session_does_not_authenticate_the_api(client, people):
    """The API is CSRF-exempt, so a login cookie alone must never be enough."""
    f.login(client, people["requester"].username)
    assert_error(client.get(f"{API}/me"), 401)
    response = client.post(f"{API}/requests", json=new_request(people["team"], submit=True))
    assert_error(response, 401)
    assert db.session.scalar(select(Request.id)) is None


def test_me_returns_the_user_with_role_and_teams(api, people):
    me = api["requester"].get("/me").get_json()
    assert me == {"id": people["requester"].id, "username": people["requester"].username,
                  "full_name": people["requester"].full_name, "role": "engineer",
                  "teams": [{"id": people["team"].id, "name": "Payments"}]}
    office = api["office"].get("/me").get_json()
    assert office["role"] == "oss_office" and office["teams"] == []
    assert api["compliance"].get("/me").get_json()["role"] == "compliance"
    assert api["admin"].get("/me").get_json()["role"] == "admin"


# --- listing --------------------------------------------------------------------------------

def test_list_has_the_pagination_envelope(api, people):
    made = [f.request_in(State.SUBMITTED, people["requester"], people["team"]).id
            for _ in range(5)]
    first = api["requester"].list(per_page=2)
    assert set(first) == {"items", "page", "per_page", "total", "pages"}
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    second = api["requester"].list(per_page=2, page=2)
    third = api["requester"].list(per_page=2, page=3)
    assert (len(first["items"]), len(second["items"]), len(third["items"])) == (2, 2, 1)
    # Newest first, every request exactly once across the pages.
    assert ids(first) + ids(second) + ids(third) == sorted(made, reverse=True)
    past_the_end = api["requester"].list(per_page=2, page=4)
    assert past_the_end["items"] == [] and past_the_end["total"] == 5


def test_list_defaults_and_empty(api):
    page = api["requester"].list()
    assert page == {"items": [], "page": 1, "per_page": 20, "total": 0, "pages": 0}


@pytest.mark.parametrize("per_page", [1, 100])
def test_per_page_limits_accept(api, per_page):
    assert api["requester"].list(per_page=per_page)["per_page"] == per_page


@pytest.mark.parametrize("query", [{"per_page": 0}, {"per_page": 101}, {"per_page": -1},
                                   {"per_page": "ten"}, {"page": 0}, {"page": "x"},
                                   {"page": 10**20}])
def test_bad_paging_answers_422(api, query):
    response = api["requester"].get("/requests", query_string=query)
    assert_error(response, 422, *query)


def test_state_filter_is_repeatable(api, people):
    r, t, o = people["requester"], people["team"], people["office"]
    draft = f.request_in(State.DRAFT, r, t)
    submitted = f.request_in(State.SUBMITTED, r, t)
    in_review = f.request_in(State.IN_REVIEW, r, t, o)
    approved = f.request_in(State.APPROVED, r, t, o)
    caller = api["requester"]
    both = caller.get("/requests?state=submitted&state=in_review").get_json()
    assert sorted(ids(both)) == sorted([submitted.id, in_review.id])
    assert both["total"] == 2
    assert ids(caller.list(state="approved")) == [approved.id]
    assert ids(caller.list(state="draft")) == [draft.id]
    assert caller.list()["total"] == 4
    assert_error(caller.get("/requests", query_string={"state": "bogus"}), 422, "state")


def test_team_context_and_scope_filters(api, people):
    r, t = people["requester"], people["team"]
    mine = f.request_in(State.SUBMITTED, r, t, usage_context="saas")
    teammates = f.request_in(State.SUBMITTED, people["teammate"], t)
    others = f.request_in(State.SUBMITTED, people["outsider"], people["other_team"])
    caller = api["requester"]
    assert sorted(ids(caller.list(team=people["other_team"].id))) == [others.id]
    assert sorted(ids(caller.list(team=t.id))) == sorted([mine.id, teammates.id])
    assert ids(caller.list(context="saas")) == [mine.id]
    assert ids(caller.list(context="no-such-context")) == []
    assert ids(caller.list(scope="mine")) == [mine.id]
    assert sorted(ids(caller.list(scope="team"))) == sorted([mine.id, teammates.id])
    assert sorted(ids(caller.list(scope="all"))) == sorted([mine.id, teammates.id, others.id])
    assert ids(api["office"].list(scope="mine")) == []
    assert_error(caller.get("/requests", query_string={"scope": "everything"}), 422, "scope")
    assert_error(caller.get("/requests", query_string={"team": "payments"}), 422, "team")


def test_q_searches_package_name_and_justification(api, people):
    r, t = people["requester"], people["team"]
    by_name = f.request_in(State.SUBMITTED, r, t, purl="pkg:npm/left-pad@1.3.0",
                           justification="Padding strings.")
    by_text = f.request_in(State.SUBMITTED, r, t, purl="pkg:pypi/attrs@23.1.0",
                           justification="Needed for the Kafka consumer rewrite.")
    f.request_in(State.SUBMITTED, r, t, purl="pkg:pypi/other@1.0", justification="Unrelated.")
    caller = api["requester"]
    assert ids(caller.list(q="left-pad")) == [by_name.id]
    assert ids(caller.list(q="LEFT")) == [by_name.id]
    assert ids(caller.list(q="kafka")) == [by_text.id]
    # Every word must match somewhere.
    assert ids(caller.list(q="kafka consumer")) == [by_text.id]
    assert ids(caller.list(q="kafka left-pad")) == []
    assert ids(caller.list(q="nothing-like-this")) == []
    # Combined with other filters.
    assert ids(caller.list(q="kafka", state="approved")) == []
    assert_error(caller.get("/requests", query_string={"q": "x" * 201}), 422, "q")


def test_drafts_of_other_teams_are_never_listed(api, people):
    theirs = f.request_in(State.DRAFT, people["outsider"], people["other_team"],
                          purl="pkg:pypi/secret-project@0.1", justification="Top secret.")
    own_team_draft = f.request_in(State.DRAFT, people["teammate"], people["team"])
    caller = api["requester"]
    for query in ({}, {"state": "draft"}, {"team": people["other_team"].id},
                  {"q": "secret-project"}, {"q": "secret"}, {"scope": "all"},
                  {"per_page": 100}):
        assert theirs.id not in ids(caller.list(**query)), query
    assert ids(caller.list(state="draft")) == [own_team_draft.id]  # drafts of my team: yes
    # The office, compliance and admins do not see anyone's drafts either.
    for who in ("office", "compliance", "admin"):
        assert api[who].list()["total"] == 0, who
    # Its author does.
    assert sorted(ids(api["outsider"].list())) == [theirs.id]


def test_items_carry_allowed_transitions_for_the_caller(api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    seen = {who: api[who].list()["items"][0]["allowed_transitions"]
            for who in ("requester", "teammate", "outsider", "office", "compliance", "admin")}
    assert seen == {"requester": ["withdraw"], "teammate": ["withdraw"], "outsider": [],
                    "office": ["start_review"], "compliance": [], "admin": []}
    assert api["office"].read(item.id)["allowed_transitions"] == ["start_review"]
    draft = f.request_in(State.DRAFT, people["requester"], people["team"])
    assert sorted(api["requester"].read(draft.id)["allowed_transitions"]) == ["submit",
                                                                              "withdraw"]


def test_list_items_have_the_documented_fields(api, people):
    f.request_in(State.APPROVED, people["requester"], people["team"], people["office"])
    item = api["compliance"].list()["items"][0]
    for key in ("id", "kind", "title", "state", "version", "component", "team", "requester",
                "reviewer", "usage_context", "linking", "will_modify", "justification",
                "alternatives", "answers", "submitted_at", "decided_at", "decided_by",
                "decision_reason", "conditions", "approval_expires_on", "created_at",
                "updated_at", "allowed_transitions"):
        assert key in item, key
    assert item["state"] == "approved"
    assert item["decided_by"]["username"] == people["office"].username
    assert item["reviewer"]["username"] == people["office"].username


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
    assert component["homepage_url"] == "https://babeljs.io"


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


# --- transitions ----------------------------------------------------------------------------

def test_full_lifecycle_over_the_api(api, people):
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
    assert events[-1]["after"] == {"state": "approved_with_conditions",
                                   "reason": "Well maintained.",
                                   "conditions": "Keep the NOTICE file.", "expires_on": expires}
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
    for name in TRANSITIONS:
        who = "requester" if TRANSITIONS[name].actor.value == "requester" else "office2"
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
