"""Waivers on the request page, the approve step that needs one, and the waivers list."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from governance.database import db
from governance.license_review.models import Waiver
from governance.states import State
from tests import factories as f
from tests.license_review.helpers import scanned_request

NEXT_MONTH = (date.today() + timedelta(days=30)).isoformat()


def _grant(client, item, **overrides):
    data = {"reason_code": "LICENSE_ACQUIRED_EXCEPTION",
            "text": "Commercial license bought, contract 2026-117.", "expires_on": NEXT_MONTH}
    data.update(overrides)
    return client.post(f"/requests/{item.id}/waivers", data=data)


def test_the_office_sees_the_deny_and_grants_a_waiver_then_approves(client):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    f.login(client, office.username)
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "DENY" in page and "Grant a waiver" in page
    assert "approving needs an active waiver" in page

    refused = client.post(f"/requests/{item.id}/step/approve",
                          data={"reason": "Needed.", "lock_version": item.version})
    assert refused.status_code == 422
    assert "can only be approved with a waiver" in refused.get_data(as_text=True)
    assert "Needed." in refused.get_data(as_text=True)  # what was typed is still there

    response = _grant(client, item)
    assert response.status_code == 302 and response.location.endswith("#license-verdict")
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "LICENSE_ACQUIRED_EXCEPTION" in page and "contract 2026-117" in page

    done = client.post(f"/requests/{item.id}/step/approve",
                       data={"reason": "Covered.", "lock_version": item.version})
    assert done.status_code == 302
    db.session.refresh(item)
    assert item.state == State.APPROVED
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "approved under waiver" in page


def test_a_bad_waiver_is_shown_again_with_its_errors_and_nothing_saved(client):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    f.login(client, office.username)
    response = _grant(client, item, expires_on=date.today().isoformat(),
                      text="Our reasons, kept.")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "must be in the future" in body and "Our reasons, kept." in body
    response = _grant(client, item, reason_code="MADE_UP")
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(
        as_text=True)
    assert db.session.scalars(select(Waiver)).all() == []


def test_engineers_see_the_waivers_but_cannot_grant_one(client):
    item, engineer, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    f.login(client, engineer.username)
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "DENY" in page and "Grant a waiver" not in page
    assert _grant(client, item).status_code == 403
    assert db.session.scalars(select(Waiver)).all() == []


def test_no_waiver_form_when_the_license_is_allowed(client):
    item, _, office = scanned_request("mit", context="distributed", reviewed=True)
    f.login(client, office.username)
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "ALLOW" in page and "Grant a waiver" not in page
    response = _grant(client, item)
    assert response.status_code == 422 and "Only a deny needs a waiver" in response.get_data(
        as_text=True)


def test_the_waivers_page_lists_and_filters(client):
    item, engineer, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    f.login(client, office.username)
    _grant(client, item)
    client.post("/logout")
    f.login(client, engineer.username)
    page = client.get("/waivers/").get_data(as_text=True)
    assert item.title in page and "LICENSE_ACQUIRED_EXCEPTION" in page
    assert "GPL-3.0-only" in page and "in 30 days" in page
    expired = client.get("/waivers/?status=expired").get_data(as_text=True)
    assert item.title not in expired and "No waivers here." in expired
    missing = client.get("/waivers/?q=zzz-nothing").get_data(as_text=True)
    assert "No waiver matches" in missing
    assert client.get("/waivers/?status=bogus&page=abc").status_code == 200
