"""The embedded backend: threads in the app's process.

- one scan thread takes scan ids from a queue and runs them with a pool of scan worker
  processes, started on the first scan and kept for the next;
- FETCH_WORKERS fetch threads download the sources of purl and URL scans, and hand each back
  to the scan queue once its archive is stored: a slow or trickling server holds up no scan;
- one task thread runs the other background tasks (governance.background), in order;
- a housekeeping thread re-queues stale scans and waiting tasks every minute (a scan whose
  process died is picked up again when the app comes back) and lapses expired waivers
  (jobs.housekeeping).
"""
from __future__ import annotations

import logging
import queue
import threading

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

log = logging.getLogger(__name__)
RECOVERY_INTERVAL = 60
_runners: dict[int, "EmbeddedRunner"] = {}
_lock = threading.Lock()


class EmbeddedRunner:
    def __init__(self, app):
        self.app = app
        self.queue: queue.Queue[int | None] = queue.Queue()
        self.fetch_queue: queue.Queue[int | None] = queue.Queue()
        self.task_queue: queue.Queue[tuple[str, int] | None] = queue.Queue()
        self._waiting_tasks: set[tuple[str, int]] = set()
        self.pool = None
        self.stopping = threading.Event()
        # (for the scan thread?, id) of the scans waiting in either queue
        self._waiting: set[tuple[bool, int]] = set()
        self._waiting_lock = threading.Lock()
        self.thread = threading.Thread(target=self._scan_loop, name="scan-runner", daemon=True)
        # Daemon threads: a download in hand never keeps the app from exiting; its scan is
        # found stale and fetched again by the next runner.
        self.fetchers = [threading.Thread(target=self._fetch_loop, name=f"scan-fetch-{n}",
                                          daemon=True)
                         for n in range(max(1, app.config["FETCH_WORKERS"]))]
        self.tasker = threading.Thread(target=self._task_loop, name="task-runner",
                                       daemon=True)
        self.housekeeper = threading.Thread(target=self._housekeeping_loop,
                                            name="scan-housekeeping", daemon=True)
        for thread in (self.thread, self.tasker, *self.fetchers, self.housekeeper):
            thread.start()

    def submit(self, scan_id: int) -> None:
        """Queue a scan: straight to the fetch threads when its source is still to be
        downloaded (so it never waits behind the scans in hand), else to the scan thread."""
        if self._in_app(lambda: services.needs_fetch(scan_id), "checking a scan"):
            self._put(self.fetch_queue, scan_id)
        else:
            self._put(self.queue, scan_id)

    def submit_task(self, name: str, object_id: int) -> None:
        with self._waiting_lock:
            if (name, object_id) in self._waiting_tasks:
                return
            self._waiting_tasks.add((name, object_id))
        self.task_queue.put((name, object_id))

    def _put(self, target: queue.Queue, scan_id: int) -> None:
        with self._waiting_lock:
            if (target is self.queue, scan_id) in self._waiting:
                return  # already waiting there: recovery finds queued scans every minute
            self._waiting.add((target is self.queue, scan_id))
        target.put(scan_id)

    def _taken(self, target: queue.Queue, scan_id: int) -> None:
        with self._waiting_lock:
            self._waiting.discard((target is self.queue, scan_id))

    def stop(self, timeout: float = 60) -> None:
        """Let the scan in hand finish, then end the threads and the worker processes; the
        next runner_for(app) starts a fresh runner (and recovers again). A download in hand
        is left to its deadline: its scan is found stale and fetched again."""
        self.stopping.set()
        self.queue.put(None)  # wakes the threads at once
        self.task_queue.put(None)
        for _ in self.fetchers:
            self.fetch_queue.put(None)
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise TimeoutError(f"The scan runner was still busy after {timeout:.0f} s.")
        self.tasker.join(timeout)
        self.housekeeper.join(timeout)
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

    def _in_app(self, work, what: str, on_error=None):
        """Run `work()` in an app context with a session of its own; an exception is logged
        (and handed to `on_error`), never the end of the thread."""
        with self.app.app_context():
            try:
                return work()
            except Exception:  # noqa: BLE001 - keep the thread alive; logged
                log.exception("%s failed unexpectedly", what)
                db.session.rollback()
                if on_error is not None:
                    on_error()
            finally:
                db.session.remove()

    def _housekeeping_loop(self) -> None:
        while not self.stopping.is_set():
            for scan_id in self._in_app(lambda: services.scans_to_run(scan_config()),
                                        "scan recovery") or ():
                self.submit(scan_id)
            for name, object_id in self._in_app(background.waiting, "task recovery") or ():
                self.submit_task(name, object_id)
            self._in_app(lapse_waivers, "lapsing expired waivers")
            self._in_app(recertify_collaborators, "re-certifying outside collaborators")
            self._in_app(open_funding_renewals, "opening funding renewals")
            self._in_app(lapse_not_affected, "lapsing not-affected analyses")
            self.stopping.wait(RECOVERY_INTERVAL)

    def _each(self, source: queue.Queue):
        """The scan ids put in `source`, until the runner stops."""
        while not self.stopping.is_set():
            scan_id = source.get()
            if scan_id is None or self.stopping.is_set():
                return
            self._taken(source, scan_id)
            yield scan_id

    def _scan_loop(self) -> None:
        for scan_id in self._each(self.queue):
            self._in_app(lambda: services.run_scan(scan_id, scan_config(),
                                                   self._pool(scan_config())),
                         f"scan {scan_id}", lambda: services.fail_unexpectedly(scan_id))

    def _task_loop(self) -> None:
        while not self.stopping.is_set():
            entry = self.task_queue.get()
            if entry is None or self.stopping.is_set():
                return
            with self._waiting_lock:
                self._waiting_tasks.discard(entry)
            self._in_app(lambda: background.run(*entry), f"task {entry[0]} {entry[1]}")

    def _fetch_loop(self) -> None:
        for scan_id in self._each(self.fetch_queue):
            ready = self._in_app(lambda: services.fetch_source(scan_id, scan_config()),
                                 f"fetching scan {scan_id}",
                                 lambda: services.fail_unexpectedly(scan_id))
            if ready and not self.stopping.is_set():
                self.submit(scan_id)


def runner_for(app) -> EmbeddedRunner:
    """The app's runner, started on first use."""
    with _lock:
        if id(app) not in _runners:
            _runners[id(app)] = EmbeddedRunner(app)
        return _runners[id(app)]


def start_with_app(app) -> None:
    """Start the runner when the app serves (make run), so queued and stale scans resume."""
    runner_for(app)
