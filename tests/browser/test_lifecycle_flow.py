"""After approval in a real browser: the engineer finds their overdue component on the updates
page, records its update on the component's page, re-confirms the local patch the update asks
about, and watches the new version come back approved by the quick re-check (a real rescan of
what the local registry serves); the office sees it all from the after-approval dashboard."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from governance.auth.roles import Role
from governance.database import db
from governance.jobs.embedded import runner_for
from governance.lifecycle import patches
from governance.scans import services as scans
from governance.scans.queue import enqueue, scan_config
from governance.states import State
from tests import factories as f
from tests.browser.test_request_flow import nav, sign_in, sign_out
from tests.jobs.helpers import wait_for_scan

pytestmark = pytest.mark.browser
DEADLINE = 180  # seconds: the runner loads scancode's license index first, on a busy machine


@pytest.fixture
def registry_runner(live_app, fake_registry, monkeypatch):
    monkeypatch.setitem(live_app.config, "PYPI_URL", fake_registry.pypi_url)
    yield fake_registry
    runner_for(live_app).stop()


def _scanned_approval(live_app, erin, office, team):
    item = f.request_in(State.SUBMITTED, erin, team, purl="pkg:pypi/demo-lib@1.0.0",
                        usage_context="distributed")
    scan = scans.start_scan(item, erin, scan_config(), source="pkg:pypi/demo-lib@1.0.0")
    db.session.commit()
    with live_app.app_context():
        enqueue(scan.id)
    done = wait_for_scan(scan.id, lambda s: s.is_finished, timeout=DEADLINE)
    assert done.state.value == "succeeded", done.error
    f.review_and_decide(item, office, State.APPROVED)
    item.decided_at -= timedelta(days=120)  # a season ago: its quarterly update is overdue
    db.session.commit()
    return item


def test_an_update_is_recorded_its_patch_reconfirmed_and_approved_by_the_recheck(
        page: Page, screenshot, live_app, registry_runner):
    payments = f.team("Payments")
    erin = f.user(teams=[payments], username="erin")
    f.user(Role.OSS_OFFICE, username="olga")
    old = _scanned_approval(live_app, erin, f.user(Role.OSS_OFFICE), payments)
    patch = patches.create(erin, patches.PatchInput(
        component_id=old.component_id, team_id=payments.id, kind="temporary",
        title="Retry on 503", patch_text="--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n",
        upstream_url="https://github.com/demo/demo-lib/pull/7", status="forwarded"))
    db.session.commit()

    sign_in(page, "erin")
    nav(page).get_by_role("button", name="Rules").click()
    nav(page).get_by_role("link", name="Updates due").click()
    team = page.get_by_test_id("team-due")
    expect(team).to_contain_text("Payments")
    expect(team).to_contain_text("days overdue")
    screenshot("80-updates-due")
    team.get_by_role("link", name="demo-lib 1.0.0").click()

    form = page.locator("#record-update")
    form.get_by_label("Updated to version").fill("1.1.0")
    form.get_by_label("Release notes").fill("https://example.org/demo-lib/releases/1.1.0")
    form.get_by_role("button", name="Record the update").click()
    expect(page.get_by_role("alert").first).to_contain_text("Re-confirm the 1 local patch")
    expect(page.get_by_test_id("component-patches")).to_contain_text(
        "Re-confirm for demo-lib 1.1.0")
    screenshot("81-update-recorded")

    page.get_by_test_id("component-patches").get_by_role("link", name="Retry on 503").click()
    confirm = page.get_by_test_id("confirm-patch")
    confirm.get_by_label("Yes: it moves to the new version").check()
    confirm.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_contain_text("Re-confirmation saved")
    expect(page.get_by_role("link", name="demo-lib 1.1.0")).to_be_visible()
    screenshot("82-patch-reconfirmed")

    db.session.expire_all()
    assert patches.get(patch.id).component.version == "1.1.0"
    page.get_by_role("link", name="demo-lib 1.1.0").click()
    history = page.get_by_test_id("updates")
    history.get_by_role("link", name="request #").first.click()
    # The rescan runs in the app's runner; the page shows the decision once it is in.
    deadline = time.monotonic() + DEADLINE
    decided = page.get_by_test_id("decided-by-app")
    while not decided.is_visible() and time.monotonic() < deadline:
        time.sleep(2)
        page.reload()
    expect(decided).to_contain_text("quick re-check")
    expect(page.get_by_test_id("recheck")).to_contain_text("Approved by the quick re-check")
    screenshot("83-approved-by-recheck")

    sign_out(page)
    sign_in(page, "olga")
    nav(page).get_by_role("button", name="Rules").click()
    nav(page).get_by_role("link", name="After approval").click()
    expect(page.get_by_test_id("dashboard-counts")).to_contain_text("0overdue updates")
    screenshot("84-after-approval-dashboard")
