"""Failed sign-ins counted per (account, address) and per account, atomically.

The concurrency tests run on the suite's database: SQLite, or PostgreSQL under
TEST_DATABASE_URL (the advisory-lock path).
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from governance.auth import services
from governance.auth.models import LoginFailure
from governance.auth.roles import Role
from governance.database import db, utcnow
from tests import factories as f

THROTTLED = "Too many failed sign-ins for this account"


def _sign_in(client, username, password, addr="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def _failures(**where) -> int:
    query = select(func.count(LoginFailure.id))
    for column, value in where.items():
        query = query.where(getattr(LoginFailure, column) == value)
    return db.session.scalar(query)


def test_failures_for_one_account_never_lock_out_another_from_the_same_address(client, app):
    f.user(Role.ENGINEER, username="erin")
    f.user(Role.ENGINEER, username="bob")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _sign_in(client, "erin", "wrong-password").status_code == 401
    refused = _sign_in(client, "erin", f.PASSWORD)
    assert refused.status_code == 429
    assert f"{THROTTLED} from here. Wait 15 minutes" in refused.get_data(as_text=True)
    # Same address (a proxy, an office's NAT), another account: not affected.
    assert _sign_in(client, "bob", f.PASSWORD).status_code == 302


def test_the_same_account_from_another_address_may_still_sign_in(client, app):
    f.user(Role.ENGINEER, username="erin")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _sign_in(client, "erin", "wrong-password", addr="10.0.0.1")
    assert _sign_in(client, "erin", f.PASSWORD, addr="10.0.0.2").status_code == 302


def test_an_unknown_user_name_is_throttled_with_the_same_words(client, app):
    f.user(Role.ENGINEER, username="erin")
    for name in ("erin", "ghost"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            page = _sign_in(client, name, "wrong-password").get_data(as_text=True)
            assert "Unknown user name or wrong password." in page
        refused = _sign_in(client, name, "wrong-password")
        assert refused.status_code == 429
        assert f"{THROTTLED} from here." in refused.get_data(as_text=True)


def test_the_account_wide_limit_counts_every_address(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_MAX_FAILURES", 6)
    f.user(Role.ENGINEER, username="erin")
    for i in range(6):
        assert _sign_in(client, "erin", "wrong-password", addr=f"10.0.1.{i}").status_code == 401
    refused = _sign_in(client, "erin", f.PASSWORD, addr="10.0.2.1")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert f"{THROTTLED}. Wait 60 minutes" in page and "from here" not in page


def test_throttled_attempts_are_not_counted_and_success_clears_only_this_address(client, app):
    f.user(Role.ENGINEER, username="erin")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit + 3):
        _sign_in(client, "erin", "wrong-password", addr="10.0.0.1")
    # Refused attempts never reached the password: they neither count nor extend the wait.
    assert _failures(username="erin", remote_addr="10.0.0.1") == limit
    _sign_in(client, "erin", "wrong-password", addr="10.0.0.2")
    _sign_in(client, "erin", "wrong-password", addr="10.0.0.3")
    assert _sign_in(client, "erin", f.PASSWORD, addr="10.0.0.3").status_code == 302
    db.session.expire_all()
    assert _failures(username="erin", remote_addr="10.0.0.3") == 0
    assert _failures(username="erin", remote_addr="10.0.0.2") == 1
    assert _failures(username="erin", remote_addr="10.0.0.1") == limit


def _hammer(app, attempts: list[tuple[str, str, str]]) -> tuple[Counter, int]:
    """Run every (username, password, address) attempt in its own thread, all at once;
    the outcomes, and how many attempts reached the password check."""
    barrier = threading.Barrier(len(attempts))
    outcomes: Counter = Counter()
    checks = []
    lock = threading.Lock()

    def count_check(sender, **_):
        with lock:
            checks.append(sender)

    def attempt(username, password, addr):
        with app.app_context():
            barrier.wait()
            try:
                services.authenticate(username, password, addr)
                db.session.commit()
                outcome = "signed in"
            except services.LoginThrottled:
                outcome = "throttled"
            except services.LoginFailed:
                db.session.commit()
                outcome = "failed"
            except Exception as exc:  # noqa: BLE001 - reported below, not lost in a thread
                outcome = f"error: {exc!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes[outcome] += 1

    with services.password_checked.connected_to(count_check):
        threads = [threading.Thread(target=attempt, args=a) for a in attempts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes, len(checks)


@pytest.mark.parametrize("with_right_password", [False, True])
def test_concurrent_guesses_never_exceed_the_limit(app, with_right_password):
    f.user(Role.ENGINEER, username="erin")
    limit = app.config["LOGIN_MAX_FAILURES"]
    attempts = [("erin", f"wrong-password-{i}", "10.0.0.1") for i in range(40)]
    if with_right_password:
        attempts[len(attempts) // 2] = ("erin", f.PASSWORD, "10.0.0.1")
    outcomes, checks = _hammer(app, attempts)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    # A success clears that address's failures for the account (the person is in), so when
    # the right password lands among the guesses, at most `limit` wrong ones are checked
    # before it and at most `limit` after it, whatever the order the threads run in.
    assert checks <= (2 * limit if with_right_password else limit)
    assert outcomes["failed"] <= (2 * limit if with_right_password else limit)
    assert outcomes["failed"] + outcomes["signed in"] == checks
    assert outcomes["throttled"] == len(attempts) - checks
    if not with_right_password:
        assert checks == limit and _failures(username="erin") == limit


def test_concurrent_guesses_from_many_addresses_stop_at_the_account_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_MAX_FAILURES", 8)
    f.user(Role.ENGINEER, username="erin")
    attempts = [("erin", "wrong-password", f"10.0.{i // 3}.{i}") for i in range(40)]
    outcomes, checks = _hammer(app, attempts)
    assert outcomes == Counter({"failed": 8, "throttled": 32})
    assert checks == 8 and _failures(username="erin") == 8


def test_addresses_come_from_the_connection_unless_proxies_are_trusted(client):
    f.user(Role.ENGINEER, username="erin")
    client.post("/login", data={"username": "erin", "password": "wrong-password"},
                headers={"X-Forwarded-For": "203.0.113.9"},
                environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert db.session.scalar(select(LoginFailure.remote_addr)) == "10.9.9.9"


def test_trusted_proxies_give_the_forwarded_address(other_app):
    proxied = other_app(TRUSTED_PROXIES=1)
    with proxied.app_context():
        f.user(Role.ENGINEER, username="erin")
        client = proxied.test_client()
        client.post("/login", data={"username": "erin", "password": "wrong-password"},
                    headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"},
                    environ_base={"REMOTE_ADDR": "10.9.9.9"})
        # One proxy: the address it saw (the last one), not what the client claimed before.
        assert db.session.scalar(select(LoginFailure.remote_addr)) == "203.0.113.9"


def test_failures_older_than_both_windows_are_forgotten(app):
    old = utcnow() - timedelta(minutes=app.config["LOGIN_ACCOUNT_LOCKOUT_MINUTES"] + 1)
    db.session.add_all([LoginFailure(username="erin", remote_addr="10.0.0.1", at=old)
                        for _ in range(30)])
    db.session.commit()
    with pytest.raises(services.LoginFailed):
        services.authenticate("erin", "wrong-password", "10.0.0.1")
    assert _failures(username="erin") == 1
