"""Inventory fixtures: products with approved, scanned requests; real tools' SBOMs."""
from __future__ import annotations

import pytest

from governance import policies
from governance.auth.roles import Role
from governance.database import db
from governance.inventory import services as inventory
from governance.scans.models import Scan, ScanState
from governance.states import State
from tests import factories as f
from tests.sbom.conftest import npm_offline  # noqa: F401 - a session fixture used here too


def approved(engineer, office, team, purl, declared, *, context="distributed", product=None,
             state=State.APPROVED, holders=("Jon Schlinkert",), sha256="a" * 64):
    """An adoption request for `purl` with a finished scan declaring `declared`, decided."""
    item = f.request_in(State.SUBMITTED, engineer, team, usage_context=context, purl=purl,
                        product_id=product.id if product else None)
    db.session.add(Scan(request=item, state=ScanState.SUCCEEDED, source=purl, summary={
        "declared_license_expression": declared, "detected": [],
        "holders": [{"holder": h, "files": 1} for h in holders]}))
    if state != State.SUBMITTED:
        f.review_and_decide(item, office, state)
    db.session.commit()
    return item


@pytest.fixture
def world(rules):
    """Platform ships the Admin console; Data runs an internal job; two engineers, office."""
    platform, data = f.team("Platform"), f.team("Data")
    alice = f.user(Role.ENGINEER, teams=[platform], username="alice")
    bob = f.user(Role.ENGINEER, teams=[data], username="bob")
    office = f.user(Role.OSS_OFFICE, username="olivia")
    console = inventory.save_product(None, None, name="Admin console", team_id=platform.id,
                                     usage_context="distributed", description="", rules=rules)
    jobs = inventory.save_product(None, None, name="Nightly jobs", team_id=data.id,
                                  usage_context="internal", description="", rules=rules)
    db.session.commit()
    return {"platform": platform, "data": data, "alice": alice, "bob": bob,
            "office": office, "console": console, "jobs": jobs}


@pytest.fixture
def policy(app):
    return policies.loaded(app).license_policy
