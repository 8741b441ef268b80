"""Requests with a finished scan whose declared license the policy judges."""
from __future__ import annotations

from governance.auth.roles import Role
from governance.database import db
from governance.scans.models import Scan, ScanState
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f


def scanned_request(declared: str | None, *, context: str = "distributed",
                    state: State = State.IN_REVIEW, health=None, reviewed: bool = False):
    """(request, engineer, office): an adoption request in `state` whose latest scan
    declares `declared` (scancode keys or SPDX ids); `reviewed`: with the maturity review the
    office's rules require for an approval in its context."""
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    office = f.user(Role.OSS_OFFICE)
    item = f.request_in(State.SUBMITTED, engineer, team, usage_context=context)
    db.session.add(Scan(request=item, state=ScanState.SUCCEEDED, summary={
        "declared_license_expression": declared, "detected": [], "health": health or []}))
    db.session.flush()
    if state != State.SUBMITTED:
        workflow.transition(item, office, "start_review")
        if reviewed:
            f.ready_to_approve(item, office)
    db.session.commit()
    return item, engineer, office


def request_with_summary(summary: dict, *, context: str = "distributed",
                         purl: str = "pkg:pypi/typing-extensions@4.15.0", office=None,
                         team=None):
    """(request, office): an adoption request in review whose latest scan found `summary`."""
    team = team or f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    office = office or f.user(Role.OSS_OFFICE)
    item = f.request_in(State.SUBMITTED, engineer, team, usage_context=context, purl=purl)
    db.session.add(Scan(request=item, state=ScanState.SUCCEEDED, summary=summary))
    db.session.flush()
    workflow.transition(item, office, "start_review")
    db.session.commit()
    return item, office
