"""Sign-in with throttling, login sessions, users, teams and API tokens.

Throttling (authenticate): failed sign-ins are counted per (account, address), and with a
higher limit over a longer window per account; an address alone never locks an account out
(the per-address rate limit of the sign-in page is Flask-Limiter's, set up in the factory).
"""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from blinker import Namespace
from flask import current_app, has_app_context
from sqlalchemy import delete, func, select, text
from werkzeug.security import check_password_hash, generate_password_hash

from governance.audit import services as audit
from governance.auth import passwords
from governance.auth import permissions as may
from governance.auth.models import ApiToken, LoginFailure, LoginSession, Team, User
from governance.auth.roles import Role
from governance.database import db, get_by_id, utcnow
from governance.errors import NotAllowed, NotFound, ValidationFailed

# Sent each time a sign-in attempt reaches the password check (sender: the user name as
# typed, lower case), whether or not the account exists: lets tests and monitoring count the
# guesses that were actually tried.
_signals = Namespace()
password_checked = _signals.signal("password-checked")


class LoginThrottled(NotAllowed):
    status = 429


class LoginFailed(ValidationFailed):
    pass


# --- signing in and out ---------------------------------------------------------------------

@dataclass(frozen=True)
class Throttle:
    """max_failures in lockout_minutes per (account, address); account_max_failures in
    account_lockout_minutes per account, from any address (a slower, higher limit)."""

    max_failures: int
    lockout_minutes: int
    account_max_failures: int
    account_lockout_minutes: int

    @classmethod
    def from_config(cls, config) -> Throttle:
        return cls(config["LOGIN_MAX_FAILURES"], config["LOGIN_LOCKOUT_MINUTES"],
                   config["LOGIN_ACCOUNT_MAX_FAILURES"], config["LOGIN_ACCOUNT_LOCKOUT_MINUTES"])


def _lock_key(username: str) -> int:
    """A signed 64-bit key per account name, for pg_advisory_xact_lock."""
    digest = hashlib.blake2b(f"login:{username}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _minutes_until(oldest: datetime, window_minutes: int, now: datetime) -> int:
    seconds = (oldest + timedelta(minutes=window_minutes) - now).total_seconds()
    return max(1, math.ceil(seconds / 60))


def _claim_attempt(username: str, remote_addr: str, throttle: Throttle) -> None:
    """Record this attempt as a failure, then count, atomically; commits.

    Why this order: the attempt is stored BEFORE the password is checked and counted in the
    same transaction under a lock per account, so N concurrent guesses are counted one after
    the other and at most the limit of them reach the check (check-then-insert let 28 of 60
    through). PostgreSQL: a transaction-scoped advisory lock keyed by the account name.
    SQLite serialises writers: the INSERT is the transaction's first statement, so it waits
    for the write lock and the count after it sees every claim committed before. The claim is
    committed before the (slow) hash is checked, so the lock is held for milliseconds; a
    successful sign-in deletes it again. A throttled attempt is rolled back, not counted: it
    never reached the check, and counting it would let anyone keep an account locked.
    """
    db.session.commit()  # start from a fresh transaction (see above: the write comes first)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": _lock_key(username)})
    now = utcnow()
    db.session.add(LoginFailure(username=username, remote_addr=remote_addr, at=now))
    db.session.flush()
    pair_since = now - timedelta(minutes=throttle.lockout_minutes)
    account_since = now - timedelta(minutes=throttle.account_lockout_minutes)
    rows = db.session.execute(
        select(LoginFailure.at, LoginFailure.remote_addr)
        .where(LoginFailure.username == username,
               LoginFailure.at >= min(pair_since, account_since))
        .order_by(LoginFailure.at)
    ).all()
    # Both lists include this attempt: it may go on while they hold at most the limit.
    from_here = [at for at, addr in rows if addr == remote_addr and at >= pair_since]
    from_anywhere = [at for at, _ in rows if at >= account_since]
    message = None
    if len(from_here) > throttle.max_failures:
        # Free again when enough of the earlier failures have aged out of the window.
        oldest = from_here[len(from_here) - throttle.max_failures - 1]
        wait = _minutes_until(oldest, throttle.lockout_minutes, now)
        message = (f"Too many failed sign-ins for this account from here. Wait {wait} "
                   f"minute{'s' if wait != 1 else ''}, then try again.")
    elif len(from_anywhere) > throttle.account_max_failures:
        oldest = from_anywhere[len(from_anywhere) - throttle.account_max_failures - 1]
        wait = _minutes_until(oldest, throttle.account_lockout_minutes, now)
        message = (f"Too many failed sign-ins for this account. Wait {wait} "
                   f"minute{'s' if wait != 1 else ''}, then try again.")
    if message:
        db.session.rollback()
        raise LoginThrottled(message)
    # What has aged out of both windows counts no more: keep the table small.
    db.session.execute(delete(LoginFailure).where(
        LoginFailure.username == username, LoginFailure.at < min(pair_since, account_since)))
    db.session.commit()


_dummy_hashes: dict[str, str] = {}


def _check_unknown(password: str) -> None:
    """As slow as a real check, so the time taken does not tell whether the account exists."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") \
        if has_app_context() else "scrypt"
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_dummy_hashes[method], password)


def authenticate(username: str, password: str, remote_addr: str, *,
                 throttle: Throttle | None = None) -> User:
    """The user, or LoginFailed / LoginThrottled (with a message that never tells whether
    the account exists: unknown names are counted and throttled the same way).

    Call it first in its transaction: it commits the attempt before checking the password
    (see _claim_attempt). On failure the attempt stays recorded; on success it is deleted
    with this address's earlier failures, and the caller commits."""
    throttle = throttle or Throttle.from_config(current_app.config)
    username = (username or "").strip().lower()
    key = username[:80]
    remote_addr = (remote_addr or "unknown")[:64]
    _claim_attempt(key, remote_addr, throttle)
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    password_checked.send(key)
    if user is None:
        _check_unknown(password or "")
    if user is None or not user.check_password(password or "") or not user.active:
        raise LoginFailed({"password": "Unknown user name or wrong password."},
                          "Unknown user name or wrong password.")
    # Only this address's failures: the account-wide count of other addresses stands.
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == key,
                                                  LoginFailure.remote_addr == remote_addr))
    return user


def open_session(user: User, lifetime_hours: int) -> LoginSession:
    login = LoginSession(key=secrets.token_urlsafe(32), user=user,
                         expires_at=utcnow() + timedelta(hours=lifetime_hours))
    db.session.add(login)
    audit.record(user, "user", user.id, "signed_in")
    db.session.flush()
    return login


def user_for_session(user_id: int, session_key: str | None) -> User | None:
    """The user of a live login session, or None (expired, ended by logout, or forged)."""
    if not session_key:
        return None
    login = db.session.scalar(select(LoginSession).where(LoginSession.key == session_key))
    if login is None or login.user_id != user_id or login.expires_at < utcnow():
        return None
    return login.user if login.user.active else None


def close_session(session_key: str | None, user: User | None) -> None:
    if session_key:
        db.session.execute(delete(LoginSession).where(LoginSession.key == session_key))
    if user is not None:
        audit.record(user, "user", user.id, "signed_out")


# --- users and teams ------------------------------------------------------------------------

def _require_admin(actor: User | None) -> None:
    # actor None is the command line, which only the machine's operator can run.
    if actor is not None:
        may.administer.require(actor)


def create_user(actor: User | None, *, username: str, password: str, role: Role | str,
                full_name: str = "", email: str = "", team_ids: list[int] = ()) -> User:
    _require_admin(actor)
    username = (username or "").strip().lower()
    errors = {}
    if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        errors["username"] = "Use letters, digits, dots, - and _."
    elif db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
        errors["username"] = "That user name is taken."
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = "Choose a role."
    try:
        passwords.check(password, username=username)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    user = User(username=username, role=role, full_name=(full_name or "").strip(),
                email=(email or "").strip())
    user.set_password(password)
    user.teams = [t for t in (get_by_id(Team, i) for i in team_ids) if t]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user", user.id, "user_created", summary=username,
                 after={"role": role.value, "teams": [t.name for t in user.teams]})
    return user


def update_user(actor: User | None, user: User, *, role: Role | str, full_name: str,
                email: str, active: bool, team_ids: list[int],
                password: str = "") -> User:
    _require_admin(actor)
    try:
        role = Role(role)
    except ValueError as exc:
        raise ValidationFailed({"role": "Choose a role."}) from exc
    if actor is not None and user.id == actor.id and (role != Role.ADMIN or not active):
        raise ValidationFailed({"role": "You cannot remove your own administrator access."})
    if password:
        passwords.check(password, username=user.username)
    before = {"role": user.role.value, "active": user.active,
              "teams": [t.name for t in user.teams], "full_name": user.full_name,
              "email": user.email}
    user.role, user.active = role, bool(active)
    user.full_name, user.email = (full_name or "").strip(), (email or "").strip()
    user.teams = [t for t in (get_by_id(Team, i) for i in team_ids) if t]
    if password:
        user.set_password(password)
        # A new password ends every open session of that user.
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    if not user.active:
        db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    after = {"role": user.role.value, "active": user.active,
             "teams": [t.name for t in user.teams], "full_name": user.full_name,
             "email": user.email}
    if password:
        after["password"] = "changed"
    audit.record(actor, "user", user.id, "user_updated", summary=user.username,
                 before=before, after=after)
    db.session.flush()
    return user


def set_password(actor: User | None, user: User, password: str) -> None:
    _require_admin(actor)
    passwords.check(password, username=user.username)
    user.set_password(password)
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    audit.record(actor, "user", user.id, "password_set", summary=user.username)
    db.session.flush()


def save_team(actor: User | None, team: Team | None, *, name: str, description: str = "",
              member_ids: list[int] = ()) -> Team:
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "Give the team a name."})
    clash = db.session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
    if clash is not None and clash is not team:
        raise ValidationFailed({"name": "A team with that name exists."})
    created = team is None
    before = None if created else {"name": team.name, "description": team.description,
                                   "members": [u.username for u in team.members]}
    if created:
        team = Team()
        db.session.add(team)
    team.name, team.description = name, (description or "").strip()
    team.members = [u for u in (get_by_id(User, i) for i in member_ids) if u]
    db.session.flush()
    audit.record(actor, "team", team.id, "team_created" if created else "team_updated",
                 summary=team.name, before=before,
                 after={"name": team.name, "description": team.description,
                        "members": [u.username for u in team.members]})
    return team


def get_user(user_id: int) -> User:
    user = get_by_id(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def get_team(team_id: int) -> Team:
    team = get_by_id(Team, team_id)
    if team is None:
        raise NotFound("No such team.")
    return team


# --- API tokens -----------------------------------------------------------------------------

def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """The stored token and its secret, which is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": "Name the token after where you will use it."})
    secret = "ogt_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], prefix=secret[:10], token_hash=_hash_token(secret))
    db.session.add(token)
    db.session.flush()
    audit.record(user, "api_token", token.id, "token_created", summary=token.name)
    return token, secret


def revoke_token(user: User, token_id: int) -> ApiToken:
    token = get_by_id(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    return _revoke(token, user)


def revoke_token_by_id(token_id: int) -> ApiToken:
    """Any user's token, revoked from the command line. Only the machine's operator runs
    that, so there is no owner check and the audit trail names no actor ("system")."""
    token = get_by_id(ApiToken, token_id)
    if token is None:
        raise NotFound(f"No token with id {token_id}.")
    return _revoke(token, None)


def _revoke(token: ApiToken, actor: User | None) -> ApiToken:
    # Revoking twice changes nothing and records nothing: the first revocation stands.
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "api_token", token.id, "token_revoked", summary=token.name)
        db.session.flush()
    return token


def user_for_token(secret: str) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))
