"""Which requests a policy change would flip: every request's verdict under two versions.

Drafts and withdrawn requests are left out; decided ones are included (a flip there does not
change the decision, which keeps its recorded verdict, but the office wants to know).
"""
from __future__ import annotations

from dataclasses import dataclass

from governance.license_review.verdicts import (
    RequestVerdict,
    license_reviewed_requests,
    verdicts_for,
)
from governance.licensing.model import RANK
from governance.licensing.policy import LicensePolicy
from governance.states import State
from governance.workflow.models import Request

LEFT_OUT = (State.DRAFT, State.WITHDRAWN)


@dataclass
class VerdictChange:
    request: Request
    before: RequestVerdict
    after: RequestVerdict

    @property
    def direction(self) -> str:
        """"stricter" or "looser" (a verdict appearing or vanishing counts as stricter)."""
        before, after = self.before.verdict, self.after.verdict
        if before is None or after is None:
            return "stricter"
        return "stricter" if RANK[after] > RANK[before] else "looser"


@dataclass
class PolicyDiff:
    base: LicensePolicy
    candidate: LicensePolicy
    changes: list[VerdictChange]
    compared: int

    @property
    def unchanged(self) -> int:
        return self.compared - len(self.changes)


def diff_verdicts(base: LicensePolicy, candidate: LicensePolicy) -> PolicyDiff:
    requests = license_reviewed_requests(Request.state.not_in(LEFT_OUT))
    # The current policy's verdicts are stored; a proposal's are computed for this preview.
    now, then = verdicts_for(requests, base), verdicts_for(requests, candidate)
    changes = []
    for request in requests:
        before, after = now[request.id], then[request.id]
        if before.verdict != after.verdict:
            changes.append(VerdictChange(request, before, after))
    return PolicyDiff(base, candidate, changes, len(requests))
