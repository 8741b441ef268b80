"""GitHub organization requests: what a team asks for, checked against policies/github.yaml,
created and edited on the shared workflow core (states, audit, optimistic locking)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.database import get_by_id
from governance.errors import IllegalTransition, ValidationFailed
from governance.github_api.plan import PERMISSIONS, VISIBILITIES
from governance.github_requests.models import (
    CODE_KINDS,
    CONTRIBUTOR_TERMS,
    KINDS,
    MODELS,
    GitHubRequest,
    missing_to_submit,
)
from governance.licensing.expressions import lookup
from governance.rules.github import LOGIN_PATTERN, GitHubPolicy
from governance.states import EDITABLE_STATES, State
from governance.workflow import services as workflow
from governance.workflow.models import Request

REPOSITORY_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
TEAM_SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
PACKAGE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9@/._-]{1,214}$")
MAX_LIST = 20
COLLABORATOR_PERMISSIONS = tuple(p for p in PERMISSIONS if p != "admin")


@dataclass
class GitHubInput:
    kind: str = "publish_repository"
    team_id: int | None = None
    org: str = ""
    repository: str = ""
    description: str = ""
    license: str = ""
    visibility: str = "public"
    github_teams: list[dict] = field(default_factory=list)  # [{"slug", "permission"}]
    maintainers: list[str] = field(default_factory=list)
    security_contact: str = ""
    contributor_terms: str = ""
    team_wrote_all: bool | None = None
    other_code: str = ""
    telemetry: bool = False
    cryptography: bool = False
    justification: str = ""
    package_names: list[str] = field(default_factory=list)
    username: str = ""
    permission: str = ""
    access_expires_on: date | None = None


def _text(value, limit: int, errors: dict, name: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[name] = f"{label} is limited to {limit:,} characters."
    return value


def _names(values, pattern, errors: dict, name: str, what: str) -> list[str]:
    cleaned = []
    for value in values or []:
        value = str(value).strip()
        if not value:
            continue
        if not pattern.match(value):
            errors[name] = f"“{value[:100]}” is not a valid {what}."
            continue
        if value.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(value)
    if len(cleaned) > MAX_LIST:
        errors[name] = f"At most {MAX_LIST} entries."
    return cleaned


def _validate(data: GitHubInput, actor: User, policy: GitHubPolicy, today: date,
              submit: bool = False) -> dict:
    """The input, cleaned, as the model's fields; ValidationFailed with every problem at once
    (with what submitting needs too, when the form submits it)."""
    errors: dict[str, str] = {}
    kind = data.kind
    if kind not in KINDS:
        raise ValidationFailed({"kind": f"Choose one of {', '.join(KINDS)}."})
    team = get_by_id(Team, data.team_id) if data.team_id else None
    if team is None:
        errors["team"] = "Choose your team."
    elif not actor.is_office and team.id not in actor.team_ids():
        errors["team"] = "You can only ask for one of your own teams."
    org = (data.org or "").strip()
    if not org:
        errors["org"] = "Name the GitHub organization."
    elif not policy.governs(org):
        errors["org"] = (f"“{org[:100]}” is not an organization the office governs; "
                         f"governed: {', '.join(policy.orgs)}.")
    else:
        org = next(o for o in policy.orgs if o.lower() == org.lower())
    fields = {"org": org, "kind": kind, "team": team}
    needs_repo = kind != "join_org"
    repository = (data.repository or "").strip()
    if needs_repo:
        if not repository:
            errors["repository"] = "Name the repository."
        elif not REPOSITORY_PATTERN.match(repository) or repository in (".", ".."):
            errors["repository"] = ("A repository name has up to 100 letters, digits, "
                                    "'.', '-' and '_'.")
    fields["repository"] = repository if needs_repo else ""
    fields["description"] = _text(data.description, 350, errors, "description", "The description")
    fields["justification"] = _text(data.justification, 20_000, errors, "justification",
                                    "The justification")
    if kind in CODE_KINDS:
        license_id = (data.license or "").strip()
        found = lookup(license_id) if license_id else None
        if not license_id:
            pass  # required to submit (the model's missing_for_submission)
        elif not found.known or found.is_exception or " " in license_id:
            errors["license"] = f"“{license_id[:100]}” is not an SPDX license id."
        else:
            license_id = found.spdx
        fields["license"] = license_id
        visibility = "public" if kind == "make_public" else (data.visibility or "public")
        if visibility not in VISIBILITIES:
            errors["visibility"] = f"Choose one of {', '.join(VISIBILITIES)}."
        fields["visibility"] = visibility
        teams = []
        for entry in data.github_teams or []:
            slug = str((entry or {}).get("slug", "")).strip().lower()
            permission = str((entry or {}).get("permission", "")).strip()
            if not slug and not permission:
                continue
            if not TEAM_SLUG_PATTERN.match(slug):
                errors["github_teams"] = f"“{slug[:100]}” is not a GitHub team slug."
            elif permission not in PERMISSIONS:
                errors["github_teams"] = (f"The team {slug}: permission is one of "
                                          f"{', '.join(PERMISSIONS)}.")
            elif any(t["slug"] == slug for t in teams):
                errors["github_teams"] = f"The team {slug} is listed twice."
            else:
                teams.append({"slug": slug, "permission": permission})
        if len(teams) > MAX_LIST:
            errors["github_teams"] = f"At most {MAX_LIST} teams."
        fields["github_teams"] = teams
        fields["maintainers"] = _names(data.maintainers, LOGIN_PATTERN, errors, "maintainers",
                                       "GitHub login")
        fields["security_contact"] = _text(data.security_contact, 200, errors,
                                           "security_contact", "The security contact")
        terms = (data.contributor_terms or "").strip()
        if terms and terms not in CONTRIBUTOR_TERMS:
            errors["contributor_terms"] = f"Choose one of {', '.join(CONTRIBUTOR_TERMS)}."
        fields["contributor_terms"] = terms
        fields["team_wrote_all"] = data.team_wrote_all
        fields["other_code"] = _text(data.other_code, 5_000, errors, "other_code",
                                     "What else is in it")
        if data.team_wrote_all is False and not fields["other_code"]:
            errors["other_code"] = "Say what else is in the code, and where it comes from."
        fields["telemetry"], fields["cryptography"] = bool(data.telemetry), bool(data.cryptography)
        fields["package_names"] = _names(data.package_names, PACKAGE_NAME_PATTERN, errors,
                                         "package_names", "package name")
    else:
        username = (data.username or "").strip()
        if not LOGIN_PATTERN.match(username):
            errors["username"] = "Give the person's GitHub login."
        fields["username"] = username
    if kind == "outside_collaborator":
        permission = (data.permission or "pull").strip()
        if permission not in COLLABORATOR_PERMISSIONS:
            errors["permission"] = (f"An outside collaborator gets one of "
                                    f"{', '.join(COLLABORATOR_PERMISSIONS)}.")
        fields["permission"] = permission
        expires = data.access_expires_on
        latest = today + timedelta(days=policy.collaborator_max_days)
        if expires is None:
            errors["access_expires_on"] = "Give the date the access ends."
        elif expires <= today:
            errors["access_expires_on"] = "The access must end in the future."
        elif expires > latest:
            errors["access_expires_on"] = (f"At most {policy.collaborator_max_days} days "
                                           f"(until {latest.isoformat()}); ask again then.")
        fields["access_expires_on"] = expires
    elif kind == "join_org":
        fields["permission"] = "member"
    if submit:
        gaps = missing_to_submit(kind, fields)
        errors.update({k: v for k, v in gaps.items() if k not in errors})
    if errors:
        raise ValidationFailed(errors)
    return fields


def _title(fields: dict) -> str:
    org, repo, kind = fields["org"], fields.get("repository"), fields["kind"]
    return {"publish_repository": f"Publish {org}/{repo}",
            "make_public": f"Make {org}/{repo} public",
            "join_org": f"{fields.get('username')} joins {org}",
            "outside_collaborator": f"{fields.get('username')} collaborates on {org}/{repo}",
            }[kind]


def _apply(request: GitHubRequest, fields: dict) -> None:
    for name, value in fields.items():
        if name == "kind":
            continue
        setattr(request, name, value)
    request.title = _title(fields)


def create(actor: User, data: GitHubInput, policy: GitHubPolicy, *,
           submit: bool = False, today: date | None = None) -> GitHubRequest:
    fields = _validate(data, actor, policy, today or date.today(), submit=submit)
    request = MODELS[fields["kind"]](requester=actor, state=State.DRAFT, answers=[])
    _apply(request, fields)
    return workflow.record_created(request, actor, submit=submit)


def update(request: GitHubRequest, actor: User, data: GitHubInput, policy: GitHubPolicy, *,
           expected_version: int | None, today: date | None = None,
           resubmit: bool = False) -> GitHubRequest:
    may.edit_request.require(actor, request)
    workflow.check_version(request, expected_version)
    if request.state not in EDITABLE_STATES:
        raise IllegalTransition(
            f"A request that is {request.state.label.lower()} can no longer be edited.")
    if data.kind != request.kind:
        raise ValidationFailed({"kind": "The kind of a request cannot change; withdraw it "
                                        "and ask anew."})
    fields = _validate(data, actor, policy, today or date.today(), submit=resubmit)
    before = request.snapshot()
    _apply(request, fields)
    workflow.record_edit(request, actor, before)
    return request


# --- lists ---------------------------------------------------------------------------------

@dataclass
class ListFilters:
    kinds: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    org: str = ""
    q: str = ""


def list_query(user: User, filters: ListFilters) -> Select:
    query = (select(GitHubRequest).where(workflow.visible_to(user))
             .options(selectinload(GitHubRequest.team), selectinload(GitHubRequest.requester),
                      selectinload(GitHubRequest.check_runs)))
    kinds = [k for k in filters.kinds if k in KINDS]
    if kinds:
        query = query.where(Request.kind.in_(kinds))
    states = [s for s in filters.states if s in {x.value for x in State}]
    if states:
        query = query.where(Request.state.in_([State(s) for s in states]))
    if filters.org:
        query = query.where(func.lower(GitHubRequest.org) == filters.org.lower())
    for word in (filters.q or "").split()[:8]:
        pattern = f"%{word.lower()}%"
        query = query.where(or_(func.lower(Request.title).like(pattern),
                                func.lower(GitHubRequest.description).like(pattern),
                                func.lower(GitHubRequest.justification).like(pattern)))
    return query.order_by(Request.created_at.desc(), Request.id.desc())
