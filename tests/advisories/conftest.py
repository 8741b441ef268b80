"""The advisories tests' world: an approved inventory with versions the real records affect
and versions they do not, in two teams and a product; the office and an engineer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from governance.auth.roles import Role
from governance.database import db
from governance.inventory import services as inventory
from governance.states import State
from tests import factories as f

RECORDS = Path(__file__).parent / "records"


def record(name: str) -> dict:
    return json.loads((RECORDS / f"{name}.json").read_text())


@pytest.fixture
def world(rules):
    payments, platform = f.team("Payments"), f.team("Platform")
    office = f.user(Role.OSS_OFFICE)
    engineer = f.user(Role.ENGINEER, teams=[payments])
    web = f.user(Role.ENGINEER, teams=[platform])
    console = inventory.save_product(None, None, name="Console", team_id=platform.id,
                                     usage_context="distributed", description="", rules=rules)
    db.session.commit()

    def approved(person, team, purl, product=None):
        return f.request_in(State.APPROVED, person, team, office, purl=purl,
                            product_id=product.id if product else None)

    requests = {
        "requests 2.30.0": approved(engineer, payments, "pkg:pypi/requests@2.30.0"),
        "requests 2.32.3": approved(engineer, payments, "pkg:pypi/requests@2.32.3"),
        "traverse 7.23.1": approved(web, platform, "pkg:npm/%40babel/traverse@7.23.1",
                                    console),
        "traverse 8.0.0-alpha.4": approved(web, platform,
                                           "pkg:npm/%40babel/traverse@8.0.0-alpha.4"),
        "babel-traverse 6.26.0": approved(web, platform, "pkg:npm/babel-traverse@6.26.0"),
    }
    # Asked for, never approved: not in the inventory, never matched.
    requests["requests 2.29.0 (submitted)"] = f.request_in(
        State.SUBMITTED, engineer, payments, purl="pkg:pypi/requests@2.29.0")
    return {"office": office, "engineer": engineer, "requests": requests}
