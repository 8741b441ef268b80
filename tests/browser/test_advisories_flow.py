"""Security advisories in a real browser: the office uploads real OSV records, sees the
findings on exactly the affected inventory versions, opens the affected request (flagged),
marks a finding not affected with a justification and an end date, and sees it leave the
open findings."""
from __future__ import annotations

import zipfile
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from governance.auth.roles import Role
from governance.states import State
from tests import factories as f
from tests.advisories.conftest import RECORDS
from tests.browser.test_request_flow import nav, sign_in

pytestmark = pytest.mark.browser


def test_the_office_imports_advisories_and_triages_a_finding(page: Page, screenshot, tmp_path):
    payments = f.team("Payments")
    erin = f.user(teams=[payments], username="erin")
    f.user(Role.OSS_OFFICE, username="olga")
    approver = f.user(Role.OSS_OFFICE)
    affected = f.request_in(State.APPROVED, erin, payments, approver,
                            purl="pkg:pypi/requests@2.30.0")
    f.request_in(State.APPROVED, erin, payments, approver, purl="pkg:pypi/requests@2.32.3")
    bundle = tmp_path / "all.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for path in RECORDS.glob("*.json"):
            archive.write(path, path.name)

    sign_in(page, "olga")
    nav(page).get_by_role("button", name="Rules").click()
    nav(page).get_by_role("link", name="Security findings").click()
    expect(page.get_by_text("No open security findings.")).to_be_visible()
    page.get_by_label("OSV records", exact=True).set_input_files(bundle)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert").first).to_contain_text("2 record(s) read: 2 new")
    rows = page.get_by_test_id("findings").locator("tbody tr")
    expect(rows).to_have_count(1)  # requests 2.30.0; 2.32.3 is not affected
    expect(rows.first).to_contain_text("pkg:pypi/requests@2.30.0")
    expect(rows.first).to_contain_text("2.31.0")
    screenshot("70-security-findings")

    page.goto(f"/requests/{affected.id}")
    card = page.get_by_test_id("security-findings")
    expect(card).to_contain_text("PYSEC-2023-74")
    expect(card).to_contain_text("1 open")
    card.get_by_role("link", name="PYSEC-2023-74").click()
    page.get_by_label("Analysis").select_option("not_affected")
    page.get_by_label("Justification").fill("We never send requests through a proxy.")
    page.get_by_label("Not affected until").fill(
        (date.today() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Save analysis").click()
    expect(page.get_by_role("alert").first).to_contain_text("Analysis saved: Not affected")
    expect(page.get_by_test_id("finding-justification")).to_contain_text("through a proxy")
    screenshot("71-finding-not-affected")
    page.get_by_label("breadcrumb").get_by_role("link", name="Security findings").click()
    expect(page.get_by_text("No open security findings.")).to_be_visible()
