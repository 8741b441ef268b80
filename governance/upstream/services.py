"""The upstream contributions ledger: a contribution recorded one by one (by its team, or the
office for any team), its state changed when upstream merges or closes it, a CSV imported by
the office (every row checked first: one bad row and nothing is imported; a URL already kept
updates its row), and what the ledger and the community roles hold for one project.

Services flush; the caller commits. Every change writes an audit event in its transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from packageurl import PackageURL
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from governance.adoption.services import check_web_address
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.components.models import Component
from governance.database import db, get_by_id, get_or_not_found
from governance.errors import ValidationFailed
from governance.upstream import csv_file
from governance.upstream.models import (
    CONTRIBUTION_KINDS,
    CONTRIBUTION_STATES,
    CommunityRole,
    Contribution,
)

LOOKUP_CHUNK = 500
KIND_WORDS = {"issue": "issue", "pr": "pr", "pull request": "pr", "pull_request": "pr",
              "pull-request": "pr", "pullrequest": "pr"}


def project_of(component: Component) -> str:
    """The package without its version: what a contribution or a role is kept under."""
    return PackageURL(type=component.type, namespace=component.namespace or None,
                      name=component.name).to_string()


def project_key(text: str) -> str:
    """A package URL with or without a version, kept without one; or a plain project name.
    ValueError with the reason a person is shown."""
    text = " ".join((text or "").split())
    if not text:
        raise ValueError("Name the project: a package URL (pkg:pypi/requests) or its name.")
    if text.lower().startswith("pkg:"):
        try:
            purl = PackageURL.from_string(text)
        except ValueError:
            raise ValueError("Not a package URL: write it as pkg:TYPE/NAMESPACE/NAME, e.g. "
                             "pkg:pypi/requests or pkg:npm/%40babel/core.") from None
        text = PackageURL(type=purl.type, namespace=purl.namespace, name=purl.name).to_string()
    if len(text) > 300:
        raise ValueError("Keep the project under 300 characters.")
    return text


def clean_url(value: str, errors: dict, key: str = "url") -> str:
    """An http(s) address, without its fragment or trailing slash (the same issue twice)."""
    value = (value or "").strip().split("#", 1)[0].rstrip("/")
    if not value:
        errors[key] = "Give the address of the issue or pull request (https://…)."
        return value
    return check_web_address(value, key, errors)


@dataclass
class ContributionInput:
    url: str
    team_id: int | None
    kind: str
    state: str = "open"
    project: str = ""
    component_id: int | None = None
    title: str = ""
    opened_on: date | None = None
    closed_on: date | None = None


def _check_dates(kind: str, state: str, opened_on, closed_on, today: date,
                 errors: dict) -> None:
    if state not in CONTRIBUTION_STATES:
        errors["state"] = "Choose open, merged or closed."
    elif state == "merged" and kind == "issue":
        errors["state"] = "An issue is closed, never merged: only a pull request is merged."
    if opened_on is None:
        errors["opened_on"] = "Give the day it was opened (YYYY-MM-DD)."
    elif opened_on > today:
        errors["opened_on"] = "The day it was opened cannot be in the future."
    if state == "open" and closed_on is not None:
        errors["closed_on"] = "An open contribution has no closed date: leave it empty."
    elif state in ("merged", "closed") and closed_on is None:
        errors["closed_on"] = f"Give the day it was {state} (YYYY-MM-DD)."
    elif closed_on is not None and closed_on > today:
        errors["closed_on"] = "The day it closed cannot be in the future."
    elif closed_on is not None and opened_on is not None and closed_on < opened_on:
        errors["closed_on"] = (f"It cannot close ({closed_on.isoformat()}) before it was "
                               f"opened ({opened_on.isoformat()}).")


def _checked(data: ContributionInput, team: Team | None, today: date, errors: dict) -> dict:
    """Every problem of `data` in `errors`; the values to keep."""
    url = clean_url(data.url, errors)
    if team is None:
        errors["team_id"] = "Choose the team whose people opened it."
    kind = KIND_WORDS.get((data.kind or "").strip().lower(), "")
    if kind not in CONTRIBUTION_KINDS:
        errors["kind"] = "Choose issue or pr (pull request)."
    state = (data.state or "").strip().lower()
    _check_dates(kind, state, data.opened_on, data.closed_on, today, errors)
    component, project = None, ""
    if data.component_id:
        component = get_by_id(Component, data.component_id)
        if component is None:
            errors["component_id"] = "No such component version."
    try:
        project = project_key(data.project) if (data.project or "").strip() or \
            component is None else project_of(component)
    except ValueError as exc:
        errors["project"] = str(exc)
    if component is not None and project and project != project_of(component):
        errors["project"] = (f"{component.display_name} is {project_of(component)}: leave the "
                             "project empty, or choose no component.")
    title = " ".join((data.title or "").split())
    if len(title) > 300:
        errors["title"] = "Keep the title under 300 characters."
    return {"url": url, "project": project, "component": component, "team": team,
            "kind": kind, "state": state, "title": title, "opened_on": data.opened_on,
            "closed_on": data.closed_on if state != "open" else None}


def snapshot(item: Contribution) -> dict:
    return {"url": item.url, "project": item.project, "team": item.team.name,
            "kind": item.kind, "state": item.state, "title": item.title,
            "opened_on": item.opened_on.isoformat(),
            "closed_on": item.closed_on.isoformat() if item.closed_on else None}


def record(actor: User, data: ContributionInput, today: date | None = None) -> Contribution:
    """Add one contribution to the ledger, for a team of the actor's (the office: any)."""
    today = today or date.today()
    team = get_by_id(Team, data.team_id)
    if team is not None:
        may.record_upstream.require(actor, team)
    errors: dict[str, str] = {}
    values = _checked(data, team, today, errors)
    if "url" not in errors:
        kept = db.session.scalar(select(Contribution).where(Contribution.url == values["url"]))
        if kept is not None:
            errors["url"] = (f"Already in the ledger ({kept.kind_label.lower()} of "
                             f"{kept.team.name}, {kept.state}): change its state there.")
    if errors:
        raise ValidationFailed(errors)
    item = Contribution(recorded_by=actor, **values)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "contribution", item.id, "contribution_recorded",
                 summary=f"Upstream {item.kind_label.lower()} recorded: {item.url}",
                 after=snapshot(item))
    return item


def change_state(actor: User, item: Contribution, state: str, closed_on: date | None,
                 today: date | None = None) -> Contribution:
    """Upstream merged, closed or reopened it: its team (or the office) says so."""
    may.record_upstream.require(actor, item.team)
    errors: dict[str, str] = {}
    state = (state or "").strip().lower()
    _check_dates(item.kind, state, item.opened_on, closed_on, today or date.today(), errors)
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(item)
    item.state, item.closed_on = state, closed_on if state != "open" else None
    db.session.flush()
    audit.record(actor, "contribution", item.id, "contribution_state_changed",
                 summary=f"Upstream {item.kind_label.lower()} {item.state}: {item.url}",
                 before=before, after=snapshot(item))
    return item


def get(contribution_id: int) -> Contribution:
    return get_or_not_found(Contribution, contribution_id, "No such contribution.")


@dataclass
class Filters:
    year: int | None = None
    team_id: int | None = None
    kind: str = ""
    state: str = ""
    q: str = ""
    project: str = ""


def list_query(filters: Filters) -> Select:
    """The ledger, newest first, as the pages and the API filter it."""
    query = select(Contribution).options(selectinload(Contribution.team),
                                         selectinload(Contribution.component))
    if filters.year:
        query = query.where(Contribution.opened_on >= date(filters.year, 1, 1),
                            Contribution.opened_on <= date(filters.year, 12, 31))
    if filters.team_id:
        query = query.where(Contribution.team_id == filters.team_id)
    if filters.kind:
        query = query.where(Contribution.kind == filters.kind)
    if filters.state:
        query = query.where(Contribution.state == filters.state)
    if filters.project:
        query = query.where(Contribution.project == filters.project)
    if filters.q:
        like = f"%{filters.q.lower()}%"
        query = query.where(or_(Contribution.url.ilike(like), Contribution.title.ilike(like),
                                Contribution.project.ilike(like)))
    return query.order_by(Contribution.opened_on.desc(), Contribution.id.desc())


def for_project(project: str) -> tuple[list[Contribution], list[CommunityRole]]:
    """What the ledger holds for one project (a package URL without a version): its
    contributions newest first, and its community roles, current ones first."""
    contributions = list(db.session.scalars(list_query(Filters(project=project))))
    roles = list(db.session.scalars(
        select(CommunityRole).where(CommunityRole.project == project)
        .options(selectinload(CommunityRole.person), selectinload(CommunityRole.team))
        .order_by(CommunityRole.until.is_not(None), CommunityRole.since.desc(),
                  CommunityRole.id)))
    return contributions, roles


# --- the CSV import ---------------------------------------------------------------------------

@dataclass
class ImportResult:
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    def to_dict(self) -> dict:
        return {"read": self.read, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged}


COLUMN_OF = {"team_id": "team"}  # a service field's name as the CSV header spells it


def _parse_day(value: str, column: str, errors: dict) -> date | None:
    if not value:
        return None
    try:  # a day, or the day of a timestamp as exports write it (2024-05-01T09:30:00Z)
        return date.fromisoformat(value[:10] if value[10:11] in ("T", " ") else value)
    except ValueError:
        errors[column] = f"{value!r} is not a day: write it as YYYY-MM-DD"
        return None


def _existing(urls: list[str]) -> dict[str, Contribution]:
    kept: dict[str, Contribution] = {}
    for start in range(0, len(urls), LOOKUP_CHUNK):
        chunk = urls[start:start + LOOKUP_CHUNK]
        kept.update((c.url, c) for c in db.session.scalars(
            select(Contribution).where(Contribution.url.in_(chunk))))
    return kept


def _row_values(row: csv_file.Row, teams: dict[str, Team], today: date,
                errors: dict) -> dict:
    values = row.values
    opened_on = _parse_day(values["opened_on"], "opened_on", errors)
    closed_on = _parse_day(values["closed_on"], "closed_on", errors)
    team = teams.get(values["team"].lower())
    data = ContributionInput(url=values["url"], team_id=None, kind=values["kind"],
                             state=values["state"], project=values["project"],
                             title=values["title"], opened_on=opened_on, closed_on=closed_on)
    checked_errors: dict[str, str] = {}
    checked = _checked(data, team, today, checked_errors)
    if team is None:
        checked_errors["team_id"] = (f"no team is named {values['team']!r}" if values["team"]
                                     else "name the team")
    for key, message in checked_errors.items():
        column = COLUMN_OF.get(key, key)
        if column not in errors:  # a day that could not be read says so already
            errors[column] = message
    return checked


def import_csv(actor: User | None, text: str, today: date | None = None) -> ImportResult:
    """Import the ledger's CSV (csv_file.HEADER). Every row is checked first; if any is bad,
    CsvRejected lists each ("line N": why) and nothing is imported. A URL already in the
    ledger updates its row. `actor` None: the command line."""
    if actor is not None:
        may.import_contributions.require(actor)
    today = today or date.today()
    rows = csv_file.rows(text)
    teams = {t.name.lower(): t for t in db.session.scalars(select(Team))}
    problems: dict[str, str] = {}
    checked: list[tuple[csv_file.Row, dict]] = []
    first_line: dict[str, int] = {}
    for row in rows:
        if row.problem:
            problems[f"line {row.line}"] = row.problem
            continue
        errors: dict[str, str] = {}
        values = _row_values(row, teams, today, errors)
        if values["url"] and "url" not in errors:
            if values["url"] in first_line:
                errors["url"] = f"the same URL as line {first_line[values['url']]}"
            first_line.setdefault(values["url"], row.line)
        if errors:
            problems[f"line {row.line}"] = "; ".join(f"{k}: {v.rstrip('.')}"
                                                      for k, v in errors.items())
        checked.append((row, values))
    if not rows:
        problems["file"] = "The file has a header but no rows."
    if problems:
        raise csv_file.CsvRejected(problems, f"{len(problems)} bad line(s): nothing was "
                                             "imported. Correct them and import the file again.")
    result = ImportResult(read=len(rows))
    kept = _existing([values["url"] for _, values in checked])
    for _, values in checked:
        item = kept.get(values["url"])
        if item is None:
            db.session.add(Contribution(recorded_by=actor, **values))
            result.new += 1
            continue
        changed = {k: v for k, v in values.items()
                   if k not in ("url", "component") and getattr(item, k) != v}
        if values["project"] != item.project:
            item.component = None  # entered by a component of another project
        for key, value in changed.items():
            setattr(item, key, value)
        result.updated += bool(changed)
        result.unchanged += not changed
    db.session.flush()
    audit.record(actor, "contribution_import", 0, "contributions_imported",
                 summary=f"Upstream contributions imported: {result.new} new, "
                         f"{result.updated} updated, {result.unchanged} unchanged",
                 after=result.to_dict())
    return result
