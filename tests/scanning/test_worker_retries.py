"""A file whose scan worker is lost (killed, crashed, stopped by the watchdog) gets a second
attempt on a fresh worker; lost twice, it is marked, and a crash is told apart from a timeout.

Real workers are frozen (SIGSTOP) just before they are handed a chosen file, so they cannot
answer, then killed (SIGKILL) or left for the watchdog.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from governance.scanning import outcomes, workers
from governance.scanning.runner import MemoryCache, ScanSettings, scan_tree
from governance.scanning.workers import FileTask, ScanWorkerPool
from tests.scanning.test_workers import MIT_FILE

# Generous: a pool start loads scancode's index (10 s idle, far more on a busy machine).
GIVE_UP_AFTER = 900


def sabotage(monkeypatch, plan: dict[str, list[str]]) -> list[int]:
    """Before the file named in `plan` reaches its worker, freeze that worker, then for "kill"
    kill it, for "freeze" leave it to the watchdog; one action per attempt. Returns the pids
    of the workers sabotaged."""
    original, pids = workers._Worker.give, []

    def give(worker, task):
        actions = plan.get(Path(task.location).name)
        action = actions.pop(0) if actions else None
        if action:
            os.kill(worker.process.pid, signal.SIGSTOP)
            pids.append(worker.process.pid)
        original(worker, task)
        if action == "kill":
            os.kill(worker.process.pid, signal.SIGKILL)

    monkeypatch.setattr(workers._Worker, "give", give)
    return pids


def give_up_later():
    """An on_tick that ends a run that would otherwise never finish (a retry loop)."""
    deadline = time.monotonic() + GIVE_UP_AFTER

    def tick():
        assert time.monotonic() < deadline, "the run did not finish"

    return tick


def _files(folder: Path, *names: str) -> dict[str, str]:
    for number, name in enumerate(names):
        # Different content each: the runner scans identical files once.
        (folder / name).write_text(f"{MIT_FILE}# file {number}\n")
    return {name: str(folder / name) for name in names}


def test_a_killed_worker_s_file_is_scanned_again_and_marked_after_a_second_death(
        tmp_path, monkeypatch):
    files = _files(tmp_path, "once.py", "twice.py", "fine.py")
    pids = sabotage(monkeypatch, {"once.py": ["kill"], "twice.py": ["kill", "kill"]})
    out = {}
    with ScanWorkerPool(1, file_timeout=60, temp_dir=str(tmp_path / "t")) as pool:
        pool.run([FileTask(name, path) for name, path in files.items()],
                 lambda o: out.__setitem__(o.key, o), on_tick=give_up_later())

        assert out["once.py"].scan.results["detected_license_expression"] == "mit"
        assert out["once.py"].retried_after == workers.DIED
        assert out["twice.py"].scan is None and not out["twice.py"].timed_out
        assert out["twice.py"].error == "the scan worker died twice on this file"
        assert out["fine.py"].scan.results["detected_license_expression"] == "mit"
        assert out["fine.py"].retried_after == ""
        assert pool.restarts == 3 and len(set(pids)) == 3  # each attempt on its own worker
        assert all(w.process.pid not in pids for w in pool.workers)


def test_the_runner_marks_a_file_lost_twice_as_error_or_timeout_with_the_reason(
        tmp_path, monkeypatch):
    root = tmp_path / "tree"
    root.mkdir()
    _files(root, "crashes.py", "hangs.py", "once.py", "fine.py")
    sabotage(monkeypatch, {"crashes.py": ["kill", "kill"], "hangs.py": ["freeze", "freeze"],
                           "once.py": ["freeze"]})
    # kill_after well above a real scan of these small files, even on a busy machine.
    with ScanWorkerPool(1, file_timeout=60, temp_dir=str(tmp_path / "t"),
                        kill_after=10) as pool:
        result = scan_tree(root, ScanSettings(processes=1), pool, MemoryCache(),
                           tick=give_up_later())

    records = {record.path: record for record in result.files}
    assert records["crashes.py"].status == outcomes.ERROR
    assert records["crashes.py"].errors == ["the scan worker died twice on this file"]
    assert records["hangs.py"].status == outcomes.TIMEOUT
    assert records["hangs.py"].errors == [
        "stopped after 10 s: the scanner did not finish, worker killed (twice)"]
    assert records["once.py"].status == outcomes.SCANNED and records["once.py"].errors == []
    assert records["fine.py"].status == outcomes.SCANNED
    assert result.license_of(records["once.py"])[1] == "MIT"
    assert result.summary["files"] == 4


@pytest.mark.parametrize("first, second, expected", [
    ((workers.DIED, False), ("stopped after 9 s: worker killed", True),
     "the scan worker died on this file; on the second attempt: stopped after 9 s: "
     "worker killed"),
    ((workers.DIED, False), (workers.DIED, False), "the scan worker died twice on this file"),
])
def test_both_reasons_are_kept_when_the_two_attempts_were_lost_differently(first, second,
                                                                           expected):
    assert workers._twice(first, second) == expected
