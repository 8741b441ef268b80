"""When each approved use is due for its next update (policies/lifecycle.yaml): the regular
update some months after its approval or its last recorded update, and a security fix some
days after an advisory on its version was imported. Computed when asked, never stored, so a
policy change applies at once."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from governance import policies
from governance.adoption.models import AdoptionRequest
from governance.advisories.models import OPEN_FINDING_STATES, Finding
from governance.database import db
from governance.inventory.services import UsageFilters, usages_query
from governance.lifecycle.models import ComponentUpdate
from governance.rules.lifecycle import Criticality
from governance.states import OPEN_STATES, State
from governance.workflow.models import Request


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; the 31st becomes the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Due:
    request: AdoptionRequest
    level: Criticality
    kind: str  # "regular" | "security"
    since: date  # the approval, the last update or the advisory's import
    due_on: date
    finding: Finding | None = None
    pending: ComponentUpdate | None = None  # an update already recorded, being re-checked

    def days_overdue(self, today: date) -> int:
        return (today - self.due_on).days

    def to_dict(self, today: date) -> dict:
        r, component = self.request, self.request.component
        return {"request_id": r.id, "component_id": component.id, "purl": component.purl,
                "name": component.full_name, "version": component.version,
                "team": r.team.name, "product": r.product.name if r.product else None,
                "usage_context": r.usage_context, "criticality": self.level.id,
                "kind": self.kind, "since": self.since.isoformat(),
                "due_on": self.due_on.isoformat(), "days_overdue": self.days_overdue(today),
                "advisory": self.finding.advisory.osv_id if self.finding else None,
                "finding": self.finding.id if self.finding else None,
                "fixed": list(self.finding.fixed or []) if self.finding else None,
                "update_pending": self.pending.to_request_id if self.pending else None}


def last_updated_on(request_ids: list[int]) -> dict[int, date]:
    """The day each request's version was recorded as an update, for those that were one."""
    rows = db.session.execute(select(ComponentUpdate.to_request_id, ComponentUpdate.updated_on)
                              .where(ComponentUpdate.to_request_id.in_(request_ids or [0])))
    return dict(rows.all())


def pending_updates(request_ids: list[int]) -> dict[int, ComponentUpdate]:
    """The updates recorded on these requests whose successor is still open (a draft, being
    re-checked or reviewed): one at a time per use."""
    rows = db.session.scalars(
        select(ComponentUpdate).join(Request, Request.id == ComponentUpdate.to_request_id)
        .where(ComponentUpdate.from_request_id.in_(request_ids or [0]),
               Request.state.in_(OPEN_STATES | {State.DRAFT})))
    return {u.from_request_id: u for u in rows}


def due(filters: UsageFilters | None = None, today: date | None = None) -> list[Due]:
    """Every approved use's next regular update, and a security fix for each open finding on
    its version; soonest first."""
    today = today or date.today()
    return dues_of(list(db.session.scalars(usages_query(filters or UsageFilters(), today))))


def dues_of(requests: list[AdoptionRequest]) -> list[Due]:
    """What `requests` (approved uses) are due for, in a fixed number of statements."""
    policy = policies.lifecycle_policy()
    ids = [r.id for r in requests]
    updated, pending = last_updated_on(ids), pending_updates(ids)
    findings: dict[int, list[Finding]] = {}
    for finding in db.session.scalars(select(Finding).where(
            Finding.state.in_(OPEN_FINDING_STATES),
            Finding.component_id.in_({r.component_id for r in requests} or {0}))):
        findings.setdefault(finding.component_id, []).append(finding)
    found = []
    for request in requests:
        level = policy.level_for(request.usage_context)
        since = updated.get(request.id) or (request.decided_at or request.created_at).date()
        found.append(Due(request, level, "regular", since,
                         add_months(since, level.regular_update_months),
                         pending=pending.get(request.id)))
        for finding in findings.get(request.component_id, []):
            opened = finding.opened_at.date()
            found.append(Due(request, level, "security", opened,
                             opened + timedelta(days=level.security_fix_days), finding,
                             pending.get(request.id)))
    return sorted(found, key=lambda d: (d.due_on, d.kind != "security", d.request.id))


def overdue(filters: UsageFilters | None = None, today: date | None = None) -> list[Due]:
    today = today or date.today()
    return [d for d in due(filters, today) if d.due_on < today]


def by_team(items: list[Due]) -> list[tuple[str, list[Due]]]:
    teams: dict[str, list[Due]] = {}
    for item in items:
        teams.setdefault(item.request.team.name, []).append(item)
    return sorted(teams.items(), key=lambda t: t[0].lower())


def next_due(request: AdoptionRequest) -> Due | None:
    """The regular update due for one use (its page), None when it is not in use."""
    if not request.state.is_approved:
        return None
    return next(d for d in dues_of([request]) if d.kind == "regular")
