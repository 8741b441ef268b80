"""The API as a newcomer meets it in a browser: a token created and copied with one click, then
the readable documentation (Swagger UI served by the app itself, under its strict CSP: any
blocked script or style would be a console error and fail the test)."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories as f
from tests.browser.test_request_flow import sign_in

pytestmark = pytest.mark.browser


def test_a_token_is_copied_and_the_api_documentation_reads_in_the_browser(page: Page,
                                                                         screenshot):
    f.user(teams=[f.team("Payments")], username="erin")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, "erin")
    page.goto("/account/tokens")
    page.get_by_label("Name").fill("CI gate")
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_test_id("new-token").inner_text().strip()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret

    page.get_by_role("link", name="the API documentation").click()
    expect(page.locator(".swagger-ui .info .title")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/updates/overdue")).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    screenshot("90-api-docs")
