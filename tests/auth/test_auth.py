"""Signing in and out, throttling, sessions, users, teams and API tokens."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from governance.audit.models import AuditEvent
from governance.auth import services
from governance.auth.models import ApiToken, LoginSession, User
from governance.auth.roles import Role
from governance.database import db
from governance.errors import NotAllowed, NotFound, ValidationFailed
from tests import factories as f


def test_sign_in_opens_a_session_and_records_it(client):
    user = f.user(Role.ENGINEER, username="erin")
    f.login(client, "erin")
    assert client.get("/").status_code == 200
    assert db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signed_in"))


def test_user_names_are_case_insensitive(client):
    f.user(Role.ENGINEER, username="erin")
    f.login(client, "ERIN")


def test_a_wrong_password_says_so_on_the_field_and_keeps_the_user_name(client):
    f.user(Role.ENGINEER, username="erin")
    response = client.post("/login", data={"username": "erin", "password": "nope"})
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Unknown user name or wrong password." in page
    assert 'value="erin"' in page


def test_repeated_failures_lock_the_account_for_a_while(client, app):
    f.user(Role.ENGINEER, username="erin")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": "erin", "password": "wrong"})
    # Even the right password is refused while throttled.
    response = client.post("/login", data={"username": "erin", "password": f.PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_really_ends_the_session(client, app):
    f.user(Role.ENGINEER, username="erin")
    f.login(client, "erin")
    cookie = client.get_cookie("session", domain="localhost").value
    response = client.post("/logout")
    assert response.status_code == 302
    assert db.session.scalar(select(LoginSession)) is None
    # Replaying the cookie captured before logout no longer signs anyone in.
    replay = app.test_client()
    replay.set_cookie("session", cookie, domain="localhost")
    assert replay.get("/").status_code == 302
    assert "/login" in replay.get("/").location


def test_logout_needs_a_post(client):
    f.user(Role.ENGINEER, username="erin")
    f.login(client, "erin")
    assert client.get("/logout").status_code == 405


def test_a_deactivated_user_is_signed_out_everywhere(client):
    admin = f.user(Role.ADMIN)
    user = f.user(Role.ENGINEER, username="erin")
    f.login(client, "erin")
    services.update_user(admin, user, role="engineer", full_name="", email="", active=False,
                         team_ids=[])
    db.session.commit()
    assert client.get("/").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite(client):
    f.user(Role.ENGINEER, username="erin")
    response = f.login(client, "erin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_redirects_only_to_local_paths(client):
    f.user(Role.ENGINEER, username="erin")
    response = client.post("/login?next=https://evil.example/", data={
        "username": "erin", "password": f.PASSWORD})
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/adoption/", data={
        "username": "erin", "password": f.PASSWORD})
    assert response.location == "/adoption/"


def test_only_admins_manage_users_and_teams():
    engineer = f.user(Role.ENGINEER)
    with pytest.raises(NotAllowed):
        services.create_user(engineer, username="x", password="long-enough-pw", role="admin")
    with pytest.raises(NotAllowed):
        services.save_team(engineer, None, name="Sneaky")


def test_creating_a_user_validates_everything_at_once():
    admin = f.user(Role.ADMIN, username="root")
    with pytest.raises(ValidationFailed) as caught:
        services.create_user(admin, username="root", password="short", role="wizard")
    assert set(caught.value.errors) == {"username", "password", "role"}


def test_an_admin_cannot_lock_themselves_out():
    admin = f.user(Role.ADMIN)
    with pytest.raises(ValidationFailed):
        services.update_user(admin, admin, role="engineer", full_name="", email="",
                             active=True, team_ids=[])


def test_team_names_are_unique_ignoring_case():
    admin = f.user(Role.ADMIN)
    services.save_team(admin, None, name="Payments")
    with pytest.raises(ValidationFailed):
        services.save_team(admin, None, name="payments")


def test_tokens_are_stored_hashed_shown_once_and_revocable():
    user = f.user(Role.ENGINEER)
    token, secret = services.create_token(user, "ci")
    db.session.commit()
    assert secret not in (token.token_hash, token.prefix) and token.token_hash != secret
    assert services.user_for_token(secret) == user
    services.revoke_token(user, token.id)
    db.session.commit()
    assert services.user_for_token(secret) is None


def test_nobody_revokes_someone_elses_token():
    owner, other = f.user(Role.ENGINEER), f.user(Role.ADMIN)
    token, _ = services.create_token(owner, "ci")
    with pytest.raises(NotFound):
        services.revoke_token(other, token.id)
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_the_tokens_page_shows_a_new_token_once(client):
    f.user(Role.ENGINEER, username="erin")
    f.login(client, "erin")
    page = client.post("/account/tokens", data={"name": "release CI"}).get_data(as_text=True)
    assert 'data-testid="new-token"' in page
    again = client.get("/account/tokens").get_data(as_text=True)
    assert "release CI" in again and 'data-testid="new-token"' not in again


def test_cli_creates_the_first_admin(runner):
    result = runner.invoke(args=["users", "create", "root", "--role", "admin", "--generate",
                                 "--team", "Platform"])
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output
    user = db.session.scalar(select(User).where(User.username == "root"))
    assert user.role == Role.ADMIN and [t.name for t in user.teams] == ["Platform"]


def test_cli_refuses_a_short_password_with_the_reason(runner):
    result = runner.invoke(args=["users", "create", "root", "--role", "admin",
                                 "--password", "short"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert db.session.scalar(select(User)) is None


def test_cli_sets_a_password(runner):
    f.user(Role.ENGINEER, username="erin")
    result = runner.invoke(args=["users", "set-password", "erin", "--password",
                                 "another-good-pw"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "erin"))
    assert user.check_password("another-good-pw")


def test_the_admin_sees_each_users_history(client):
    f.user(Role.ADMIN, username="root")
    erin = f.user(Role.ENGINEER, username="erin")
    f.login(client, "root")
    client.post(f"/admin/users/{erin.id}", data={
        "username": "erin", "full_name": "Erin E.", "email": "", "role": "oss_office",
        "active": "y"})
    page = client.get(f"/admin/users/{erin.id}").get_data(as_text=True)
    assert "user_updated" in page and "oss_office" in page and "History" in page
