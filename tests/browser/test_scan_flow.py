"""Scanning in a real browser: the engineer attaches an archive and watches the scan progress
to its findings without reloading the page."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from governance.jobs.embedded import runner_for
from governance.states import State
from tests import factories as f
from tests.browser.test_request_flow import sign_in
from tests.scans.archives import tar_gz, tiny_package_files

pytestmark = pytest.mark.browser


@pytest.fixture
def scan_runner(live_app):
    yield
    runner_for(live_app).stop()


def test_engineer_watches_a_scan_reach_its_findings(page: Page, screenshot, tmp_path,
                                                     scan_runner):
    payments = f.team("Payments")
    erin = f.user(teams=[payments], username="erin")
    item = f.request_in(State.SUBMITTED, erin, payments, purl="pkg:pypi/tinypkg@1.0.0")
    archive = tar_gz(tmp_path / "tinypkg-1.0.0.tar.gz", tiny_package_files())

    sign_in(page, "erin")
    page.goto(f"/adoption/{item.id}")
    card = page.locator("#scan")
    expect(card).to_contain_text("Not scanned yet")
    card.get_by_label("Upload an archive").set_input_files(archive)
    card.get_by_label("…or fetch it from").fill("")
    card.get_by_role("button", name="Scan the source").click()
    expect(page.get_by_role("alert")).to_contain_text("queued")
    screenshot("10-scan-queued")
    # The page follows the scan by itself (the worker loads scancode's index first).
    expect(page.get_by_test_id("scan-summary")).to_be_visible(timeout=90_000)
    summary = page.get_by_test_id("scan-summary")
    expect(summary).to_contain_text("MIT")
    expect(card.get_by_role("link", name="Apache-2.0")).to_be_visible()
    screenshot("11-scan-findings-on-request")
    card.get_by_role("link", name="Apache-2.0").click()
    expect(page.get_by_role("link", name="tinypkg-1.0.0/tinypkg/vendored.py")).to_be_visible()
    page.get_by_role("link", name="tinypkg-1.0.0/tinypkg/vendored.py").click()
    expect(page.get_by_text("Licensed under the Apache License, Version 2.0")).to_be_visible()
    screenshot("12-scan-file-with-matched-text")


def test_a_refused_upload_says_why_where_the_page_scrolls_to(page: Page, tmp_path):
    payments = f.team("Payments")
    erin = f.user(teams=[payments], username="erin")
    item = f.request_in(State.SUBMITTED, erin, payments, purl="pkg:pypi/tinypkg@1.0.0")
    empty = tmp_path / "empty.tar.gz"
    empty.write_bytes(b"")
    sign_in(page, "erin")
    page.set_viewport_size({"width": 800, "height": 700})  # one column: the card is far down
    page.goto(f"/adoption/{item.id}")
    card = page.locator("#scan")
    card.get_by_label("Upload an archive").set_input_files(empty)
    card.get_by_label("…or fetch it from").fill("")
    card.get_by_role("button", name="Scan the source").click()
    message = page.get_by_role("alert").filter(has_text="is empty")
    # The page shows the scan card it was sent back to (the browser scrolls there once the
    # page has loaded), with the message just above it, in view too.
    expect(card.get_by_role("button", name="Scan the source")).to_be_in_viewport()
    expect(message).to_be_in_viewport()
