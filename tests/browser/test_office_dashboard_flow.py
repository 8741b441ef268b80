"""The office dashboard in a real browser, its figures checked against the requests the test
made: a request answered in 10 working days, one still waiting past its service level."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import Page, expect

from governance.auth.roles import Role
from governance.database import db
from governance.states import State
from tests import factories as f
from tests.browser.test_request_flow import nav, sign_in

pytestmark = pytest.mark.browser


def test_the_office_sees_what_is_late_and_how_long_answers_take(page: Page, screenshot):
    team = f.team("Payments")
    erin = f.user(teams=[team], username="erin")
    f.user(Role.OSS_OFFICE, username="olga")
    office = f.user(Role.OSS_OFFICE)
    answered = f.request_in(State.IN_REVIEW, erin, team, office, purl="pkg:pypi/flask@3.1.3")
    waiting = f.request_in(State.SUBMITTED, erin, team, purl="pkg:npm/left-pad@1.3.0")
    for item in (answered, waiting):
        item.submitted_at = datetime.now(timezone.utc) - timedelta(days=14)  # 10 working days
    db.session.commit()

    sign_in(page, "olga")
    nav(page).get_by_role("link", name="Review queue").click()
    page.get_by_role("link", name="Office dashboard").click()
    late = page.get_by_test_id("late")
    expect(late.locator("tbody tr")).to_have_count(2)
    expect(late.locator("tbody tr").first).to_contain_text("left-pad")  # 8 days late
    expect(late.locator("tbody tr").first).to_contain_text("first response")
    adoption = page.get_by_test_id("service-levels").locator("tr[data-kind=adoption]")
    expect(adoption).to_contain_text("median 10 · p90 10")
    expect(adoption.locator(".text-danger").first).to_be_visible()  # beyond 2 days
    screenshot("96-office-dashboard")
