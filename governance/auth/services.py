"""Sign-in with throttling, login sessions, users, teams and API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select

from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import ApiToken, LoginFailure, LoginSession, Team, User
from governance.auth.roles import Role
from governance.database import db, get_by_id, utcnow
from governance.errors import NotAllowed, NotFound, ValidationFailed

MIN_PASSWORD_LENGTH = 10


class LoginThrottled(NotAllowed):
    status = 429


class LoginFailed(ValidationFailed):
    pass


# --- signing in and out ---------------------------------------------------------------------

def _recent_failures(username: str, remote_addr: str, since: datetime) -> int:
    return db.session.scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.at >= since,
            or_(LoginFailure.username == username, LoginFailure.remote_addr == remote_addr),
        )
    ) or 0


def authenticate(username: str, password: str, remote_addr: str, *, max_failures: int,
                 lockout_minutes: int) -> User:
    """The user, or LoginFailed / LoginThrottled. The caller commits either way, so that
    failures are counted even though the sign-in fails."""
    username = (username or "").strip().lower()
    remote_addr = (remote_addr or "unknown")[:64]
    since = utcnow() - timedelta(minutes=lockout_minutes)
    if _recent_failures(username, remote_addr, since) >= max_failures:
        raise LoginThrottled(
            f"Too many failed sign-ins. Wait {lockout_minutes} minutes, then try again.")
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    if user is None or not user.check_password(password or "") or not user.active:
        db.session.add(LoginFailure(username=username[:80], remote_addr=remote_addr))
        db.session.flush()
        raise LoginFailed({"password": "Unknown user name or wrong password."},
                          "Unknown user name or wrong password.")
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
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


def _validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            {"password": f"Use at least {MIN_PASSWORD_LENGTH} characters."})


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
        _validate_password(password)
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
        _validate_password(password)
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
    _validate_password(password)
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
