"""The scan worker pool: real scancode in worker processes, errors per file, the watchdog."""
from __future__ import annotations

import os
import signal

import pytest

from governance.scanning.workers import FileTask, ScanWorkerPool

MIT_FILE = "# SPDX-License-Identifier: MIT\n# Copyright (c) 2024 Jane Doe\nprint('hi')\n"
GPL_FILE = ("# This program is free software: you can redistribute it and/or modify it under\n"
            "# the terms of the GNU General Public License as published by the Free Software\n"
            "# Foundation, either version 3 of the License, or (at your option) any later\n"
            "# version.\n")


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    with ScanWorkerPool(1, file_timeout=60,
                        temp_dir=str(tmp_path_factory.mktemp("sc-temp"))) as pool:
        yield pool


def _run(pool, tasks, **kw):
    outcomes = {}
    pool.run(tasks, lambda o: outcomes.__setitem__(o.key, o), **kw)
    return outcomes


def test_files_are_scanned_with_licenses_copyrights_and_info(pool, tmp_path):
    (tmp_path / "a.py").write_text(MIT_FILE)
    (tmp_path / "b.py").write_text(GPL_FILE)
    out = _run(pool, [FileTask("a", str(tmp_path / "a.py")), FileTask("b", str(tmp_path / "b.py"))])
    a, b = out["a"].scan.results, out["b"].scan.results
    assert a["detected_license_expression"] == "mit"
    assert a["detected_license_expression_spdx"] == "MIT"
    assert [h["holder"] for h in a["holders"]] == ["Jane Doe"]
    assert a["sha256"] and a["programming_language"] == "Python"
    assert b["detected_license_expression"] == "gpl-3.0-plus"
    assert b["detected_license_expression_spdx"] == "GPL-3.0-or-later"
    match = b["license_detections"][0]["matches"][0]
    assert match["start_line"] == 1 and match["rule_identifier"] and match["matched_text"]


def test_a_file_that_fails_is_an_error_and_the_others_go_on(pool, tmp_path):
    (tmp_path / "ok.py").write_text(MIT_FILE)
    out = _run(pool, [FileTask("gone", str(tmp_path / "missing.py")),
                      FileTask("ok", str(tmp_path / "ok.py"))])
    assert out["gone"].scan.errors  # scancode could not read it
    assert out["ok"].scan.errors == []
    assert out["ok"].scan.results["detected_license_expression"] == "mit"


def test_one_worker_process_serves_every_file_and_scan(pool, tmp_path):
    # The index is loaded when a worker process starts, so the same processes across runs
    # means it was loaded once, not per file or per scan (speed lives in benchmarks/).
    (tmp_path / "a.py").write_text(MIT_FILE)
    _run(pool, [FileTask("first", str(tmp_path / "a.py"))])
    pids = [w.process.pid for w in pool.workers]
    out = _run(pool, [FileTask(str(i), str(tmp_path / "a.py")) for i in range(5)])
    assert all(o.scan.results["detected_license_expression"] == "mit" for o in out.values())
    assert [w.process.pid for w in pool.workers] == pids and pool.restarts == 0


def test_a_stuck_worker_is_killed_and_replaced_and_its_file_tried_once_more(tmp_path):
    (tmp_path / "a.py").write_text(MIT_FILE)
    (tmp_path / "b.py").write_text(MIT_FILE)
    with ScanWorkerPool(1, file_timeout=60, temp_dir=str(tmp_path / "t"),
                        kill_after=3) as pool:
        stopped = []

        def freeze_the_worker_once_ready():
            # Simulates a regex that never returns: frozen before it gets its first file, the
            # worker takes "stuck" and never answers.
            ready = [w for w in pool.workers if w.ready]
            if ready and not stopped:
                os.kill(ready[0].process.pid, signal.SIGSTOP)
                stopped.append(ready[0].process.pid)

        out = _run(pool, [FileTask("stuck", str(tmp_path / "a.py")),
                          FileTask("next", str(tmp_path / "b.py"))],
                   on_tick=freeze_the_worker_once_ready, tick_seconds=0.01)
        # Frozen once only: the second attempt, on the fresh worker, scans it.
        assert out["stuck"].scan.results["detected_license_expression"] == "mit"
        assert "worker killed" in out["stuck"].retried_after
        assert out["next"].scan.results["detected_license_expression"] == "mit"
        assert pool.restarts == 1
        assert stopped and all(w.process.pid != stopped[0] for w in pool.workers)
