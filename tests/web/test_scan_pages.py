"""The scan card on a request page, and the findings pages, as an engineer uses them."""
from __future__ import annotations

import io

from sqlalchemy import select

from governance.auth.roles import Role
from governance.database import db
from governance.scans.models import Scan, ScanFile, ScanState
from governance.states import State
from tests import factories as f
from tests.jobs.helpers import wait_for_scan
from tests.scans.archives import tar_gz, tiny_package_files


def test_upload_follow_and_read_the_findings(client, tmp_path, embedded):
    team = f.team("Payments")
    erin = f.user(Role.ENGINEER, teams=[team], username="erin")
    item = f.request_in(State.SUBMITTED, erin, team)
    f.login(client, "erin")
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "Not scanned yet" in page and item.component.purl in page  # the purl is offered

    archive = tar_gz(tmp_path / "tinypkg-1.0.0.tar.gz", tiny_package_files(extra={
        "tinypkg-1.0.0/tinypkg/cli.py":
            "# For license information, see the LICENSE file.\nMAIN = 1\n"}))
    response = client.post(f"/requests/{item.id}/scans", data={
        "archive": (io.BytesIO(archive.read_bytes()), archive.name), "source": ""},
        content_type="multipart/form-data")
    assert response.status_code == 302
    scan = db.session.scalar(select(Scan).where(Scan.request_id == item.id))
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "data-scan-status-url" in page or "data-testid=\"scan-summary\"" in page
    status = client.get(f"/scans/{scan.id}/status").get_json()
    assert status["state"] in ("queued", "running", "succeeded")

    wait_for_scan(scan.id, lambda s: s.state == ScanState.SUCCEEDED, timeout=90)
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert 'data-testid="scan-summary"' in page and "Apache-2.0" in page
    # The policy's verdict for the request's context (internal) follows from the scan.
    assert 'data-testid="license-verdict"' in page and ">ALLOW</span>" in page
    other = f.request_in(State.SUBMITTED, erin, team)
    compare = client.get(f"/adoption/compare?ids={item.id}&ids={other.id}").get_data(
        as_text=True)
    assert ">ALLOW</span> <code>MIT</code>" in compare and "not scanned yet" in compare
    findings = client.get(f"/scans/{scan.id}").get_data(as_text=True)
    assert "Jane Doe" in findings and "Acme Corp." in findings and "100 / 100" in findings
    assert 'data-testid="health-signals"' in findings and "License file" in findings
    files = client.get(f"/scans/{scan.id}/files?license=apache-2.0").get_data(as_text=True)
    assert "tinypkg/vendored.py" in files and "tinypkg/__init__.py" not in files
    vendored = db.session.scalar(select(ScanFile).where(ScanFile.path.like("%vendored.py")))
    detail = client.get(f"/scans/{scan.id}/files/{vendored.id}").get_data(as_text=True)
    assert "Licensed under the Apache License, Version 2.0" in detail  # the matched text
    assert "Copyright 2019 Acme Corp." in detail
    # A file listed under MIT only because it points at LICENSE says so on its own page.
    history = db.session.scalar(select(ScanFile).where(ScanFile.path.like("%tinypkg/cli.py")))
    assert history.license_expression_spdx == "MIT"
    listed = client.get(f"/scans/{scan.id}/files?license=MIT").get_data(as_text=True)
    assert "tinypkg/cli.py" in listed
    page = client.get(f"/scans/{scan.id}/files/{history.id}").get_data(as_text=True)
    assert 'data-testid="listed-under"' in page and "<code>MIT</code>" in page
    assert "followed from a reference in this file" in page
    assert "tinypkg-1.0.0/LICENSE" in page
    manifest = client.get(f"/scans/{scan.id}").get_data(as_text=True)
    assert "Manifest <code>tinypkg-1.0.0/PKG-INFO</code>" in manifest
    assert "None declares" not in manifest


def test_a_scan_form_without_a_source_says_what_is_missing(client):
    team = f.team("Payments")
    erin = f.user(Role.ENGINEER, teams=[team], username="erin")
    item = f.request_in(State.SUBMITTED, erin, team)
    f.login(client, "erin")
    page = client.post(f"/requests/{item.id}/scans", data={"source": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "Upload an archive or give a package URL" in page
    assert item.scans == []


def test_errors_and_skipped_files_are_listed_with_the_findings(client):
    from governance.scans.models import Scan, ScanFile, ScanState

    team = f.team("Payments")
    erin = f.user(Role.ENGINEER, teams=[team], username="erin")
    item = f.request_in(State.SUBMITTED, erin, team)
    scan = Scan(request=item, state=ScanState.SUCCEEDED,
                summary={"files": 3, "detected": [], "holders": [], "errors": 1, "skipped": 1})
    db.session.add(scan)
    db.session.flush()
    db.session.add_all([
        ScanFile(scan_id=scan.id, path="pkg/big.min.js", status="skipped",
                 reason="minified or generated file"),
        ScanFile(scan_id=scan.id, path="pkg/weird.c", status="timeout",
                 errors=["stopped after 510 s: the scanner did not finish, worker killed"]),
        ScanFile(scan_id=scan.id, path="pkg/fine.py", status="scanned"),
    ])
    db.session.commit()
    f.login(client, "erin")
    page = client.get(f"/scans/{scan.id}").get_data(as_text=True)
    assert 'data-testid="scan-problems"' in page
    assert "pkg/big.min.js" in page and "minified or generated file" in page
    assert "pkg/weird.c" in page and "worker killed" in page
    assert "pkg/fine.py" not in page
