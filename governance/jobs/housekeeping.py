"""Work done on a schedule rather than on request: today, lapsing expired waivers.

Run by the embedded runner every minute, by Celery beat hourly, or by `flask waivers lapse`
from cron. Idempotent: a waiver lapses once.
"""
from __future__ import annotations

import logging
from datetime import date

from governance.database import unit_of_work
from governance.license_review import waivers

log = logging.getLogger(__name__)


def lapse_waivers(today: date | None = None) -> int:
    """Lapse expired waivers (reopening approvals that relied on them); commit; how many."""
    with unit_of_work():
        lapsed = waivers.lapse_expired(today)
    if lapsed:
        log.info("lapsed %d expired waiver(s)", len(lapsed))
    return len(lapsed)
