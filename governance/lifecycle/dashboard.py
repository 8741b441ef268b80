"""The office's one view of what follows approval: overdue updates, open security findings by
age, local patches needing attention, and this year's upstream contributions."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from governance.advisories import reports as advisories
from governance.advisories.reports import AffectedRow
from governance.lifecycle import cadence, patches
from governance.lifecycle.cadence import Due
from governance.lifecycle.models import LocalPatch

# Open findings by days since import: (label, lowest day, highest day or None).
AGE_BUCKETS = (("under a week", 0, 6), ("1–4 weeks", 7, 29), ("1–3 months", 30, 89),
               ("over 3 months", 90, None))


@dataclass
class Dashboard:
    overdue: list[Due]
    findings: list[AffectedRow]
    finding_ages: list[tuple[str, int]]
    patches: list[LocalPatch]
    contributions: dict | None  # {"year", "issues", "prs", "by_team"} when the ledger exists

    @property
    def overdue_security(self) -> int:
        return sum(1 for d in self.overdue if d.kind == "security")


def _ages(rows: list[AffectedRow], today: date) -> list[tuple[str, int]]:
    days = [(today - r.finding.opened_at.date()).days for r in rows]
    return [(label, sum(1 for d in days if d >= low and (high is None or d <= high)))
            for label, low, high in AGE_BUCKETS]


def build(today: date | None = None, contributions=None) -> Dashboard:
    """`contributions`: this year's counts from the upstream ledger (the caller reads them,
    so this module does not depend on the ledger's shape)."""
    today = today or date.today()
    findings = advisories.affected(open_only=True)
    return Dashboard(overdue=cadence.overdue(today=today), findings=findings,
                     finding_ages=_ages(findings, today),
                     patches=patches.listed(needs_attention=True, today=today),
                     contributions=contributions)
