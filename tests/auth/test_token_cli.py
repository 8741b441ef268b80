"""`flask users token`: personal API tokens made and revoked on the command line, each run in a
fresh `flask` process on the suite's database, as an operator or a CI script runs it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from governance.audit import services as audit
from governance.auth import services
from governance.auth.models import ApiToken
from governance.auth.roles import Role
from governance.database import db
from governance.errors import NotFound
from tests import factories as f


def me(client, secret: str):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})


def test_a_token_made_on_the_command_line_works_until_revoked(flask_cli, client):
    alice = f.user(Role.ENGINEER, username="alice")
    made = flask_cli("users", "token", "alice", "--name", "ci-bot")
    assert made.returncode == 0, made.stderr
    info, secret = made.stdout.splitlines()
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == alice.id))
    assert f"Token {token.id} (ci-bot)" in info and secret not in info
    answer = me(client, secret)
    assert answer.status_code == 200 and answer.json["username"] == "alice"

    revoked = flask_cli("users", "token", "--revoke", str(token.id))
    assert revoked.returncode == 0, revoked.stderr
    assert f"Token {token.id} (ci-bot) of alice is revoked." in revoked.stdout
    assert me(client, secret).status_code == 401
    assert [(e.action, e.actor_id) for e in audit.events_for("api_token", token.id)] == [
        ("token_created", alice.id), ("token_revoked", None)]


def test_quiet_prints_only_the_secret_for_a_script(flask_cli, client):
    f.user(Role.ENGINEER, username="alice")
    made = flask_cli("users", "token", "alice", "--name", "deploy", "--quiet")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.removesuffix("\n")
    assert secret.startswith("ogt_") and "\n" not in secret
    assert me(client, secret).json["username"] == "alice"


@pytest.mark.parametrize("args, exit_code, message", [
    (["nobody", "--name", "ci"], 1, "Error: No user 'nobody'."),
    (["retired", "--name", "ci"], 1, "Error: retired is inactive"),
    (["alice"], 2, "Missing option '--name'"),
    (["alice", "--revoke", "1"], 2, "--revoke ID takes neither USERNAME nor --name."),
    (["--revoke", "999999"], 1, "Error: No token with id 999999."),
], ids=["unknown-user", "inactive-user", "no-name", "revoke-with-user", "unknown-token"])
def test_mistakes_are_refused_with_the_reason(flask_cli, args, exit_code, message):
    f.user(Role.ENGINEER, username="alice")
    f.user(Role.ENGINEER, username="retired").active = False
    result = flask_cli("users", "token", *args)
    assert (result.returncode, result.stdout) == (exit_code, "")
    assert message in result.stderr and "Traceback" not in result.stderr
    assert db.session.scalar(select(ApiToken.id)) is None


def test_revoking_by_id_twice_records_it_once():
    token, _ = services.create_token(f.user(), "ci")
    services.revoke_token_by_id(token.id)
    first = token.revoked_at
    services.revoke_token_by_id(token.id)
    assert token.revoked_at == first
    assert [e.action for e in audit.events_for("api_token", token.id)].count("token_revoked") == 1
    with pytest.raises(NotFound):
        services.revoke_token_by_id(token.id + 1)
