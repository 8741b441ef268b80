"""The inventory, product and SBOM check pages."""
from __future__ import annotations

import io
import json

from sqlalchemy import select

from governance.adoption.models import AdoptionRequest
from governance.auth.roles import Role
from governance.components.models import Product
from governance.database import db
from governance.states import State
from tests import factories as f
from tests.inventory.conftest import approved


def test_the_inventory_by_component_license_and_product_with_its_chart(client, world):
    w = world
    approved(w["alice"], w["office"], w["platform"], "pkg:npm/lodash@4.17.21", "mit",
             product=w["console"])
    approved(w["bob"], w["office"], w["data"], "pkg:pypi/pyqt5@5.15.10", "gpl-3.0",
             context="internal", product=w["jobs"])
    f.login(client, "bob")
    page = client.get("/inventory/").get_data(as_text=True)
    assert "lodash" in page and "pyqt5" in page
    assert 'aria-label="By category: Permissive 1, Copyleft 1"' in page
    licenses = client.get("/inventory/?view=licenses").get_data(as_text=True)
    assert "<code>GPL-3.0-only</code>" in licenses
    products = client.get("/inventory/?view=products").get_data(as_text=True)
    assert "Admin console" in products and "Nightly jobs" in products
    copyleft = client.get("/inventory/?category=Copyleft").get_data(as_text=True)
    assert "pyqt5" in copyleft and "lodash" not in copyleft
    none = client.get("/inventory/?q=nothing-like-it&view=bogus").get_data(as_text=True)
    assert "No usage matches these filters." in none
    scoped = client.get(f"/inventory/?team={w['data'].id}").get_data(as_text=True)
    assert 'value="team:Data"' in scoped  # the export button exports what is shown


def test_compliance_manages_products_and_engineers_cannot(client, world):
    f.user(Role.COMPLIANCE, username="carol")
    f.login(client, "alice")
    assert client.get("/products/new").status_code == 403
    client.post("/logout")
    f.login(client, "carol")
    refused = client.post("/products/new", data={"name": "", "team": "0",
                                                 "usage_context": "saas"})
    assert refused.status_code == 200 and "Give the product a name." in refused.get_data(
        as_text=True)
    created = client.post("/products/new", data={
        "name": "Checkout", "team": str(world["platform"].id), "usage_context": "saas",
        "description": "Card checkout."})
    assert created.status_code == 302
    product = db.session.scalars(select(Product).where(Product.name == "Checkout")).one()
    page = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert "Card checkout." in page and "SPDX 2.3 (JSON)" in page
    assert "Checkout" in client.get("/products/").get_data(as_text=True)


def test_an_engineer_checks_the_products_sbom_and_drafts_the_unknown(client, world,
                                                                     npm_offline):
    w = world
    w["console"].usage_context = "distributed-modified"
    db.session.commit()
    f.login(client, "alice")
    response = client.post(f"/products/{w['console'].id}/sboms", data={
        "sbom": (io.BytesIO(npm_offline["cyclonedx"]), "bom.cdx.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "is-number" in page and "Unknown" in page
    assert "Create draft requests" in page
    unknown = client.get(response.location + "?status=unknown&q=is-num").get_data(as_text=True)
    assert "is-number" in unknown and "jsonparse" not in unknown
    drafted = client.post(response.location + "/drafts", data={"components": ["0", "1"]})
    assert drafted.status_code == 302
    drafts = db.session.scalars(select(AdoptionRequest).where(
        AdoptionRequest.state == State.DRAFT)).all()
    assert len(drafts) == 2 and all(d.product_id == w["console"].id for d in drafts)


def test_a_broken_sbom_upload_says_why(client, world):
    f.login(client, "alice")
    response = client.post(f"/products/{world['console'].id}/sboms", data={
        "sbom": (io.BytesIO(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><bom/>"),
                 "evil.xml")}, content_type="multipart/form-data", follow_redirects=True)
    assert "This SBOM could not be read" in response.get_data(as_text=True)


def test_another_team_cannot_check_or_draft_for_the_product(client, world, npm_offline):
    f.login(client, "bob")
    response = client.post(f"/products/{world['console'].id}/sboms", data={
        "sbom": (io.BytesIO(npm_offline["spdx"]), "bom.spdx.json")},
        content_type="multipart/form-data")
    assert response.status_code == 403


def test_long_sbom_checks_and_inventories_are_paged(client, world, policy):
    from governance.inventory import checks

    components = [{"type": "library", "name": f"pkg-{i:03d}", "version": "1.0.0",
                   "purl": f"pkg:npm/pkg-{i:03d}@1.0.0",
                   "licenses": [{"license": {"id": "MIT"}}]} for i in range(150)]
    data = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "components": components}).encode()
    record = checks.import_sbom(world["console"], world["alice"], "big.json", data, policy,
                                1024 * 1024)
    db.session.commit()
    f.login(client, "alice")
    first = client.get(f"/sbom-imports/{record.id}").get_data(as_text=True)
    assert "pkg-000" in first and "pkg-099" in first and "pkg-100" not in first
    assert f"/sbom-imports/{record.id}?page=2" in first
    second = client.get(f"/sbom-imports/{record.id}?page=2").get_data(as_text=True)
    assert "pkg-100" in second and "pkg-149" in second and "pkg-099" not in second
    beyond = client.get(f"/sbom-imports/{record.id}?page=99").get_data(as_text=True)
    assert "pkg-1" not in beyond and "No component matches" in beyond


def test_the_sbom_check_says_pass_or_fail_and_shows_a_denied_license_in_red(client, world,
                                                                          policy):
    from governance.inventory import checks

    def check(components):
        data = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                           "components": components}).encode()
        record = checks.import_sbom(world["console"], world["alice"], "bom.json", data, policy,
                                    1024 * 1024)
        db.session.commit()
        return client.get(f"/sbom-imports/{record.id}").get_data(as_text=True)

    f.login(client, "alice")
    mit = {"type": "library", "name": "tiny", "version": "1.0.0", "purl": "pkg:npm/tiny@1.0.0",
           "licenses": [{"license": {"id": "MIT"}}]}
    gpl = {"type": "library", "name": "readline", "version": "8.2",
           "purl": "pkg:generic/readline@8.2", "licenses": [{"license": {"id": "GPL-3.0-only"}}]}
    bare = {"type": "library", "name": "mystery", "version": "0.1",
            "purl": "pkg:npm/mystery@0.1"}
    passing = check([mit])
    assert "<strong>Passes</strong>" in passing and "data-testid=\"denied-unknown\"" not in passing
    failing = check([mit, gpl, bare])
    assert "<strong>Fails</strong>" in failing and "2 of 3 components" in failing
    assert "2 unknown, 1 of them denied by the policy" in failing
    assert "readline 8.2: unknown" in failing and "mystery 0.1: unknown" in failing
    # The denied one reads red, the one with no license stays neutral.
    assert failing.count('data-testid="denied-unknown"') == 1
