"""The one seam for background work: enqueue(scan_id).

Two real backends, chosen by SCAN_BACKEND: "embedded" (default: a thread in the app's own
process dispatching to a pool of scan worker processes) and "celery" (a Redis broker and
`celery -A governance.jobs.worker worker --pool solo`). Jobs take ids and keep their state
on the row,
so a job that dies is found by recover_stale() and run again.
"""
from __future__ import annotations

from flask import current_app


def enqueue(scan_id: int) -> None:
    backend = current_app.config["SCAN_BACKEND"]
    if backend == "celery":
        from governance.jobs.celery_backend import run_scan_task

        run_scan_task.delay(scan_id)
    elif backend == "embedded":
        from governance.jobs.embedded import runner_for

        runner_for(current_app._get_current_object()).submit(scan_id)
    else:
        raise RuntimeError(f"Unknown SCAN_BACKEND {backend!r}: use embedded or celery.")


def scan_config():
    from governance.scans.services import ScanConfig

    return ScanConfig.from_mapping(current_app.config)
