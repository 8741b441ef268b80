"""A scan job killed in the middle of its work: the row shows it, recovery queues it again,
and the second run finishes it without redoing what the first run had saved."""
from __future__ import annotations

import dataclasses
import io
import signal
import subprocess
import sys

from sqlalchemy import func, select

from governance.database import db
from governance.scans import services
from governance.scans.models import FileResult, ScanFile, ScanState
from governance.scans.queue import scan_config
from tests.jobs.helpers import ROOT, children_of, read_scan, tail, wait_for_scan, wait_until_gone
from tests.scans.archives import tar_gz

FILES = 60  # about 0.1 s each: long enough to be killed half-way

# The job in a process of its own, as a worker runs it.
JOB = """
import sys

from governance import create_app
from governance.scans.queue import scan_config
from governance.scanning.workers import ScanWorkerPool
from governance.scans import services

if __name__ == "__main__":
    database_url, scans_dir, instance, scan_id = sys.argv[1:]
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SCANS_DIR": scans_dir,
                      "INSTANCE_PATH": instance, "SECRET_KEY": "x", "SCAN_AUTOSTART": False})
    with app.app_context():
        config = scan_config()
        pool = ScanWorkerPool(1, file_timeout=60, temp_dir=str(config.scans_dir / "tmp"))
        services.run_scan(int(scan_id), config, pool)
"""


def _many_files_archive(tmp_path):
    files = {f"manyfiles-1.0/src/module{i:02}.py":
             f"# SPDX-License-Identifier: MIT\n# Copyright (c) 2024 Author {i}\nVALUE = {i}\n"
             for i in range(FILES)}
    return tar_gz(tmp_path / "manyfiles-1.0.tar.gz", files)


def test_a_killed_scan_is_queued_again_and_finishes_reusing_saved_results(app, scan_pool,
                                                                          tmp_path):
    archive = _many_files_archive(tmp_path)
    scan = services.start_scan(None, None, scan_config(),
                               upload=io.BytesIO(archive.read_bytes()),
                               upload_name=archive.name)
    db.session.commit()
    log_path = tmp_path / "job.log"
    with open(log_path, "wb") as log:
        job = subprocess.Popen(
            [sys.executable, "-c", JOB, app.config["SQLALCHEMY_DATABASE_URI"],
             app.config["SCANS_DIR"], str(tmp_path / "job-instance"), str(scan.id)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        # Its scan worker loads scancode's license index (5 to 10 s) before the first file.
        half_way = wait_for_scan(scan.id, lambda s: s.files_done > 0 or job.poll() is not None,
                                 timeout=90)
        assert half_way.state == ScanState.RUNNING and half_way.files_done > 0, (
            f"{half_way.state} {half_way.files_done}; job log:\n{tail(log_path)}")
        orphans = children_of(job.pid)
        job.send_signal(signal.SIGKILL)
        job.wait()
    finally:
        if job.poll() is None:
            job.kill()
            job.wait()

    # Its scan worker sees the pipe to its parent close and ends by itself.
    assert any("spawn_main" in cmd for cmd in orphans.values()), orphans
    assert wait_until_gone(orphans, timeout=10) == []

    killed = read_scan(scan.id)
    assert killed.state == ScanState.RUNNING and killed.attempts == 1
    assert killed.heartbeat_at is not None
    assert 0 < killed.files_done < FILES
    # Each heartbeat commits the progress and the results gathered so far together.
    saved = db.session.scalar(select(func.count()).select_from(FileResult))
    assert saved == killed.files_done

    config = scan_config()
    assert services.recover_stale(config) == []  # a fresh heartbeat: maybe still alive
    assert services.recover_stale(dataclasses.replace(config, stale_seconds=0)) == [scan.id]
    assert read_scan(scan.id).state == ScanState.QUEUED

    services.run_scan(scan.id, config, scan_pool)
    done = read_scan(scan.id)
    assert done.state == ScanState.SUCCEEDED, done.error
    assert done.attempts == 2
    assert done.files_done == done.files_total == FILES
    assert done.summary["files"] == FILES and done.summary["errors"] == 0
    rows = db.session.execute(select(ScanFile.path, ScanFile.status, ScanFile.license_expression)
                              .where(ScanFile.scan_id == scan.id)).all()
    assert len(rows) == len({path for path, _, _ in rows}) == FILES
    statuses = [status for _, status, _ in rows]
    assert statuses.count("cached") == saved
    assert statuses.count("scanned") == FILES - saved
    assert {expression for _, _, expression in rows} == {"mit"}
