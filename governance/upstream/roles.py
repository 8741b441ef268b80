"""Community roles: the company's maintainers, reviewers, committers and members in upstream
projects, recorded by their team (or the office), ended on the day they step down. Services
flush; the caller commits; every change writes an audit event."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from governance.adoption.services import check_web_address
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.database import db, get_by_id, get_or_not_found
from governance.errors import ValidationFailed
from governance.upstream.models import ROLE_KINDS, CommunityRole
from governance.upstream.services import project_key


@dataclass
class RoleInput:
    project: str
    role: str
    since: date | None
    person_id: int | None = None
    person_name: str = ""
    url: str = ""
    until: date | None = None
    team_id: int | None = None


def snapshot(item: CommunityRole) -> dict:
    return {"project": item.project, "person": item.person_label, "role": item.role,
            "url": item.url, "since": item.since.isoformat(),
            "until": item.until.isoformat() if item.until else None,
            "team": item.team.name if item.team else None}


def record(actor: User, data: RoleInput, today: date | None = None) -> CommunityRole:
    """Record a role: for a team of the actor's, or the actor's own (the office: anyone's)."""
    today = today or date.today()
    errors: dict[str, str] = {}
    team = None
    if data.team_id:
        team = get_by_id(Team, data.team_id)
        if team is None:
            errors["team_id"] = "No such team."
    person = get_by_id(User, data.person_id) if data.person_id else None
    if data.person_id and person is None:
        errors["person_id"] = "No such user."
    name = " ".join((data.person_name or "").split())
    # Whose role it is decides who may record it: an unknown team or user, or nobody named
    # at all, is a field error below rather than a refusal.
    if not errors and (team is not None or person is not None or name):
        may.record_community_role.require(actor, team, person.id if person else None)
    try:
        project = project_key(data.project)
    except ValueError as exc:
        errors["project"], project = str(exc), ""
    if person is None and not name and "person_id" not in errors:
        errors["person_name"] = "Choose a user of the app, or give the person's name."
    elif person is not None and name:
        errors["person_name"] = "Choose a user or give a name, not both."
    elif len(name) > 200:
        errors["person_name"] = "Keep the name under 200 characters."
    if data.role not in ROLE_KINDS:
        errors["role"] = f"Choose one of {', '.join(ROLE_KINDS)}."
    url = check_web_address(data.url, "url", errors)
    if data.since is None:
        errors["since"] = "Give the day the role started (YYYY-MM-DD)."
    elif data.since > today:
        errors["since"] = "The role cannot start in the future."
    if data.until is not None and data.since is not None and data.until < data.since:
        errors["until"] = "A role cannot end before it started."
    if not errors and data.until is None and _current_twin(project, person, name, data.role):
        errors["role"] = "This person already holds this role in this project."
    if errors:
        raise ValidationFailed(errors)
    item = CommunityRole(project=project, person=person, person_name=name if not person else "",
                         role=data.role, url=url, since=data.since, until=data.until,
                         team=team, recorded_by=actor)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "community_role", item.id, "community_role_recorded",
                 summary=f"{item.person_label}: {item.role_label} of {item.project}",
                 after=snapshot(item))
    return item


def _current_twin(project: str, person: User | None, name: str, role: str) -> bool:
    query = select(CommunityRole.id).where(CommunityRole.project == project,
                                           CommunityRole.role == role,
                                           CommunityRole.until.is_(None))
    query = query.where(CommunityRole.person_id == person.id) if person else \
        query.where(CommunityRole.person_id.is_(None), CommunityRole.person_name == name)
    return db.session.scalar(query.limit(1)) is not None


def end(actor: User, item: CommunityRole, until: date | None,
        today: date | None = None) -> CommunityRole:
    """The person stepped down (or the term ended) on `until` (today when None)."""
    today = today or date.today()
    may.record_community_role.require(actor, item.team, item.person_id)
    until = until or today
    if item.until is not None:
        raise ValidationFailed({"until": f"This role already ended on {item.until}."})
    if until < item.since or until > today:
        raise ValidationFailed({"until": "Give a day between the start of the role and "
                                         "today."})
    before = snapshot(item)
    item.until = until
    db.session.flush()
    audit.record(actor, "community_role", item.id, "community_role_ended",
                 summary=f"{item.person_label}: {item.role_label} of {item.project} ended",
                 before=before, after=snapshot(item))
    return item


def get(role_id: int) -> CommunityRole:
    return get_or_not_found(CommunityRole, role_id, "No such community role.")


def current_clause(today: date):
    return (CommunityRole.since <= today) & or_(CommunityRole.until.is_(None),
                                                CommunityRole.until >= today)


def list_query(*, project: str = "", team_id: int | None = None, current: bool = False,
               today: date | None = None) -> Select:
    """Roles, current ones first, newest first."""
    query = select(CommunityRole).options(selectinload(CommunityRole.person),
                                          selectinload(CommunityRole.team))
    if project:
        query = query.where(CommunityRole.project == project)
    if team_id:
        query = query.where(CommunityRole.team_id == team_id)
    if current:
        query = query.where(current_clause(today or date.today()))
    return query.order_by(CommunityRole.until.is_not(None), CommunityRole.project,
                          CommunityRole.since.desc(), CommunityRole.id)
