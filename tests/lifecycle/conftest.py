"""The lifecycle tests' people: two teams, an engineer in each, the office; and a way to
bring a package version to approval with a real scan of what the (local) registry serves."""
from __future__ import annotations

import pytest

from governance.auth.roles import Role
from governance.database import db
from governance.scans import services as scans
from governance.scans.queue import scan_config
from governance.states import State
from tests import factories as f


@pytest.fixture
def people():
    payments, platform = f.team("Payments"), f.team("Platform")
    return {"payments": payments, "platform": platform,
            "office": f.user(Role.OSS_OFFICE),
            "erin": f.user(Role.ENGINEER, teams=[payments]),
            "pat": f.user(Role.ENGINEER, teams=[platform])}


@pytest.fixture
def registry(app, fake_registry, monkeypatch):
    monkeypatch.setitem(app.config, "PYPI_URL", fake_registry.pypi_url)
    return fake_registry


def run_queued(pool, request) -> None:
    """Run the request's queued scan as the job would (commits)."""
    scan = scans.latest_scan(request)
    assert scan is not None and scan.state.value == "queued"
    scans.run_scan(scan.id, scan_config(), pool)
    db.session.expire_all()


@pytest.fixture
def approved_scanned(people, registry, scan_pool):
    """approved_scanned(purl, team=..., person=...): an adoption request approved by the office
    after a real scan of the registry's archive."""
    def make(purl, team=None, person=None, **overrides):
        person = person or people["erin"]
        item = f.request_in(State.SUBMITTED, person, team or people["payments"], purl=purl,
                            **overrides)
        scans.start_scan(item, person, scan_config(), source=purl)
        db.session.commit()
        run_queued(scan_pool, item)
        f.review_and_decide(item, people["office"], State.APPROVED)
        db.session.commit()
        return item
    return make


@pytest.fixture(autouse=True)
def queued_scans(app, monkeypatch):
    """The scans the entry points hand to the job backend, kept here instead: these tests run
    them by hand (run_queued), or not at all."""
    from governance.scans import queue

    asked: list[int] = []
    monkeypatch.setitem(app.extensions, queue.EXTENSION, asked.append)
    return asked
