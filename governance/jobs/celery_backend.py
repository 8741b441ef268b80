"""The Celery backend, in the pattern of Flask's Celery docs: tasks run inside an app context.

create_app() calls celery_init_app() when SCAN_BACKEND=celery. Two kinds of worker:
    celery -A governance.jobs.worker worker --pool solo --loglevel INFO          (scans)
    celery -A governance.jobs.worker worker -Q fetch --pool threads --concurrency 4  (fetches)
`--pool solo` because each scan task fans out over its own scan worker processes (which
Celery's prefork children, being daemons, could not start); run more to scan more at once.
Downloads go to the `fetch` queue, so a slow server holds up no scan worker; once the archive
is stored, the fetch task queues the scan.
"""
from __future__ import annotations

from celery import Celery, Task, shared_task
from celery.signals import worker_ready
from flask import Flask

from governance import background
from governance.database import db
from governance.jobs.housekeeping import (
    lapse_not_affected,
    lapse_waivers,
    open_funding_renewals,
    recertify_collaborators,
)
from governance.scanning.workers import ScanWorkerPool
from governance.scans import services
from governance.scans.queue import scan_config

_pool = None
FETCH_QUEUE = "fetch"


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                try:
                    return self.run(*args, **kwargs)
                finally:
                    db.session.remove()

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"],
        task_ignore_result=True,
        # A task whose worker dies is delivered again; run_scan is idempotent.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_routes={"governance.fetch_source": {"queue": FETCH_QUEUE}},
        broker_connection_retry_on_startup=True,
        # `celery -A governance.jobs.worker beat` runs these; without beat, use
        # `flask waivers lapse` from cron.
        beat_schedule={"lapse-waivers": {"task": "governance.lapse_waivers",
                                         "schedule": 3600.0},
                       "recertify-collaborators": {"task": "governance.recertify_collaborators",
                                                   "schedule": 3600.0},
                       "funding-renewals": {"task": "governance.open_funding_renewals",
                                            "schedule": 3600.0},
                       "lapse-not-affected": {"task": "governance.lapse_not_affected",
                                              "schedule": 3600.0}},
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def _worker_pool(config):
    global _pool
    if _pool is None:
        _pool = ScanWorkerPool(config.settings.processes,
                               file_timeout=config.settings.file_timeout,
                               temp_dir=str(config.scans_dir / "tmp"))
    return _pool


@shared_task(name="governance.run_scan")
def run_scan_task(scan_id: int) -> None:
    config = scan_config()
    try:
        services.run_scan(scan_id, config, _worker_pool(config))
    except Exception:
        db.session.rollback()
        services.fail_unexpectedly(scan_id)
        raise


def dispatch(scan_id: int) -> None:
    """The backend's enqueue: a scan whose source is still to be downloaded goes to the
    fetch queue first, any other straight to the scan workers."""
    if services.needs_fetch(scan_id):
        fetch_source_task.delay(scan_id)
    else:
        run_scan_task.delay(scan_id)


@shared_task(name="governance.fetch_source")
def fetch_source_task(scan_id: int) -> None:
    try:
        ready = services.fetch_source(scan_id, scan_config())
    except Exception:
        db.session.rollback()
        services.fail_unexpectedly(scan_id)
        raise
    if ready:
        run_scan_task.delay(scan_id)


@shared_task(name="governance.run_task")
def run_task(name: str, object_id: int) -> None:
    """The other background tasks (governance.background), on the scan workers' queue."""
    background.run(name, object_id)


def dispatch_task(name: str, object_id: int) -> None:
    run_task.delay(name, object_id)


@shared_task(name="governance.recover_scans")
def recover_scans_task() -> list[int]:
    ids = services.scans_to_run(scan_config())
    for scan_id in ids:
        dispatch(scan_id)
    for name, object_id in background.waiting():
        dispatch_task(name, object_id)
    return ids


@worker_ready.connect
def _recover_on_start(sender=None, **kwargs) -> None:
    recover_scans_task.delay()


@shared_task(name="governance.lapse_waivers")
def lapse_waivers_task() -> int:
    return lapse_waivers()


@shared_task(name="governance.recertify_collaborators")
def recertify_collaborators_task() -> int:
    return recertify_collaborators()


@shared_task(name="governance.open_funding_renewals")
def open_funding_renewals_task() -> int:
    return open_funding_renewals()


@shared_task(name="governance.lapse_not_affected")
def lapse_not_affected_task() -> int:
    return lapse_not_affected()
