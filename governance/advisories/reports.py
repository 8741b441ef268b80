"""What the advisories mean for the company: each finding with the teams and products that use
the affected version, as the API, the CLI and the pages list them (open ones oldest first)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from governance import policies
from governance.adoption.models import AdoptionRequest
from governance.advisories.models import OPEN_FINDING_STATES, Finding
from governance.database import db
from governance.inventory.services import UsageFilters, usages_query


def fix_due(finding: Finding, requests: list[AdoptionRequest]) -> date:
    """The security-fix deadline (policies/lifecycle.yaml): the advisory's import plus the
    days of the most critical use of the version (the most critical level when unused)."""
    policy = policies.lifecycle_policy()
    days = min((policy.level_for(r.usage_context).security_fix_days for r in requests),
               default=policy.levels[0].security_fix_days)
    return finding.opened_at.date() + timedelta(days=days)


@dataclass
class AffectedRow:
    finding: Finding
    teams: list[str]
    products: list[str]
    requests: list[AdoptionRequest]

    @property
    def fix_due(self) -> date:
        return fix_due(self.finding, self.requests)

    def to_dict(self) -> dict:
        advisory, component = self.finding.advisory, self.finding.component
        return {"advisory": advisory.osv_id, "aliases": list(advisory.aliases or []),
                "summary": advisory.summary, "severity": advisory.severity_label,
                "purl": component.purl, "version": component.version,
                "fixed": list(self.finding.fixed or []), "teams": self.teams,
                "products": self.products, "state": self.finding.state,
                "justification": self.finding.justification,
                "not_affected_until": (self.finding.not_affected_until.isoformat()
                                       if self.finding.not_affected_until else None),
                "opened_at": self.finding.opened_at.isoformat(), "finding": self.finding.id,
                "fix_due": self.fix_due.isoformat() if self.finding.is_open else None,
                "requests": [r.id for r in self.requests]}


def usages_by_component() -> dict[int, list[AdoptionRequest]]:
    found: dict[int, list[AdoptionRequest]] = {}
    for request in db.session.scalars(usages_query(UsageFilters())):
        found.setdefault(request.component_id, []).append(request)
    return found


def affected(*, open_only: bool = False, component_ids: set[int] | None = None
             ) -> list[AffectedRow]:
    """Findings with who uses the version; open ones first, oldest first."""
    query = select(Finding).options(selectinload(Finding.advisory),
                                    selectinload(Finding.component))
    if open_only:
        query = query.where(Finding.state.in_(OPEN_FINDING_STATES))
    if component_ids is not None:
        query = query.where(Finding.component_id.in_(sorted(component_ids) or [0]))
    usages = usages_by_component()
    rows = []
    for finding in db.session.scalars(query):
        requests = usages.get(finding.component_id, [])
        rows.append(AffectedRow(
            finding, sorted({r.team.name for r in requests}),
            sorted({r.product.name for r in requests if r.product is not None}), requests))
    return sorted(rows, key=lambda r: (not r.finding.is_open, r.finding.opened_at,
                                       r.finding.id))


def for_request(request: AdoptionRequest) -> list[Finding]:
    """The findings on the component version a request names (for its page)."""
    return list(db.session.scalars(
        select(Finding).where(Finding.component_id == request.component_id)
        .options(selectinload(Finding.advisory)).order_by(Finding.opened_at, Finding.id)))


def open_counts(component_ids) -> dict[int, int]:
    """How many open findings each component version has (a product's page, in one query)."""
    return dict(db.session.execute(
        select(Finding.component_id, func.count(Finding.id))
        .where(Finding.component_id.in_(list(component_ids) or [0]),
               Finding.state.in_(OPEN_FINDING_STATES))
        .group_by(Finding.component_id)).all())
