"""Authentication: a personal token in the Authorization header, or nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from governance.auth import services as auth
from governance.auth.models import ApiToken
from governance.database import db
from governance.states import State
from governance.workflow.models import Request
from tests import factories as f
from tests.api.helpers import API, Api, assert_error, new_request, stored

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
