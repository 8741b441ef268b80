"""Scan worker processes: each loads scancode's license index once and scans file after file.

The parent hands one file at a time to each idle worker and watches the clock: scancode's own
timeouts cannot interrupt every regex, so a worker that overruns its hard limit is killed, the
file is recorded as timed out, and a fresh worker takes its place.
"""
from __future__ import annotations

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


@dataclass
class FileOutcome:
    key: str
    scan: FileScan | None
    error: str = ""  # set when the worker was killed or crashed on this file


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
                           scancode_adapter.scan_file(payload.location, file_timeout)))
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

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.workers[self.workers.index(worker)] = _Worker(self.temp_dir, self.file_timeout)
        self.restarts += 1

    def run(self, tasks: Iterable[FileTask], on_done: Callable[[FileOutcome], None],
            on_tick: Callable[[], None] | None = None, tick_seconds: float = 1.0) -> None:
        """Scan every task; on_done gets each outcome as it arrives (in the caller's thread),
        on_tick is called at least every tick_seconds (for heartbeats and cancellation)."""
        self.start()
        pending = deque(tasks)
        last_tick = time.monotonic()
        while pending or any(w.task for w in self.workers):
            for worker in self.workers:
                if worker.ready and worker.task is None and pending:
                    worker.give(pending.popleft())
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
            task = worker.task
            self._replace(worker)
            if task:
                on_done(FileOutcome(task.key, None, "the scan worker crashed on this file"))
            return
        if message[0] == "ready":
            worker.ready = True
        elif message[0] == "done":
            task, worker.task = worker.task, None
            on_done(FileOutcome(message[1], message[2]))

    def _watch(self, on_done) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.task and now - worker.started_at > self.kill_after:
                task = worker.task
                self._replace(worker)
                on_done(FileOutcome(task.key, None, f"stopped after {self.kill_after:.0f} s: "
                                                    "the scanner did not finish, worker killed"))
            elif not worker.process.is_alive():
                task = worker.task
                self._replace(worker)
                if task:
                    on_done(FileOutcome(task.key, None, "the scan worker died on this file"))

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
