"""The embedded backend: a runner thread in the app's process with its own scan workers,
fed by enqueue() and by the recovery it runs when it starts."""
from __future__ import annotations

import io
from datetime import timedelta

from governance.database import db, utcnow
from governance.jobs.embedded import runner_for
from governance.scans import services
from governance.scans.models import ScanState
from governance.scans.queue import enqueue, scan_config
from tests.jobs.helpers import wait_for_scan
from tests.scans.archives import tar_gz, tiny_package_files

# The runner's pool loads scancode's license index (5 to 10 s) before its first file.
TIMEOUT = 90


def _queued_scan(tmp_path, version="1.0.0"):
    archive = tar_gz(tmp_path / f"tinypkg-{version}.tar.gz", tiny_package_files(version))
    scan = services.start_scan(None, None, scan_config(),
                               upload=io.BytesIO(archive.read_bytes()),
                               upload_name=archive.name)
    db.session.commit()
    return scan


def test_an_enqueued_scan_is_run_by_the_apps_runner(embedded, tmp_path):
    scan = _queued_scan(tmp_path)
    enqueue(scan.id)
    done = wait_for_scan(scan.id, lambda s: s.is_finished, timeout=TIMEOUT)
    assert done.state == ScanState.SUCCEEDED, done.error
    assert done.attempts == 1
    assert done.summary["declared_license_expression"] == "mit"
    assert done.summary["files"] == 6 and done.summary["errors"] == 0


def test_a_starting_runner_resumes_queued_and_stale_scans(app, embedded, tmp_path):
    queued = _queued_scan(tmp_path)
    # A scan whose process died while running: its heartbeat stopped long ago.
    stale = _queued_scan(tmp_path, version="1.0.1")
    stale.state, stale.attempts = ScanState.RUNNING, 1
    stale.heartbeat_at = utcnow() - timedelta(seconds=scan_config().stale_seconds + 5)
    db.session.commit()

    runner_for(app)

    for scan_id, attempts in ((queued.id, 1), (stale.id, 2)):
        done = wait_for_scan(scan_id, lambda s: s.is_finished, timeout=TIMEOUT)
        assert done.state == ScanState.SUCCEEDED, done.error
        assert done.attempts == attempts
        assert done.summary["declared_license_expression"] == "mit"
