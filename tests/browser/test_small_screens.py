"""On a 390 px phone every list and detail page reads without the page scrolling sideways:
wide tables scroll inside their own box, long names and addresses wrap."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page

from governance.auth.roles import Role
from governance.database import db
from governance.lifecycle import patches
from governance.states import State
from governance.upstream import roles
from governance.upstream import services as upstream
from tests import factories as f
from tests.browser.test_request_flow import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LONG = "a-package-with-a-really-quite-unreasonably-long-name-for-a-phone-screen"


def test_the_main_pages_fit_a_phone(page: Page, screenshot):
    team = f.team("Payments and billing reconciliation")
    erin = f.user(teams=[team], username="erin")
    f.user(Role.OSS_OFFICE, username="olga")
    office = f.user(Role.OSS_OFFICE)
    item = f.request_in(State.APPROVED, erin, team, office, purl=f"pkg:npm/{LONG}@1.0.0")
    f.request_in(State.SUBMITTED, erin, team, purl=f"pkg:pypi/{LONG}@2.0.0")
    patches.create(erin, patches.PatchInput(
        component_id=item.component_id, team_id=team.id, kind="temporary",
        title="Keep the proxy's Authorization header on a redirect to the same host",
        patch_text="--- a\n+++ b\n", upstream_url=f"https://github.com/example/{LONG}/pull/12345"))
    upstream.record(erin, upstream.ContributionInput(
        url=f"https://github.com/example/{LONG}/pull/12345", project=f"pkg:npm/{LONG}",
        team_id=team.id, kind="pr", opened_on=date.today() - timedelta(days=3)))
    roles.record(erin, roles.RoleInput(project=f"pkg:npm/{LONG}", role="reviewer",
                                       since=date(2021, 3, 1), person_id=erin.id,
                                       team_id=team.id))
    db.session.commit()

    page.set_viewport_size(PHONE)
    sign_in(page, "olga")
    wide = {}
    for path in ["/", "/adoption/", "/queue", "/inventory/", "/inventory/?view=licenses",
                 "/audit/", "/advisories/", "/updates/?show=all", "/patches/?show=all",
                 "/dashboard/", "/upstream/contributions", "/upstream/roles",
                 f"/adoption/{item.id}", f"/components/{item.component_id}", "/funding/proposals",
                 "/github-requests/", "/products/", "/policies/", "/account/tokens"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    screenshot("95-phone-component-page")
    assert wide == {}, f"pages wider than the phone: {wide}"
