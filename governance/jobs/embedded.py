"""The embedded backend: one thread in the app's process takes scan ids from a queue and runs
them with a pool of scan worker processes, started on the first scan and kept for the next.

The thread also re-queues stale scans every minute, so a scan whose process died is picked up
again when the app comes back, and lapses expired waivers (see jobs.housekeeping).
"""
from __future__ import annotations

import logging
import queue
import threading
import time

from governance.database import db
from governance.jobs.housekeeping import lapse_waivers
from governance.scanning.workers import ScanWorkerPool
from governance.scans import services
from governance.scans.queue import scan_config

log = logging.getLogger(__name__)
RECOVERY_INTERVAL = 60
_runners: dict[int, "EmbeddedRunner"] = {}
_lock = threading.Lock()


class EmbeddedRunner:
    def __init__(self, app):
        self.app = app
        self.queue: queue.Queue[int | None] = queue.Queue()
        self.pool = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="scan-runner", daemon=True)
        self.thread.start()

    def submit(self, scan_id: int) -> None:
        self.queue.put(scan_id)

    def stop(self, timeout: float = 60) -> None:
        """Let the scan in hand finish, then end the thread and the worker processes; the
        next runner_for(app) starts a fresh runner (and recovers again)."""
        self.stopping.set()
        self.queue.put(None)  # wakes the thread at once
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise TimeoutError(f"The scan runner was still busy after {timeout:.0f} s.")
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        with _lock:
            if _runners.get(id(self.app)) is self:
                del _runners[id(self.app)]

    def _pool(self, config):
        if self.pool is None:
            self.pool = ScanWorkerPool(config.settings.processes,
                                       file_timeout=config.settings.file_timeout,
                                       temp_dir=str(config.scans_dir / "tmp"))
            self.pool.start()
        return self.pool

    def _recover(self) -> None:
        for scan_id in services.scans_to_run(scan_config()):
            self.queue.put(scan_id)

    def _loop(self) -> None:
        last_recovery = 0.0
        while not self.stopping.is_set():
            if time.monotonic() - last_recovery > RECOVERY_INTERVAL:
                with self.app.app_context():
                    try:
                        self._recover()
                    except Exception:  # noqa: BLE001 - keep the runner alive; logged
                        log.exception("scan recovery failed")
                    finally:
                        db.session.remove()
                    try:
                        lapse_waivers()
                    except Exception:  # noqa: BLE001 - keep the runner alive; logged
                        log.exception("lapsing expired waivers failed")
                    finally:
                        db.session.remove()
                last_recovery = time.monotonic()
            try:
                scan_id = self.queue.get(timeout=5)
            except queue.Empty:
                continue
            if scan_id is None or self.stopping.is_set():
                break
            with self.app.app_context():
                try:
                    config = scan_config()
                    services.run_scan(scan_id, config, self._pool(config))
                except Exception:  # noqa: BLE001 - one broken scan must not stop the runner
                    log.exception("scan %s failed unexpectedly", scan_id)
                    db.session.rollback()
                    services.fail_unexpectedly(scan_id)
                finally:
                    db.session.remove()


def runner_for(app) -> EmbeddedRunner:
    """The app's runner, started on first use."""
    with _lock:
        if id(app) not in _runners:
            _runners[id(app)] = EmbeddedRunner(app)
        return _runners[id(app)]


def start_with_app(app) -> None:
    """Start the runner when the app serves (make run), so queued and stale scans resume."""
    runner_for(app)
