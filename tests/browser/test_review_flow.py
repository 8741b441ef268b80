"""The office's review in a real browser: a denied license approved through a waiver, and
the maturity review form with its live weighted score."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_request_flow import sign_in
from tests.license_review.helpers import scanned_request

pytestmark = pytest.mark.browser

HEALTH = [
    {"id": "contributors", "label": "Contributors", "found": True, "polarity": "good",
     "value": 9, "where": [".git"], "detail": "9 authors in the last year"},
    {"id": "security_policy", "label": "Security policy", "found": False, "polarity": "good",
     "value": None, "where": [], "detail": "no SECURITY.md"},
]


def test_a_denied_license_is_approved_only_through_a_waiver(page: Page, screenshot):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    sign_in(page, office.username)
    page.goto(f"/adoption/{item.id}")
    verdict = page.get_by_test_id("license-verdict")
    expect(verdict.get_by_test_id("verdict")).to_have_text("DENY")

    # Approving first is refused, and says why, with the reason kept.
    page.locator(".step-approve summary").click()
    page.locator("#approve-reason").fill("The team bought a commercial license.")
    page.get_by_role("button", name="Confirm: approve").click()
    expect(page.locator(".step-approve .alert-danger")).to_contain_text("only be approved "
                                                                        "with a waiver")
    expect(page.locator("#approve-reason")).to_have_value("The team bought a commercial "
                                                          "license.")
    screenshot("review-01-approve-refused")

    waiver = page.get_by_test_id("waiver-form")
    waiver.locator("summary").click()
    waiver.get_by_label("Reason code").select_option("LICENSE_ACQUIRED_EXCEPTION")
    waiver.get_by_label("Why the office accepts it").fill("Contract 2026-117 covers it.")
    waiver.get_by_label("Expires on").fill((date.today() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Grant waiver").click()
    expect(page.get_by_role("alert").first).to_contain_text("Waiver granted")
    expect(page.get_by_test_id("waivers")).to_contain_text("LICENSE_ACQUIRED_EXCEPTION")

    page.locator(".step-approve summary").click()
    page.locator("#approve-reason").fill("Covered by the waiver.")
    page.get_by_role("button", name="Confirm: approve").click()
    expect(page.get_by_test_id("state")).to_contain_text("Approved")
    expect(page.get_by_test_id("recorded-verdict")).to_contain_text(
        "approved under waiver LICENSE_ACQUIRED_EXCEPTION")
    screenshot("review-02-approved-with-waiver")

    main = page.get_by_role("navigation", name="Main")
    main.get_by_role("button", name="Rules").click()
    main.get_by_role("link", name="Waivers").click()
    expect(page.get_by_test_id("waiver-list")).to_contain_text(item.title)
    screenshot("review-03-waivers")


def test_the_maturity_review_shows_signals_and_a_live_score(page: Page, screenshot):
    item, _, office = scanned_request("mit", health=HEALTH)
    sign_in(page, office.username)
    page.goto(f"/adoption/{item.id}")
    page.get_by_test_id("maturity-card").get_by_role("link", name="Review maturity").click()
    form = page.get_by_test_id("maturity-form")
    expect(form).to_contain_text("9 authors in the last year")
    page.get_by_label("Users and track record: score").select_option("5")
    expect(page.get_by_test_id("live-score")).to_contain_text("Weighted score 5.00")
    expect(page.get_by_test_id("live-score")).to_contain_text("not scored yet")
    for criterion, score in (("Maintenance structure", "4"), ("License", "5"),
                             ("Ease of modification", "3"), ("Security posture", "2")):
        page.get_by_label(f"{criterion}: score").select_option(score)
    page.get_by_label("Security posture: note").fill("No security policy, no fuzzing.")
    expect(page.get_by_test_id("live-score")).to_contain_text("recommended")
    screenshot("review-04-maturity-form")
    page.get_by_role("button", name="Save the review").click()
    card = page.get_by_test_id("maturity-card")
    expect(card.get_by_test_id("recommendation")).to_be_visible()
    expect(card).to_contain_text("No security policy, no fuzzing.")
    screenshot("review-05-maturity-card")


def test_the_office_sees_which_requests_a_policy_change_would_flip(page: Page, screenshot):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    sign_in(page, office.username)
    main = page.get_by_role("navigation", name="Main")
    main.get_by_role("button", name="Rules").click()
    main.get_by_role("link", name="License policy and criteria").click()
    page.get_by_role("link", name="What would a change flip?").click()
    policy = page.get_by_label("Proposed license policy")
    text = policy.input_value()
    policy.fill(text.replace("distributed: deny,   distributed-modified: deny}",
                             "distributed: review, distributed-modified: deny}", 1))
    page.get_by_role("button", name="Show what would change").click()
    result = page.get_by_test_id("diff-result")
    expect(result).to_contain_text("1 of 1 requests would change")
    expect(result).to_contain_text(item.title)
    expect(result).to_contain_text("looser")
    screenshot("review-06-policy-diff")
    # A broken proposal is refused with its line, and what was typed stays.
    policy.fill("version: 2\ncategories: [\n")
    page.get_by_role("button", name="Show what would change").click()
    expect(page.get_by_test_id("policy-error")).to_contain_text("line")
    expect(policy).to_have_value("version: 2\ncategories: [\n")
