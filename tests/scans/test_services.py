"""Scans as the app runs them: intake, the job, reuse, caching, recovery, findings."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from governance.audit import services as audit
from governance.auth.roles import Role
from governance.database import db, utcnow
from governance.errors import IllegalTransition, NotAllowed, ValidationFailed
from governance.scans import services
from governance.scans.models import FileResult, Scan, ScanFile, ScanState
from governance.scans.queue import scan_config
from governance.states import State
from tests import factories as f
from tests.scans.archives import tar_gz, tiny_package_files


@pytest.fixture
def people():
    team = f.team("Payments")
    return {"team": team, "erin": f.user(Role.ENGINEER, teams=[team], username="erin"),
            "olga": f.user(Role.OSS_OFFICE, username="olga"),
            "otto": f.user(Role.ENGINEER, teams=[f.team("Data")], username="otto")}


@pytest.fixture
def item(people):
    return f.request_in(State.SUBMITTED, people["erin"], people["team"],
                        purl="pkg:pypi/tinypkg@1.0.0")


def _upload(tmp_path, name="tinypkg-1.0.0.tar.gz", **kw):
    path = tar_gz(tmp_path / name, tiny_package_files(**kw))
    return io.BytesIO(path.read_bytes()), name


def _scan(item, user, tmp_path, **kw):
    stream, name = _upload(tmp_path, **kw)
    scan = services.start_scan(item, user, scan_config(), upload=stream, upload_name=name)
    db.session.commit()
    return scan


def _files(scan):
    return {r.path: r for r in db.session.scalars(
        select(ScanFile).where(ScanFile.scan_id == scan.findings_scan_id))}


def test_a_scan_finds_the_packages_licenses_holders_and_manifest(item, people, tmp_path,
                                                                 scan_pool):
    scan = _scan(item, people["erin"], tmp_path)
    assert scan.state == ScanState.QUEUED
    services.run_scan(scan.id, scan_config(), scan_pool)
    db.session.refresh(scan)
    assert scan.state == ScanState.SUCCEEDED, scan.error
    summary = scan.summary
    assert summary["declared_license_expression"] == "mit"
    assert summary["declared_license_expression_spdx"] == "MIT"
    detected = {d["license_expression_spdx"]: d["files"] for d in summary["detected"]}
    assert detected["MIT"] >= 2 and detected["Apache-2.0"] == 1
    assert {"Jane Doe", "Acme Corp."} <= {h["holder"] for h in summary["holders"]}
    assert summary["files"] == 6 and summary["errors"] == 0
    assert summary["clarity_score"] >= 80
    files = _files(scan)
    assert files["tinypkg-1.0.0/tinypkg/vendored.py"].license_expression == "apache-2.0"
    # Identical content inside one archive is analysed once.
    statuses = {files[p].status for p in ("tinypkg-1.0.0/docs/same.txt",
                                          "tinypkg-1.0.0/docs/copy-of-same.txt")}
    assert statuses == {"scanned", "duplicate"}
    health = {h["id"]: h for h in summary["health"]}
    assert health["license_file"]["found"] and health["license_file"]["where"] == ["LICENSE"]
    assert not health["ci_config"]["found"]
    actions = [e.action for e in audit.events_for("request", item.id)]
    assert actions[-2:] == ["scan_queued", "scan_succeeded"]


def test_an_identical_archive_reuses_the_earlier_scan(item, people, tmp_path, scan_pool):
    first = _scan(item, people["erin"], tmp_path)
    services.run_scan(first.id, scan_config(), scan_pool)
    second = _scan(item, people["erin"], tmp_path)
    services.run_scan(second.id, scan_config(), scan_pool)
    db.session.refresh(second)
    assert second.state == ScanState.SUCCEEDED
    assert second.reused_from_id == first.id
    assert second.summary == db.session.get(Scan, first.id).summary
    assert len(_files(second)) == 6


def test_the_next_version_only_analyses_what_changed(item, people, tmp_path, scan_pool):
    first = _scan(item, people["erin"], tmp_path)
    services.run_scan(first.id, scan_config(), scan_pool)
    cached_before = db.session.scalar(select(func.count()).select_from(FileResult))
    # 1.0.1: same files except the version line and PKG-INFO; the root folder is renamed too.
    second = _scan(item, people["erin"], tmp_path, name="tinypkg-1.0.1.tar.gz",
                   version="1.0.1")
    services.run_scan(second.id, scan_config(), scan_pool)
    files = _files(db.session.get(Scan, second.id))
    scanned = sorted(p.split("/", 1)[1] for p, r in files.items() if r.status == "scanned")
    assert scanned == ["PKG-INFO", "tinypkg/__init__.py"]
    assert db.session.scalar(select(func.count()).select_from(FileResult)) == cached_before + 2


def test_running_a_scan_again_is_idempotent(item, people, tmp_path, scan_pool):
    scan = _scan(item, people["erin"], tmp_path)
    services.run_scan(scan.id, scan_config(), scan_pool)
    assert services.run_scan(scan.id, scan_config(), scan_pool) is None  # not queued: no-op
    scan.state = ScanState.QUEUED
    db.session.commit()
    services.run_scan(scan.id, scan_config(), scan_pool)
    assert db.session.scalar(select(func.count()).select_from(ScanFile)
                             .where(ScanFile.scan_id == scan.id)) == 6


def test_a_stale_scan_is_queued_again_then_fails_after_its_attempts(item, people, tmp_path):
    scan = _scan(item, people["erin"], tmp_path)
    config = scan_config()
    scan.state, scan.attempts = ScanState.RUNNING, 1
    scan.heartbeat_at = utcnow() - timedelta(seconds=config.stale_seconds + 5)
    db.session.commit()
    assert services.recover_stale(config) == [scan.id]
    assert db.session.get(Scan, scan.id).state == ScanState.QUEUED
    scan.state, scan.attempts = ScanState.RUNNING, config.max_attempts
    db.session.commit()
    assert services.recover_stale(config) == []
    stored = db.session.get(Scan, scan.id)
    assert stored.state == ScanState.FAILED and "giving up" in stored.error


def test_a_fresh_heartbeat_is_left_alone(item, people, tmp_path):
    scan = _scan(item, people["erin"], tmp_path)
    scan.state, scan.heartbeat_at = ScanState.RUNNING, utcnow()
    db.session.commit()
    assert services.recover_stale(scan_config()) == []


def test_a_limit_hit_fails_the_scan_with_the_reason(item, people, tmp_path, scan_pool, app):
    many = {f"tinypkg-1.0.0/f{i}.txt": f"file {i}\n" for i in range(60)}
    scan = _scan(item, people["erin"], tmp_path, extra=many)
    app.config["EXTRACT_MAX_FILES"] = 50
    try:
        services.run_scan(scan.id, scan_config(), scan_pool)
    finally:
        app.config["EXTRACT_MAX_FILES"] = 20000
    db.session.refresh(scan)
    assert scan.state == ScanState.FAILED
    assert "50" in scan.error and "limit" in scan.error.lower()
    assert audit.events_for("request", item.id)[-1].action == "scan_failed"


def test_starting_a_scan_needs_a_source_and_the_right_people(item, people, tmp_path):
    config = scan_config()
    with pytest.raises(ValidationFailed):
        services.start_scan(item, people["erin"], config)
    with pytest.raises(ValidationFailed):
        services.start_scan(item, people["erin"], config, source="flask 3")
    with pytest.raises(ValidationFailed):
        services.start_scan(item, people["erin"], config, upload=io.BytesIO(b""),
                            upload_name="empty.tar.gz")
    with pytest.raises(NotAllowed):
        services.start_scan(item, people["otto"], config, source="pkg:pypi/tinypkg@1.0.0")
    scan = services.start_scan(item, people["olga"], config, source="pkg:pypi/tinypkg@1.0.0")
    db.session.commit()
    with pytest.raises(IllegalTransition):
        services.ensure_scannable(item, people["erin"])
    assert scan.source == "pkg:pypi/tinypkg@1.0.0"


def test_findings_filter_by_license_path_and_status(item, people, tmp_path, scan_pool):
    scan = _scan(item, people["erin"], tmp_path)
    services.run_scan(scan.id, scan_config(), scan_pool)

    def paths(**kw):
        return [r.path.split("/", 1)[1] for r in db.session.scalars(
            services.files_query(scan, **kw))]

    assert paths(license_expression="apache-2.0") == ["tinypkg/vendored.py"]
    assert paths(path="DOCS/") == ["docs/copy-of-same.txt", "docs/same.txt"]
    assert paths(status="duplicate") == ["docs/same.txt"]  # the first in path order is scanned
    assert "docs/same.txt" in paths(license_expression="none")


def test_a_file_that_points_at_license_gets_that_license_in_this_scan(item, people, tmp_path,
                                                                      scan_pool):
    text = "# For license information, see the LICENSE file.\nMAIN = True\n"
    # Two identical files: they share one cached result, and both must be resolved.
    pointer = {"tinypkg-1.0.0/tinypkg/cli.py": text, "tinypkg-1.0.0/tinypkg/main.py": text}
    scan = _scan(item, people["erin"], tmp_path, extra=pointer)
    services.run_scan(scan.id, scan_config(), scan_pool)
    files = _files(db.session.get(Scan, scan.id))
    cli, twin = files["tinypkg-1.0.0/tinypkg/cli.py"], files["tinypkg-1.0.0/tinypkg/main.py"]
    assert {cli.status, twin.status} == {"scanned", "duplicate"}
    # scancode's reference following, as its CLI does: the LICENSE file says MIT.
    assert cli.license_expression == twin.license_expression == "mit"
    # The cached per-file result stays what the file alone says.
    cached = db.session.get(FileResult, cli.result_key).results
    assert "unknown-license-reference" in cached["detected_license_expression"]
    # This scan keeps the detections after the reference was followed, naming LICENSE, as
    # `scancode -l` reports them for the file: its page shows what put it under MIT.
    for record in (cli, twin):
        [detection] = record.license_detections
        assert detection["license_expression"] == "mit"
        assert "tinypkg-1.0.0/LICENSE" in detection["from_files"]
    license_file = files["tinypkg-1.0.0/LICENSE"]
    assert license_file.license_detections is None  # unchanged by the following


def test_a_url_into_the_private_network_is_not_fetched(item, people, scan_pool):
    scan = services.start_scan(item, people["erin"], scan_config(),
                               source="http://127.0.0.1:9/internal-admin.tar.gz")
    db.session.commit()
    services.run_scan(scan.id, scan_config(), scan_pool)
    db.session.refresh(scan)
    assert scan.state == ScanState.FAILED
    assert "private network" in scan.error and scan.archive is None


@pytest.fixture
def registry(app, fake_registry, monkeypatch):
    monkeypatch.setitem(app.config, "PYPI_URL", fake_registry.pypi_url)
    return fake_registry


def test_the_fetch_stage_stores_the_archive_and_queues_the_scan_again(item, people, registry):
    scan = services.start_scan(item, people["erin"], scan_config(),
                               source="pkg:pypi/demo-lib@1.1.0")
    db.session.commit()
    assert services.needs_fetch(scan.id)

    assert services.fetch_source(scan.id, scan_config()) is True
    db.session.refresh(scan)
    assert (scan.state, scan.phase, scan.attempts) == (ScanState.QUEUED, "", 0)
    assert scan.archive.filename == "demo_lib-1.1.0.tar.gz"
    assert not services.needs_fetch(scan.id)
    # Not this stage's any more: a second fetch of the same scan does nothing.
    assert services.fetch_source(scan.id, scan_config()) is False
    assert registry.paths_seen().count("/files/demo_lib-1.1.0.tar.gz") == 1


def test_a_failed_fetch_fails_the_scan_with_the_reason(item, people, registry):
    scan = services.start_scan(item, people["erin"], scan_config(),
                               source="pkg:pypi/no-such-package@1.0.0")
    db.session.commit()
    assert services.fetch_source(scan.id, scan_config()) is False
    db.session.refresh(scan)
    assert scan.state == ScanState.FAILED and scan.archive is None
    assert "no-such-package" in scan.error
    assert [e.action for e in audit.events_for("request", item.id)][-1] == "scan_failed"


def test_a_long_fetch_keeps_its_heartbeat(item, people, registry, monkeypatch):
    monkeypatch.setattr(services, "HEARTBEAT_SECONDS", 0.2)
    # 30 bytes, one every 0.1 s: a download of about 3 s that is alive all along.
    registry.misbehave("/files/demo_lib-1.1.0.tar.gz", trickle=0.1, body=b"x" * 30)
    scan = services.start_scan(item, people["erin"], scan_config(),
                               source="pkg:pypi/demo-lib@1.1.0")
    db.session.commit()
    assert services.fetch_source(scan.id, scan_config()) is True
    db.session.refresh(scan)
    assert scan.heartbeat_at - scan.started_at > timedelta(seconds=1)
