"""The office concludes a license in a real browser: typing_extensions, whose detections
disagree with its declared PSF-2.0, concluded PSF-2.0 for "license history text"; then the
history detection marked as not applying, and a refused conclusion that keeps what was typed."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from governance.database import db
from governance.license_review import clearing
from governance.workflow import services as workflow
from tests import factories as f
from tests.browser.test_request_flow import sign_in
from tests.license_review.helpers import request_with_summary
from tests.license_review.test_clearing import HISTORY, TYPING_EXTENSIONS

pytestmark = pytest.mark.browser


def test_the_office_concludes_a_license_with_a_reason(page: Page, screenshot):
    item, office = request_with_summary(TYPING_EXTENSIONS)

    sign_in(page, office.username)
    page.goto(f"/adoption/{item.id}")
    card = page.get_by_test_id("license-verdict")
    expect(card.get_by_test_id("verdict")).to_have_text("REVIEW")
    expect(card.get_by_test_id("raised")).to_contain_text("GPL-1.0-or-later")
    expect(card.get_by_test_id("declared")).to_contain_text("PSF-2.0")
    expect(card.get_by_test_id("detections")).to_contain_text("finding")
    screenshot("clearing-01-findings")

    form = card.get_by_test_id("conclusion-form")
    expect(form.get_by_label("Concluded license")).to_have_value("PSF-2.0")  # the declared
    form.get_by_label("Reason code").select_option("license-history-text")
    form.get_by_role("button", name="Conclude").click()
    # No reason: refused, the field says so, the rest of what was typed stays.
    expect(page.get_by_role("alert").first).to_contain_text("please correct the marked fields")
    form = page.get_by_test_id("conclusion-form")
    expect(form.get_by_label("Reason code")).to_have_value("license-history-text")
    form.get_by_label("Why").fill("LICENSE tells the history of the Python license; "
                                  "the package is PSF-2.0.")
    form.get_by_role("button", name="Conclude").click()
    expect(page.get_by_role("alert").first).to_contain_text("License concluded")
    card = page.get_by_test_id("license-verdict")
    expect(card.get_by_test_id("verdict")).to_have_text("ALLOW")
    expect(card.get_by_test_id("concluded")).to_contain_text("PSF-2.0")
    expect(card.get_by_test_id("concluded")).to_contain_text("License history text")
    expect(card.get_by_test_id("concluded")).to_contain_text(office.display_name)
    screenshot("clearing-02-concluded")

    # The history stays a finding until it is marked as not applying.
    detection = card.get_by_test_id("detection").filter(has_text=HISTORY)
    detection.get_by_text("mark as not applying…").click()
    detection.get_by_label("Reason code").select_option("license-history-text")
    detection.get_by_label("Why it does not apply").fill("The Python license's history.")
    detection.get_by_role("button", name="Mark as not applying").click()
    expect(page.get_by_role("alert").first).to_contain_text("marked as not applying")
    expect(page.get_by_test_id("dismissals")).to_contain_text(HISTORY)
    screenshot("clearing-03-dismissed")


def test_the_office_sees_an_approval_whose_verdict_got_worse_and_withdraws_a_conclusion(
        page: Page, screenshot):
    item, office = request_with_summary(TYPING_EXTENSIONS)
    clearing.conclude(item.component, office, clearing.ConclusionInput(
        "PSF-2.0", "license-history-text", "The Python license's history."))
    f.maturity_review(item, office)
    workflow.transition(item, office, "approve", reason="PSF-2.0 as concluded.")
    db.session.commit()

    sign_in(page, office.username)
    page.goto(f"/adoption/{item.id}")
    expect(page.get_by_test_id("still-holds")).to_be_visible()
    form = page.get_by_test_id("withdraw-form")
    page.get_by_test_id("conclusion-form").locator("summary").click()
    form.get_by_label("Withdraw it (back to the declared license), because…").fill(
        "Concluded on the wrong version.")
    form.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("alert").first).to_contain_text("Conclusion withdrawn")
    current = page.get_by_test_id("current-verdict")
    expect(current).to_contain_text("The verdict got worse since the decision.")
    expect(current.get_by_test_id("verdict-today")).to_have_text("REVIEW")
    expect(page.get_by_test_id("recorded-verdict")).to_be_visible()
    screenshot("clearing-04-worse")

    main = page.get_by_role("navigation", name="Main")
    main.get_by_role("button", name="Rules").click()
    main.get_by_role("link", name="Verdicts that changed").click()
    row = page.get_by_test_id("changed-row").filter(has_text=item.title)
    expect(row).to_contain_text("worse")
    expect(row).to_contain_text("license clearing changed")
    screenshot("clearing-05-changed-list")
