"""The Celery backend, in the pattern of Flask's Celery docs: tasks run inside an app context.

create_app() calls celery_init_app() when SCAN_BACKEND=celery. Start a worker with:
    celery -A governance.jobs.worker worker --pool solo --loglevel INFO
`--pool solo` because each task fans out over its own scan worker processes (which Celery's
prefork children, being daemons, could not start); run more workers to scan more at once.
"""
from __future__ import annotations

from celery import Celery, Task, shared_task
from celery.signals import worker_ready
from flask import Flask

from governance.database import db
from governance.jobs.housekeeping import lapse_waivers
from governance.scanning.workers import ScanWorkerPool
from governance.scans import services
from governance.scans.queue import scan_config

_pool = None


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
        broker_connection_retry_on_startup=True,
        # `celery -A governance.jobs.worker beat` runs these; without beat, use
        # `flask waivers lapse` from cron.
        beat_schedule={"lapse-waivers": {"task": "governance.lapse_waivers",
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


@shared_task(name="governance.recover_scans")
def recover_scans_task() -> list[int]:
    ids = services.scans_to_run(scan_config())
    for scan_id in ids:
        run_scan_task.delay(scan_id)
    return ids


@worker_ready.connect
def _recover_on_start(sender=None, **kwargs) -> None:
    recover_scans_task.delay()


@shared_task(name="governance.lapse_waivers")
def lapse_waivers_task() -> int:
    return lapse_waivers()
