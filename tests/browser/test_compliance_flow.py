"""Compliance in a real browser: the inventory with its chart, a product's export downloaded
and checked back as its SBOM, and unknown components drafted as requests."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from governance.auth.roles import Role
from governance.database import db
from governance.inventory import services as inventory
from tests import factories as f
from tests.browser.test_request_flow import sign_in, sign_out
from tests.inventory.conftest import approved

pytestmark = pytest.mark.browser


def test_compliance_exports_a_product_and_checks_its_sbom(page: Page, screenshot, rules,
                                                          tmp_path):
    platform = f.team("Platform")
    alice = f.user(Role.ENGINEER, teams=[platform], username="alice")
    office = f.user(Role.OSS_OFFICE, username="olivia")
    f.user(Role.COMPLIANCE, username="carol")
    console = inventory.save_product(None, None, name="Admin console", team_id=platform.id,
                                     usage_context="distributed-modified", description="",
                                     rules=rules)
    db.session.commit()
    for purl, declared in (("pkg:npm/lodash@4.17.21", "mit"),
                           ("pkg:npm/is-number@7.0.0", "mit"),
                           ("pkg:pypi/chardet@4.0.0", "lgpl-2.1")):
        approved(alice, office, platform, purl, declared, context="distributed-modified",
                 product=console)

    sign_in(page, "carol")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inventory").click()
    expect(page.get_by_test_id("by-component")).to_contain_text("lodash")
    expect(page.get_by_test_id("chart-by-category")).to_contain_text("Copyleft")
    screenshot("compliance-01-inventory")

    page.goto(f"/products/{console.id}")
    with page.expect_download() as download:
        page.get_by_role("link", name="CycloneDX 1.6 (JSON)").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    bom = json.loads(exported.read_text())
    # One more component than the office knows: the check must call it unknown.
    bom["components"].append({"type": "library", "name": "left-pad", "version": "1.3.0",
                              "purl": "pkg:npm/left-pad@1.3.0", "bom-ref": "left-pad",
                              "licenses": [{"license": {"id": "WTFPL"}}]})
    exported.write_text(json.dumps(bom))
    page.get_by_label("SBOM file").set_input_files(str(exported))
    page.get_by_role("button", name="Check").click()
    counts = page.get_by_test_id("status-counts")
    expect(counts).to_contain_text("Approved 3")
    expect(counts).to_contain_text("Unknown 1")
    screenshot("compliance-02-sbom-check")
    check_url = page.url
    sign_out(page)

    sign_in(page, "alice")
    page.goto(check_url + "?status=unknown")
    page.get_by_label("Request left-pad 1.3.0").check()
    page.get_by_role("button", name="Create draft requests").click()
    expect(page.get_by_role("alert").first).to_contain_text("1 draft request(s) created")
    expect(page.locator("main")).to_contain_text("left-pad")
    screenshot("compliance-03-drafts")
