"""License review: stored verdicts, recorded verdicts, waivers and the policy pages.

init_app() stores each succeeded scan's verdict (scans' scan_succeeded signal) and, on the
first request a process serves, the verdicts the loaded policy still lacks.
"""
from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from governance import policies
from governance.database import db
from governance.license_review import verdicts
from governance.scans.services import scan_succeeded

log = logging.getLogger(__name__)
REFRESHED = "governance.verdicts_refreshed"


def _judge_scan(scan) -> None:
    verdicts.on_scan_succeeded(scan, policies.license_policy())


def init_app(app: Flask) -> None:
    scan_succeeded.connect(_judge_scan)
    app.extensions[REFRESHED] = set()

    @app.before_request
    def _refresh_verdicts_for_the_loaded_policy():
        # Once per policy digest and process: a changed policy file is judged at start-up,
        # exactly for the rows it lacks; never again per page view.
        policy = policies.license_policy()
        if policy.digest in app.extensions[REFRESHED]:
            return
        app.extensions[REFRESHED].add(policy.digest)
        try:
            added = verdicts.refresh(policy)
        except SQLAlchemyError:  # e.g. a database not migrated yet: the pages say so
            db.session.rollback()
            log.exception("could not refresh the stored license verdicts")
        else:
            if added:
                log.info("stored %d license verdict(s) for policy %s", added, policy.digest[:12])
