"""The issue's flow in a real browser: an engineer asks to publish a repository, uploads code
with a planted secret and a GPL file, sees the checklist name them, uploads fixed code; the
office sees the plan, approves, and the page shows provisioning done against the fake GitHub
(which saw the repository created once, every call valid against GitHub's description)."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from governance.auth.roles import Role
from governance.jobs.embedded import runner_for
from tests import factories as f
from tests.browser.test_request_flow import sign_in, sign_out
from tests.github.fake_github import FakeGitHub
from tests.github.repos import PLANTED_KEY, clean_repo, leaky_repo, write

pytestmark = pytest.mark.browser
SCAN_WAIT = 180_000  # ms: the scan worker loads scancode's index first; a busy machine is slow


@pytest.fixture
def github_for_live_app(live_app, monkeypatch):
    with FakeGitHub() as fake:
        monkeypatch.setitem(live_app.config, "GITHUB_API_URL", fake.url)
        monkeypatch.setitem(live_app.config, "GITHUB_TOKEN", fake.token)
        yield fake
        runner_for(live_app).stop()
    assert fake.violations == [], fake.violations


def upload(page: Page, path) -> None:
    card = page.locator("#checks")
    card.locator("input[type=file]").set_input_files(path)
    card.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert").first).to_contain_text("Code uploaded")


def test_publish_a_repository_from_leaky_code_to_provisioning(page: Page, screenshot, tmp_path,
                                                              github_for_live_app):
    platform = f.team("Platform")
    f.user(teams=[platform], username="erin")
    f.user(Role.OSS_OFFICE, username="olga")

    sign_in(page, "erin")
    page.get_by_role("link", name="GitHub").click()
    expect(page.get_by_text("No GitHub requests yet")).to_be_visible()
    page.get_by_role("link", name="New GitHub request").click()
    page.get_by_role("link", name="Publish a repository").click()
    page.get_by_label("Repository name").fill("rate-limiter")
    page.get_by_label("Description").fill("A token bucket rate limiter")
    page.get_by_label("Outbound license (SPDX id)").fill("MIT")
    page.get_by_label("GitHub teams and their permission").fill("platform push")
    page.get_by_label("Maintainers (GitHub logins)").fill("alice-gh, bob-gh")
    page.get_by_label("Security contact").fill("security@example.org")
    page.get_by_label("Contributor terms").select_option("dco")
    page.get_by_label("Did your team write all of this code?").select_option("yes")
    page.get_by_label("Business justification").fill("Partner teams asked to contribute.")
    screenshot("40-github-request-form")
    page.get_by_role("button", name="Submit to the OSS office").click()
    expect(page.get_by_test_id("state")).to_contain_text("Submitted")
    expect(page.get_by_test_id("checks-pending")).to_be_visible()
    expect(page.get_by_test_id("plan")).to_contain_text("POST /orgs/example-corp/repos")

    upload(page, write(tmp_path / "leaky.tar.gz", leaky_repo()))
    # The page follows the scan and the checks by itself.
    summary = page.get_by_test_id("checks-summary")
    expect(summary).to_be_visible(timeout=SCAN_WAIT)
    checklist = page.get_by_test_id("checklist")
    secret = checklist.locator("tr.check-fail", has_text="secrets.detected")
    expect(secret).to_contain_text("src/settings.py")
    expect(secret).to_contain_text("AWS Access Key")
    gpl = checklist.locator("tr.check-fail", has_text="license.third_party")
    expect(gpl).to_contain_text("third_party/frob.c")
    assert PLANTED_KEY not in page.content()
    screenshot("41-github-checks-fail")

    upload(page, write(tmp_path / "fixed.tar.gz", clean_repo()))
    expect(page.get_by_test_id("checks-summary")).to_contain_text("pass", timeout=SCAN_WAIT)
    expect(checklist.locator("tr.check-fail")).to_have_count(0)
    expect(page.get_by_test_id("fast-path")).to_contain_text("Fast path")
    screenshot("42-github-checks-pass")
    sign_out(page)

    sign_in(page, "olga")
    page.goto("/github-requests/")
    page.get_by_role("link", name="Publish example-corp/rate-limiter").click()
    page.get_by_role("button", name="Start review").click()
    expect(page.get_by_test_id("state")).to_contain_text("In review")
    expect(page.get_by_test_id("plan")).to_contain_text("Give the team platform push access")
    page.locator(".step-approve summary").click()
    expect(page.locator(".step-approve").get_by_test_id("plan-note")).to_contain_text(
        "6 GitHub calls")
    page.locator(".step-approve").get_by_label("Reason").fill("Clean code; fast path.")
    screenshot("43-github-plan-before-approval")
    page.locator(".step-approve").get_by_role("button", name="Confirm: approve").click()
    expect(page.get_by_test_id("state")).to_contain_text("Approved")
    expect(page.get_by_test_id("provisioning-state")).to_contain_text("done", timeout=60_000)
    log = page.get_by_test_id("provisioning-log")
    expect(log.locator("li")).to_have_count(6)
    expect(log).to_contain_text("POST /orgs/example-corp/repos")
    screenshot("44-github-provisioned")

    fake = github_for_live_app
    assert len(fake.calls_to("repos/create-in-org")) == 1
    assert [c.body for c in fake.calls_to("teams/add-or-update-repo-permissions-in-org")] == [
        {"permission": "push"}]
