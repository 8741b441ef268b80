"""The funding tests' world: an approved inventory of three teams (lodash used by all three and
shipped, requests by one, the company's own library), the office and an engineer."""
from __future__ import annotations

import pytest

from governance.auth.roles import Role
from governance.database import db
from governance.inventory import services as inventory
from governance.scans.models import Scan, ScanState
from governance.states import State
from tests import factories as f
from tests.api.helpers import Api


@pytest.fixture
def inventory_world(rules):
    payments, platform, data = f.team("Payments"), f.team("Platform"), f.team("Data")
    office = f.user(Role.OSS_OFFICE)
    people = {t: f.user(Role.ENGINEER, teams=[t]) for t in (payments, platform, data)}
    console = inventory.save_product(None, None, name="Console", team_id=platform.id,
                                     usage_context="distributed", description="", rules=rules)
    db.session.commit()

    def approved(team, purl, context="internal", product=None):
        return f.request_in(State.APPROVED, people[team], team, office, purl=purl,
                            usage_context=context, product_id=product.id if product else None)

    # lodash: three teams, a product, shipped, two versions
    approved(payments, "pkg:npm/lodash@4.17.21")
    approved(platform, "pkg:npm/lodash@4.17.21", "distributed", console)
    lodash = approved(data, "pkg:npm/lodash@4.17.20", "saas")
    # requests: one team, internal
    approved(payments, "pkg:pypi/requests@2.32.3")
    # the company's own library: left out
    approved(platform, "pkg:npm/%40example-corp/ui@1.0.0", "distributed", console)
    # lodash's latest scan found no security policy and two contributors
    db.session.add(Scan(request=lodash, state=ScanState.SUCCEEDED, summary={"health": [
        {"id": "security_policy", "found": False},
        {"id": "contributors", "found": True, "value": 2},
        {"id": "commit_frequency", "found": True}]}))
    db.session.commit()
    return {"office": office, "engineer": people[payments], "teams": {
        "Payments": payments, "Platform": platform, "Data": data}, "people": people}


@pytest.fixture
def office(client, inventory_world):
    """Two office members: one proposes, the other decides (nobody decides their own)."""
    second = f.user(Role.OSS_OFFICE)
    db.session.commit()
    return {"proposer": Api(client, inventory_world["office"]), "decider": Api(client, second),
            "engineer": Api(client, inventory_world["engineer"]),
            "teams": inventory_world["teams"]}
