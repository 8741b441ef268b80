"""Background work: the job backends and the scheduled housekeeping.

Two real backends, chosen by SCAN_BACKEND: "embedded" (default: threads in the app's own
process, fetching sources and dispatching scans to a pool of scan worker processes) and
"celery" (a Redis broker, scan workers `celery -A governance.jobs.worker worker --pool solo`
and fetch workers on the `fetch` queue). init_app() installs the chosen one as
the app's scan queue (governance.scans.queue). Jobs take ids and keep their state on the row,
so a job that dies is found by recover_stale() and run again. Other background tasks
(governance.background: code checks, GitHub provisioning) run on the same backends.
"""
from __future__ import annotations

from flask import Flask, current_app

from governance import background
from governance.jobs.embedded import runner_for, start_with_app
from governance.scans import queue


def init_app(app: Flask) -> None:
    backend = app.config["SCAN_BACKEND"]
    if backend == "celery":
        # Celery and its Redis client load only for the backend that uses them.
        from governance.jobs.celery_backend import celery_init_app, dispatch, dispatch_task

        celery_init_app(app)
        queue.install(app, dispatch)
        background.install(app, dispatch_task)
    elif backend == "embedded":
        queue.install(app, lambda scan_id: runner_for(
            current_app._get_current_object()).submit(scan_id))
        background.install(app, lambda name, object_id: runner_for(
            current_app._get_current_object()).submit_task(name, object_id))
        if app.config["SCAN_AUTOSTART"]:
            @app.before_request
            def _start_scan_runner():
                start_with_app(app)  # once: later calls find the running runner
    else:
        raise RuntimeError(f"Unknown SCAN_BACKEND {backend!r}: use embedded or celery.")
