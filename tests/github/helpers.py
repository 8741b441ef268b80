"""Bringing a publication to its checks with a real scan (the session's scan worker) and the
checks task run by hand."""
from __future__ import annotations

import io

from governance import policies
from governance.database import db
from governance.github_requests import checks
from governance.github_requests import services as github
from governance.scans import services as scans
from governance.scans.queue import scan_config
from governance.workflow import services as workflow


def submitted_publication(people, data) -> object:
    item = github.create(people["engineer"], data, policies.github_policy(), submit=True)
    db.session.commit()
    return item


def checked(item, user, archive: bytes, pool, held_tasks, name="rate-limiter-main.tar.gz"):
    """Upload `archive`, scan it for real, run the checks task it asked for."""
    run = checks.upload_code(item, user, scan_config(), io.BytesIO(archive), name)
    db.session.commit()
    scans.run_scan(run.scan_id, scan_config(), pool)
    assert ("github.checks", run.id) in held_tasks
    checks.run_checks(run.id)
    db.session.expire_all()
    return run


def in_review(item, office):
    workflow.transition(item, office, "start_review")
    db.session.commit()
