"""The issue's flow in a real browser: the office sets the year's budget, allocates an amount
across the top 5 projects of the inventory, drafts them as proposals in one step, edits one
amount and submits it; another office member approves it against the budget, records the
payment, and the budget page shows the money moved from remaining to paid."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from governance.auth.roles import Role
from governance.database import db
from governance.states import State
from tests import factories as f
from tests.browser.test_request_flow import nav, sign_in, sign_out

pytestmark = pytest.mark.browser


def _inventory() -> None:
    teams = [f.team(name) for name in ("Payments", "Platform", "Data")]
    approver = f.user(Role.OSS_OFFICE)
    for team in teams:
        engineer = f.user(teams=[team])
        f.request_in(State.APPROVED, engineer, team, approver, purl="pkg:npm/lodash@4.17.21",
                     usage_context="distributed")
    f.request_in(State.APPROVED, f.user(teams=[teams[0]]), teams[0], approver,
                 purl="pkg:pypi/requests@2.32.3")
    db.session.commit()


def test_the_office_allocates_edits_approves_and_pays(page: Page, screenshot):
    _inventory()
    f.user(Role.OSS_OFFICE, username="olga")
    f.user(Role.OSS_OFFICE, username="oscar")

    # Olga sets this year's budget.
    sign_in(page, "olga")
    nav(page).get_by_role("button", name="Rules").click()
    nav(page).get_by_role("link", name="Funding budget").click()
    expect(page.get_by_test_id("no-budget")).to_be_visible()
    page.get_by_label("Budget", exact=True).fill("20,000")
    page.get_by_role("button", name="Save budget").click()
    expect(page.get_by_test_id("budget-remaining")).to_have_text("20,000.00 USD")

    # She allocates 10,000 across the top 5 and drafts them in one step.
    tabs = page.get_by_label("Funding", exact=True)
    tabs.get_by_role("link", name="Suggestions", exact=True).click()
    page.get_by_label("Allocate (USD)").fill("10000")
    page.get_by_label("across the top").fill("5")
    page.get_by_role("button", name="Allocate", exact=True).click()
    expect(page.get_by_test_id("allocated")).to_contain_text("of 10,000 USD allocated")
    screenshot("60-funding-suggestions")
    page.get_by_test_id("draft-proposals").click()
    expect(page.get_by_role("alert").first).to_contain_text("2 draft proposals made")
    rows = page.get_by_test_id("proposals").locator("tbody tr")
    expect(rows).to_have_count(2)
    screenshot("61-funding-drafts")

    # She edits lodash's amount and submits it.
    page.get_by_test_id("proposals").get_by_role("link", name="Donation: lodash").click()
    expect(page.get_by_test_id("state")).to_contain_text("Draft")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Amount").fill("4,000")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("amount")).to_contain_text("4,000.00 USD")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_test_id("state")).to_contain_text("Submitted")
    proposal_url = page.url
    sign_out(page)

    # Oscar reviews it against the budget, approves and records the payment.
    sign_in(page, "oscar")
    page.goto(proposal_url)
    page.get_by_role("button", name="Start review").click()
    expect(page.get_by_test_id("budget-check")).to_contain_text(
        "20,000.00 USD remain; 16,000.00 USD after this approval")
    page.locator("summary", has_text="Approve…").first.click()
    page.locator("#approve-reason").fill("Three teams ship it; its maintainers need support.")
    screenshot("62-funding-approve")
    page.get_by_role("button", name="Confirm: approve").click()
    expect(page.get_by_test_id("state")).to_contain_text("Approved")
    page.locator("summary", has_text="Record payment…").click()
    page.locator("#record_payment-reference").fill("OC-2026-0001")
    page.locator("#record_payment-paid_on").fill(date.today().isoformat())
    page.get_by_role("button", name="Confirm: record payment").click()
    expect(page.get_by_test_id("state")).to_contain_text("Paid")
    expect(page.get_by_test_id("payment")).to_contain_text("OC-2026-0001")
    screenshot("63-funding-paid")

    # The budget shows it paid.
    page.get_by_test_id("fiscal-year").get_by_role("link").click()
    expect(page.get_by_test_id("budget-paid")).to_have_text("4,000.00 USD")
    expect(page.get_by_test_id("budget-remaining")).to_have_text("16,000.00 USD")
    expect(page.get_by_test_id("by-beneficiary")).to_contain_text("lodash")
    screenshot("64-funding-budget")
