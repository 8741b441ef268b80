"""Work done on a schedule rather than on request: lapsing expired waivers, and sending the
approvals of outside collaborators whose access ended back for re-certification.

Run by the embedded runner every minute, by Celery beat hourly, or by `flask waivers lapse` and
`flask github recertify` from cron. Idempotent: each lapses once.
"""
from __future__ import annotations

import logging
from datetime import date

from governance.advisories import services as advisories
from governance.database import unit_of_work
from governance.funding import renewals
from governance.github_requests import recertification
from governance.license_review import waivers

log = logging.getLogger(__name__)


def lapse_waivers(today: date | None = None) -> int:
    """Lapse expired waivers (reopening approvals that relied on them); commit; how many."""
    with unit_of_work():
        lapsed = waivers.lapse_expired(today)
    if lapsed:
        log.info("lapsed %d expired waiver(s)", len(lapsed))
    return len(lapsed)


def recertify_collaborators(today: date | None = None) -> int:
    """Reopen outside collaborators whose access ended; commit; how many."""
    with unit_of_work():
        reopened = recertification.lapse_expired_access(today)
    if reopened:
        log.info("%d outside collaborator(s) back for re-certification", len(reopened))
    return len(reopened)


def open_funding_renewals(today: date | None = None) -> int:
    """Open the renewal of memberships and sponsorships whose term ends soon; commit; how many."""
    with unit_of_work():
        opened = renewals.open_due(today)
    if opened:
        log.info("%d funding renewal(s) opened", len(opened))
    return len(opened)


def lapse_not_affected(today: date | None = None) -> int:
    """Not-affected analyses whose end passed go back to triage; commit; how many."""
    with unit_of_work():
        lapsed = advisories.lapse_not_affected(today)
    if lapsed:
        log.info("%d not-affected finding(s) back in triage", len(lapsed))
    return len(lapsed)
