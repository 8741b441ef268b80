"""The product's core workflow in a real browser: an engineer requests a package, the OSS
office reviews and approves it with conditions, the engineer sees the decision.

Locators are accessible ones (roles, labels) on purpose: a field that cannot be found by its
label is a field a screen reader user cannot use either.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories as f

pytestmark = pytest.mark.browser

JUSTIFICATION = "Our checkout service needs a small web framework for its admin endpoints."
REASON = "BSD-3-Clause, mature and widely used; fine for a SaaS service."
CONDITIONS = "Keep the license notice in the service's third-party notices page."


def nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("whoami")).to_contain_text(username)
    # Menus open only once Bootstrap's script has run: on a busy machine a click can come
    # before it, and the dropdown never opens.
    page.wait_for_load_state("load")


def sign_out(page: Page) -> None:
    nav(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("You are signed out.")


def test_engineer_request_is_approved_with_conditions(page: Page, screenshot):
    payments = f.team("Payments")
    f.user(teams=[payments], username="erin")
    f.user("oss_office", username="olga")

    # Erin fills in and submits a request.
    sign_in(page, "erin")
    nav(page).get_by_role("link", name="New request").click()
    expect(page.get_by_role("heading", name="Request a package")).to_be_visible()
    page.get_by_label("Package URL (purl)").fill("pkg:pypi/flask@3.1.3")
    # Her only team is chosen for her.
    expect(page.get_by_label("Requesting team")).to_have_value(str(payments.id))
    page.get_by_role("radio", name="SaaS service").check()
    page.get_by_label("How is it linked or embedded?").select_option(
        label="Dynamically linked / imported as a library")
    page.get_by_label("Justification").fill(JUSTIFICATION)
    page.get_by_label("Who else runs this in production, and for how long?").fill(
        "Pinterest and LinkedIn; widely used for over ten years.")
    page.get_by_label("Who maintains it, and how active is it?").fill(
        "The Pallets team; releases every few months.")
    page.get_by_label("Could we patch it ourselves if we had to?").select_option(label="Yes")
    page.get_by_label("Will it process customer data?").select_option(
        label="Yes, non-personal data")
    screenshot("01-form")
    page.get_by_role("button", name="Submit to the OSS office").click()

    expect(page.get_by_role("alert")).to_contain_text("Request submitted to the OSS office.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("flask")
    expect(page.get_by_test_id("state")).to_have_text("Submitted")
    request_url = page.url
    screenshot("02-submitted")
    sign_out(page)

    # Olga picks it from the queue, reviews it and approves it with conditions.
    sign_in(page, "olga")
    nav(page).get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="erin")
    expect(row).to_contain_text("Payments")
    expect(row).to_contain_text("Submitted")
    screenshot("03-queue")
    row.get_by_role("link", name=re.compile("flask")).click()
    expect(page).to_have_url(request_url)
    page.get_by_role("button", name="Start review").click()
    expect(page.get_by_test_id("state")).to_have_text("In review")

    # A <details> disclosure: its <summary> has no ARIA role Playwright can query.
    step = page.locator("details", has=page.get_by_text("Approve with conditions…"))
    step.get_by_text("Approve with conditions…").click()
    step.get_by_label("Reason").fill(REASON)
    step.get_by_label("Conditions").fill(CONDITIONS)
    # Not scanned: nothing is approved blind unless the office says why.
    expect(step.get_by_test_id("no-verdict-warning")).to_be_visible()
    step.get_by_role("button", name="Confirm: approve with conditions").click()
    expect(page.get_by_role("alert")).to_contain_text("please correct the marked fields")
    step = page.locator("details", has=page.get_by_text("Approve with conditions…"))
    expect(step.get_by_label("Conditions")).to_have_value(CONDITIONS)  # nothing typed is lost
    step.get_by_label("Approve without a license verdict, because…").fill(
        "The source is on an internal mirror the scanner cannot reach.")
    step.get_by_role("button", name="Confirm: approve with conditions").click()
    expect(page.get_by_role("alert")).to_contain_text("Approve with conditions: done.")
    expect(page.get_by_test_id("without-scan")).to_contain_text("internal mirror")
    expect(page.get_by_test_id("state")).to_have_text("Approved with conditions")
    screenshot("04-decided")
    sign_out(page)

    # Erin finds the decision among her requests.
    sign_in(page, "erin")
    nav(page).get_by_role("link", name="My requests").click()
    page.get_by_role("link", name=re.compile("flask")).first.click()
    expect(page).to_have_url(request_url)
    expect(page.get_by_test_id("state")).to_have_text("Approved with conditions")
    decision = page.get_by_test_id("decision")
    expect(decision).to_contain_text("Approved with conditions")
    expect(decision).to_contain_text(REASON)
    expect(decision.get_by_test_id("conditions")).to_have_text(CONDITIONS)
    expect(decision).to_contain_text("Decided by olga")
    # Newest first: what happened to the request, by whom.
    steps = page.get_by_test_id("timeline").get_by_role("listitem")
    expect(steps).to_have_count(4)
    expect(steps.nth(0)).to_contain_text("Approved with conditions by olga")
    expect(steps.nth(0)).to_contain_text(CONDITIONS)
    expect(steps.nth(1)).to_contain_text("Review started by olga")
    expect(steps.nth(2)).to_contain_text("Submitted by erin")
    expect(steps.nth(3)).to_contain_text("Created by erin")
    screenshot("05-engineer-sees-decision")


def test_form_with_an_error_keeps_what_was_typed(page: Page, screenshot):
    f.user(teams=[f.team("Payments")], username="erin")

    sign_in(page, "erin")
    nav(page).get_by_role("link", name="New request").click()
    page.get_by_label("Package URL (purl)").fill("not-a-purl")
    page.get_by_label("Justification").fill(JUSTIFICATION)
    page.get_by_role("button", name="Submit to the OSS office").click()

    purl = page.get_by_label("Package URL (purl)")
    expect(purl).to_have_attribute("aria-invalid", "true")
    expect(purl).to_have_accessible_description(re.compile("Not a valid package URL"))
    expect(purl).to_have_value("not-a-purl")
    expect(page.get_by_label("Justification")).to_have_value(JUSTIFICATION)
    screenshot("06-form-error")


def test_a_pasted_purl_fills_type_namespace_name_and_version(page: Page):
    f.user(teams=[f.team("Payments")], username="erin")
    sign_in(page, "erin")
    nav(page).get_by_role("link", name="New request").click()
    page.get_by_label("Package URL (purl)").fill("pkg:npm/%40babel/core@7.26.0?repository_url=x")
    expect(page.get_by_label("Type")).to_have_value("npm")
    expect(page.get_by_label("Namespace")).to_have_value("@babel")
    expect(page.get_by_label("Name", exact=True)).to_have_value("core")
    expect(page.get_by_label("Version")).to_have_value("7.26.0")
    page.get_by_label("Package URL (purl)").fill(
        "pkg:maven/org.apache.commons/commons-lang3@3.14.0")
    expect(page.get_by_label("Namespace")).to_have_value("org.apache.commons")
    expect(page.get_by_label("Name", exact=True)).to_have_value("commons-lang3")
    # The placeholder is an example, never a value.
    expect(page.get_by_label("Package URL (purl)")).to_have_attribute(
        "placeholder", re.compile(r"^e\.g\. "))
