"""What the ledger adds up to: issues and pull requests per year (by the year each was opened)
and per team, as the API, the CLI and the chart show them; and the counts per project that the
funding suggestions read. One grouped query each, never one per project."""
from __future__ import annotations

from datetime import date

from sqlalchemy import extract, func, select

from governance.auth.models import Team
from governance.database import db
from governance.upstream.models import CommunityRole, Contribution
from governance.upstream.roles import current_clause

PLURAL = {"issue": "issues", "pr": "prs"}


def _counts() -> dict[str, int]:
    return {"issues": 0, "prs": 0}


def summary(team_id: int | None = None) -> dict:
    """{"years": {"2019": {"issues": N, "prs": M}, ...}, "teams": {name: {year: {...}}},
    "total": {"issues", "prs"}}: every year from the first to the last (none missing, so a
    chart has no gaps), oldest first; teams by name."""
    year = extract("year", Contribution.opened_on)
    query = (select(year, Contribution.kind, Team.name, func.count(Contribution.id))
             .join(Team, Team.id == Contribution.team_id)
             .group_by(year, Contribution.kind, Team.name))
    if team_id:
        query = query.where(Contribution.team_id == team_id)
    rows = [(int(y), kind, team, n) for y, kind, team, n in db.session.execute(query)]
    years = range(min(r[0] for r in rows), max(r[0] for r in rows) + 1) if rows else ()
    by_year = {str(y): _counts() for y in years}
    by_team = {team: {str(y): _counts() for y in years}
               for team in sorted({r[2] for r in rows}, key=str.lower)}
    total = _counts()
    for y, kind, team, n in rows:
        key = PLURAL.get(kind)
        if key is None:
            continue
        by_year[str(y)][key] += n
        by_team[team][str(y)][key] += n
        total[key] += n
    return {"years": by_year, "teams": by_team, "total": total}


def year_counts(year: int) -> dict:
    """One year's counts, for a dashboard: {"year", "issues", "prs", "by_team": {name: ...}}."""
    found = summary()
    counts = found["years"].get(str(year), _counts())
    return {"year": year, **counts,
            "by_team": {team: years.get(str(year), _counts())
                        for team, years in found["teams"].items()
                        if sum(years.get(str(year), _counts()).values())}}


def contributions_by_project() -> dict[str, int]:
    """How many contributions the ledger holds per project (package URL without a version)."""
    return dict(db.session.execute(
        select(Contribution.project, func.count(Contribution.id))
        .group_by(Contribution.project)).all())


def current_roles_by_project(today: date | None = None) -> dict[str, int]:
    """How many roles the company's people hold today per project."""
    return dict(db.session.execute(
        select(CommunityRole.project, func.count(CommunityRole.id))
        .where(current_clause(today or date.today()))
        .group_by(CommunityRole.project)).all())
