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


def _purl_scan(purl):
    scan = services.start_scan(None, None, scan_config(), source=purl)
    db.session.commit()
    return scan


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


def test_a_trickling_download_holds_up_no_other_scan(app, embedded, fake_registry, tmp_path,
                                                     monkeypatch):
    monkeypatch.setitem(app.config, "PYPI_URL", fake_registry.pypi_url)
    # Status line and headers a byte every 4 s: each read gets data in time, the download
    # would go on for minutes (until the deadline) if the registry kept it up.
    fake_registry.misbehave("/files/demo_lib-1.1.0.tar.gz", trickle=4, trickle_headers=True,
                            body=b"x" * 100)
    slow = _purl_scan("pkg:pypi/demo-lib@1.1.0")
    enqueue(slow.id)
    fetching = wait_for_scan(slow.id, lambda s: s.phase == "fetching", timeout=TIMEOUT)
    assert fetching.state == ScanState.RUNNING, (fetching.state, fetching.error)

    uploaded = _queued_scan(tmp_path)
    enqueue(uploaded.id)
    done = wait_for_scan(uploaded.id, lambda s: s.is_finished, timeout=TIMEOUT)
    assert done.state == ScanState.SUCCEEDED, done.error
    still = wait_for_scan(slow.id, lambda s: True, timeout=0)
    assert (still.state, still.phase) == (ScanState.RUNNING, "fetching")

    # The registry hangs up: the fetch fails with the reason, on its own thread.
    fake_registry.stop()
    failed = wait_for_scan(slow.id, lambda s: s.is_finished, timeout=TIMEOUT)
    assert failed.state == ScanState.FAILED
    assert "demo_lib-1.1.0.tar.gz" in failed.error


def test_a_fetched_scan_is_scanned_once_its_archive_is_stored(app, embedded, fake_registry,
                                                              monkeypatch):
    monkeypatch.setitem(app.config, "PYPI_URL", fake_registry.pypi_url)
    scan = _purl_scan("pkg:pypi/demo-lib@1.1.0")
    enqueue(scan.id)
    done = wait_for_scan(scan.id, lambda s: s.is_finished, timeout=TIMEOUT)
    assert done.state == ScanState.SUCCEEDED, done.error
    assert done.archive.filename == "demo_lib-1.1.0.tar.gz"
    # The fetch gave its attempt back: one attempt, the scan's own.
    assert done.attempts == 1
    assert done.summary["files"] >= 1


def test_a_download_starts_while_the_scan_thread_is_busy(app, embedded, fake_registry,
                                                         tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PYPI_URL", fake_registry.pypi_url)
    busy = _queued_scan(tmp_path)
    enqueue(busy.id)  # the scan thread starts its workers (seconds), then scans
    wait_for_scan(busy.id, lambda s: s.state == ScanState.RUNNING, timeout=TIMEOUT)
    fetched = _purl_scan("pkg:pypi/demo-lib@1.1.0")
    enqueue(fetched.id)

    ready = wait_for_scan(fetched.id, lambda s: s.archive_id is not None, timeout=TIMEOUT)
    assert ready.archive_id is not None, (ready.state, ready.error)
    assert not wait_for_scan(busy.id, lambda s: True, timeout=0).is_finished
    for scan_id in (busy.id, fetched.id):
        assert wait_for_scan(scan_id, lambda s: s.is_finished,
                             timeout=TIMEOUT).state == ScanState.SUCCEEDED
