"""Products and usages: what the company uses, by component, license and product."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from governance.adoption import services as adoption
from governance.audit.models import AuditEvent
from governance.auth.roles import Role
from governance.database import db
from governance.errors import NotAllowed, ValidationFailed
from governance.inventory import services as inventory
from governance.states import State
from tests import factories as f
from tests.inventory.conftest import approved


def test_products_are_validated_and_audited(world, rules):
    with pytest.raises(ValidationFailed) as caught:
        inventory.save_product(None, None, name="admin CONSOLE", team_id=999,
                               usage_context="space", description="", rules=rules)
    assert set(caught.value.errors) == {"name", "team", "usage_context"}
    with pytest.raises(NotAllowed):
        inventory.save_product(world["alice"], None, name="Mine", team_id=world["platform"].id,
                               usage_context="saas", description="", rules=rules)
    compliance = f.user(Role.COMPLIANCE)
    product = inventory.save_product(compliance, world["console"], name="Admin console 2",
                                     team_id=world["platform"].id, usage_context="saas",
                                     description="Renamed.", rules=rules)
    db.session.commit()
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "product_updated")).one()
    assert event.before["name"] == "Admin console" and event.after["name"] == "Admin console 2"
    assert product.usage_context == "saas"


def test_a_request_can_only_name_a_product_of_its_team(world, rules):
    data = f.adoption_input(world["platform"], product_id=world["jobs"].id)
    with pytest.raises(ValidationFailed) as caught:
        adoption.create(world["alice"], data, rules)
    assert "product" in caught.value.errors
    item = adoption.create(world["alice"], f.adoption_input(
        world["platform"], product_id=world["console"].id), rules)
    assert item.product is world["console"] and item.snapshot()["product"] == "Admin console"


def test_usages_are_the_approved_unexpired_requests(world, policy):
    w = world
    lodash = approved(w["alice"], w["office"], w["platform"], "pkg:npm/lodash@4.17.21", "mit",
                      product=w["console"])
    approved(w["alice"], w["office"], w["platform"], "pkg:npm/left-pad@1.3.0", "wtfpl",
             state=State.REJECTED)
    approved(w["alice"], w["office"], w["platform"], "pkg:npm/is-odd@3.0.1", "mit",
             state=State.SUBMITTED)
    six = approved(w["bob"], w["office"], w["data"], "pkg:pypi/six@1.16.0", "mit",
                   context="internal", product=w["jobs"],
                   state=State.APPROVED_WITH_CONDITIONS)
    old = approved(w["bob"], w["office"], w["data"], "pkg:pypi/six@1.15.0", "mit",
                   context="internal")
    old.approval_expires_on = date.today() - timedelta(days=1)
    db.session.commit()

    def ids(**filters):
        return [u.request.id for u in inventory.usages(inventory.UsageFilters(**filters),
                                                       policy)]

    assert ids() == [lodash.id, six.id]
    assert ids(product_id=w["console"].id) == [lodash.id]
    assert ids(team_id=w["data"].id) == [six.id]
    assert ids(context="internal") == [six.id]
    assert ids(q="LOD") == [lodash.id]
    items = inventory.usages(inventory.UsageFilters(), policy)
    assert inventory.license_mix(items) == {"licenses": [("MIT", 2)],
                                            "categories": [("Permissive", 2)]}
    assert [(p.name if p else None, len(u)) for p, u in inventory.by_product(items)] == [
        ("Admin console", 1), ("Nightly jobs", 1)]


def test_who_uses_which_version(world, policy):
    w = world
    approved(w["alice"], w["office"], w["platform"], "pkg:npm/lodash@4.17.21", "mit")
    approved(w["bob"], w["office"], w["data"], "pkg:npm/lodash@4.17.20", "mit",
             context="internal")
    approved(w["bob"], w["office"], w["data"], "pkg:npm/lodash@4.17.21", "mit",
             context="internal")
    (entry,) = inventory.by_component(inventory.usages(inventory.UsageFilters(), policy))
    assert entry.name == "lodash"
    assert {v: sorted(u.request.team.name for u in uses)
            for v, uses in entry.versions.items()} == {"4.17.21": ["Data", "Platform"],
                                                       "4.17.20": ["Data"]}


def test_an_unscanned_usage_is_shown_as_such(world, policy):
    w = world
    item = f.request_in(State.APPROVED, w["alice"], w["platform"], w["office"])
    (usage,) = inventory.usages(inventory.UsageFilters(), policy)
    assert usage.request.id == item.id
    assert usage.license == inventory.NO_LICENSE and usage.categories == ["Not scanned"]
