"""Scan worker processes: each loads scancode's license index once and scans file after file.

The parent hands one file at a time to each idle worker and watches the clock: scancode's own
timeouts cannot interrupt every regex, so a worker that overruns its hard limit is killed and a
fresh worker takes its place. A file whose worker was lost (killed by this watchdog, or dead by
itself: a crash, the OOM killer) is given once more to the fresh worker, and reported as failed
only when that second attempt is lost too, with `timed_out` telling the two causes apart.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable

from governance.scanning.scancode_adapter import SCANNERS, FileScan

logger = logging.getLogger(__name__)

# Why an attempt was lost when its worker died by itself (a crash, a signal, the OOM killer).
DIED = "the scan worker died on this file"

# spawn, not fork: the parent may be a threaded web server, and a forked copy of its locks
# and sockets is trouble. Workers import only this pure package, never Flask.
CONTEXT = multiprocessing.get_context("spawn")


def _ensure_dir(path: str) -> str:
    os.makedirs(path, exist_ok=True)
    return path


@dataclass(frozen=True)
class FileTask:
    key: str  # unique within one run, e.g. the file's sha256
    location: str
    # Seconds per scanner for this file; None: the pool's file_timeout. Longer for a second
    # pass over a file that came close to its deadline.
    timeout: float | None = None


@dataclass
class FileOutcome:
    key: str
    scan: FileScan | None
    # Set when scan is None: the file's worker was lost on both attempts, and why.
    error: str = ""
    # The last attempt overran the hard limit and was killed by the watchdog; False when the
    # worker died by itself.
    timed_out: bool = False
    # Why the first attempt was lost, when the file then went to a fresh worker.
    retried_after: str = ""


def _worker_main(conn: Connection, temp_dir: str, file_timeout: float) -> None:
    # Here, in the spawned worker, not at import: only workers load scancode's license index.
    from governance.scanning import scancode_adapter, summary

    scancode_adapter.prepare_process(temp_dir)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if message is None:
            return
        kind, payload = message
        try:
            if kind == "scan":
                conn.send(("done", payload.key,
                           scancode_adapter.scan_file(payload.location,
                                                      payload.timeout or file_timeout)))
            elif kind == "summary":
                try:
                    conn.send(("summary", summary.summarize(payload), None))
                except (BrokenPipeError, EOFError):
                    raise
                except Exception as exc:  # noqa: BLE001 - reported to the parent, not lost
                    conn.send(("summary", None, f"{type(exc).__name__}: {exc}"))
        except (BrokenPipeError, EOFError):
            return  # the parent is gone (killed, or the pool closed): nothing left to do


class _Worker:
    def __init__(self, temp_dir: str, file_timeout: float):
        self.conn, child = CONTEXT.Pipe()
        self.process = CONTEXT.Process(target=_worker_main, args=(child, temp_dir, file_timeout),
                                       daemon=True, name="scan-worker")
        self.process.start()
        child.close()
        self.ready = False
        self.task: FileTask | None = None
        # A file lost with the worker this one replaced: its second and last attempt, and
        # the first thing this worker scans.
        self.retry: FileTask | None = None
        self.started_at = 0.0

    def give(self, task: FileTask) -> None:
        self.task, self.started_at = task, time.monotonic()
        self.conn.send(("scan", task))

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class ScanWorkerPool:
    """N worker processes, started once and reused for many scans."""

    def __init__(self, processes: int, *, file_timeout: float = 120, temp_dir: str,
                 kill_after: float | None = None):
        self.processes = max(1, processes)
        self.file_timeout = file_timeout
        # A folder of this pool's own under temp_dir: scancode leaves a scancode-tk-* folder
        # per process start, and close() removes them all.
        self.temp_dir = tempfile.mkdtemp(prefix="pool-", dir=_ensure_dir(temp_dir))
        # Every scanner may use its whole timeout; past that, only a stuck regex is left.
        self.kill_after = kill_after or file_timeout * len(SCANNERS) + 30
        self.workers: list[_Worker] = []
        self.restarts = 0
        # key -> (reason, timed_out) of a file's first lost attempt, during one run.
        self._lost_once: dict[str, tuple[str, bool]] = {}

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self) -> None:
        while len(self.workers) < self.processes:
            self.workers.append(_Worker(self.temp_dir, self.file_timeout))

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for worker in self.workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.kill()
        self.workers = []
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def _replace(self, worker: _Worker) -> _Worker:
        worker.kill()
        fresh = _Worker(self.temp_dir, self.file_timeout)
        self.workers[self.workers.index(worker)] = fresh
        self.restarts += 1
        return fresh

    def _lost(self, worker: _Worker, on_done, reason: str, timed_out: bool) -> None:
        """`worker` died or was killed: replace it. Its file gets one more attempt, on the
        fresh worker (a worker's own state, e.g. its memory, may have been the cause); a file
        lost twice is reported, with both reasons."""
        task, pinned = worker.task, worker.retry
        fresh = self._replace(worker)
        if task is None:
            fresh.retry = pinned  # lost before it got its retry: not the file's fault
            return
        first = self._lost_once.pop(task.key, None)
        if first is None:
            logger.warning("Scan worker lost on %s (%s); trying it once more", task.location,
                           reason)
            self._lost_once[task.key] = (reason, timed_out)
            fresh.retry = task
            return
        on_done(FileOutcome(task.key, None, _twice(first, (reason, timed_out)), timed_out))

    def run(self, tasks: Iterable[FileTask], on_done: Callable[[FileOutcome], None],
            on_tick: Callable[[], None] | None = None, tick_seconds: float = 1.0) -> None:
        """Scan every task; on_done gets each outcome as it arrives (in the caller's thread),
        on_tick is called at least every tick_seconds (for heartbeats and cancellation)."""
        self.start()
        pending = deque(tasks)
        self._lost_once = {}
        last_tick = time.monotonic()
        while pending or any(w.task or w.retry for w in self.workers):
            for worker in self.workers:
                if worker.ready and worker.task is None and (worker.retry or pending):
                    task = worker.retry or pending.popleft()
                    worker.retry = None
                    worker.give(task)
            ready = wait([w.conn for w in self.workers], timeout=0.5)
            for worker in list(self.workers):
                if worker.conn in ready:
                    self._receive(worker, on_done)
            self._watch(on_done)
            if on_tick and time.monotonic() - last_tick >= tick_seconds:
                on_tick()
                last_tick = time.monotonic()

    def _receive(self, worker: _Worker, on_done) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            self._lost(worker, on_done, DIED, timed_out=False)
            return
        if message[0] == "ready":
            worker.ready = True
        elif message[0] == "done":
            worker.task = None
            first = self._lost_once.pop(message[1], None)
            on_done(FileOutcome(message[1], message[2], retried_after=first[0] if first else ""))

    def _watch(self, on_done) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            limit = self._kill_after(worker.task) if worker.task else 0
            if worker.task and now - worker.started_at > limit:
                self._lost(worker, on_done, f"stopped after {limit:.0f} s: the scanner "
                           "did not finish, worker killed", timed_out=True)
            elif not worker.process.is_alive():
                self._lost(worker, on_done, DIED, timed_out=False)

    def _kill_after(self, task: FileTask) -> float:
        if task.timeout and task.timeout > self.file_timeout:
            return self.kill_after * task.timeout / self.file_timeout
        return self.kill_after

    def summarize(self, payload: dict, timeout: float = 600) -> dict:
        """Run summary.summarize in a worker, where scancode is already loaded."""
        self.start()
        deadline = time.monotonic() + timeout
        while True:
            worker = next((w for w in self.workers if w.ready and w.task is None), None)
            if worker:
                break
            for w in wait([w.conn for w in self.workers], timeout=0.5):
                self._receive(next(x for x in self.workers if x.conn is w), lambda o: None)
            if time.monotonic() > deadline:
                raise TimeoutError("no scan worker became ready")
        worker.conn.send(("summary", payload))
        if not worker.conn.poll(timeout):
            self._replace(worker)
            raise TimeoutError("the summary did not finish")
        _, result, error = worker.conn.recv()
        if error:
            raise RuntimeError(error)
        return result


def _twice(first: tuple[str, bool], second: tuple[str, bool]) -> str:
    """One sentence for a file lost on both attempts."""
    if first == second == (DIED, False):
        return "the scan worker died twice on this file"
    if first == second:
        return f"{second[0]} (twice)"
    return f"{first[0]}; on the second attempt: {second[0]}"
