"""Scans over the API: start one, follow it, read its findings."""
from __future__ import annotations

import io

import pytest

from governance.auth import services as auth
from governance.auth.roles import Role
from governance.database import db
from governance.scans.models import ScanState
from governance.states import State
from tests import factories as f
from tests.api.helpers import assert_error
from tests.jobs.helpers import wait_for_scan
from tests.scans.archives import tar_gz, tiny_package_files


@pytest.fixture
def setup():
    team = f.team("Payments")
    erin = f.user(Role.ENGINEER, teams=[team])
    otto = f.user(Role.ENGINEER, teams=[f.team("Data")])
    item = f.request_in(State.SUBMITTED, erin, team)
    draft = f.request_in(State.DRAFT, erin, team)
    tokens = {name: {"Authorization": f"Bearer {auth.create_token(user, 'ci')[1]}"}
              for name, user in (("erin", erin), ("otto", otto))}
    db.session.commit()
    return item, draft, tokens


def test_a_scan_started_over_the_api_runs_and_reports(client, setup, tmp_path, embedded):
    item, _, tokens = setup
    archive = tar_gz(tmp_path / "tinypkg-1.0.0.tar.gz", tiny_package_files())
    response = client.post(f"/api/v1/requests/{item.id}/scans", headers=tokens["erin"],
                           data={"archive": (io.BytesIO(archive.read_bytes()), archive.name)},
                           content_type="multipart/form-data")
    assert response.status_code == 202, response.get_json()
    started = response.get_json()
    assert started["state"] in ("queued", "running") and started["request_id"] == item.id
    again = client.post(f"/api/v1/requests/{item.id}/scans", headers=tokens["erin"],
                        json={"source": "pkg:pypi/tinypkg@1.0.0"})
    assert_error(again, 409)  # one scan at a time per request

    wait_for_scan(started["id"], lambda s: s.state == ScanState.SUCCEEDED, timeout=90)
    scan = client.get(f"/api/v1/scans/{started['id']}", headers=tokens["erin"]).get_json()
    assert scan["summary"]["declared_license_expression_spdx"] == "MIT"
    assert scan["files_done"] == scan["files_total"] == 6
    files = client.get(f"/api/v1/scans/{started['id']}/files?license=apache-2.0",
                       headers=tokens["erin"]).get_json()
    assert [x["path"] for x in files["items"]] == ["tinypkg-1.0.0/tinypkg/vendored.py"]
    assert files["items"][0]["holders"] == ["Acme Corp."]


def test_starting_a_scan_is_checked_before_anything_is_queued(client, setup):
    item, draft, tokens = setup
    assert_error(client.post(f"/api/v1/requests/{item.id}/scans", headers=tokens["erin"],
                             json={}), 422, "source")
    assert_error(client.post(f"/api/v1/requests/{item.id}/scans", headers=tokens["erin"],
                             json={"source": "ftp://example.com/x.tar.gz"}), 422, "source")
    assert_error(client.post(f"/api/v1/requests/{item.id}/scans", headers=tokens["otto"],
                             json={"source": "pkg:pypi/x@1.0"}), 403)
    assert_error(client.post(f"/api/v1/requests/{draft.id}/scans", headers=tokens["otto"],
                             json={"source": "pkg:pypi/x@1.0"}), 404)
    assert item.scans == []


def test_scans_of_hidden_drafts_stay_hidden(client, setup, tmp_path):
    from governance.scans import services
    from governance.scans.queue import scan_config

    _, draft, tokens = setup
    scan = services.start_scan(draft, draft.requester, scan_config(),
                               source="pkg:pypi/tinypkg@1.0.0")
    db.session.commit()
    assert client.get(f"/api/v1/scans/{scan.id}", headers=tokens["erin"]).status_code == 200
    assert_error(client.get(f"/api/v1/scans/{scan.id}", headers=tokens["otto"]), 404)
    assert_error(client.get(f"/api/v1/scans/{scan.id}/files", headers=tokens["otto"]), 404)
