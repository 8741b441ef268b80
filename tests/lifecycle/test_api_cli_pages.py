"""What follows approval as automation and people use it: an update recorded over the API and
on the component's page, what is overdue read back, patches posted and re-confirmed over the
API and on their page, the dashboard linking each item; the forbidden paths too."""
from __future__ import annotations

from datetime import timedelta

import pytest

from governance.database import db
from governance.lifecycle import patches
from governance.lifecycle.models import ComponentUpdate, LocalPatch
from governance.scans.models import Scan
from governance.states import State
from tests import factories as f
from tests.api.helpers import Api, assert_error

DIFF = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n"


@pytest.fixture
def old(people):
    item = f.request_in(State.APPROVED, people["erin"], people["payments"], people["office"],
                        purl="pkg:pypi/demo-lib@1.0.0", usage_context="distributed")
    item.decided_at -= timedelta(days=120)  # past its quarterly update
    db.session.commit()
    return item


def test_overdue_then_an_update_posted_over_the_api(client, people, old, queued_scans):
    erin, pat = Api(client, people["erin"]), Api(client, people["pat"])
    [row] = erin.get("/updates/overdue").get_json()
    assert (row["request_id"], row["purl"], row["kind"], row["criticality"]) == (
        old.id, "pkg:pypi/demo-lib@1.0.0", "regular", "shipped")
    assert row["days_overdue"] > 0 and row["update_pending"] is None
    assert erin.get("/updates/overdue", query_string={"kind": "security"}).get_json() == []
    assert_error(erin.get("/updates/overdue", query_string={"kind": "weekly"}), 422, "kind")

    assert_error(pat.post(f"/components/{old.component_id}/updates",
                          json={"to_version": "1.1.0"}), 403)
    assert_error(erin.post(f"/components/{old.component_id}/updates",
                           json={"to_version": "1.0.0"}), 422, "to_version")
    assert_error(erin.post("/components/999999/updates", json={"to_version": "1"}), 404)
    answer = erin.post(f"/components/{old.component_id}/updates", json={
        "to_version": "1.1.0", "release_notes_url": "https://example.org/notes",
        "test_run_url": "https://ci.example.org/runs/1"})
    assert answer.status_code == 201, answer.get_json()
    [update] = answer.get_json()["updates"]
    assert update["from_purl"] == "pkg:pypi/demo-lib@1.0.0"
    assert update["to_purl"] == "pkg:pypi/demo-lib@1.1.0"
    assert update["recheck"] == "scanning" and update["state"] == "submitted"
    scan = db.session.get(Scan, update["scan_id"])
    assert (scan.state.value, scan.source) == ("queued", "pkg:pypi/demo-lib@1.1.0")
    assert queued_scans == [scan.id]  # handed to the job backend after the commit
    [row] = erin.get("/updates/overdue").get_json()
    assert row["update_pending"] == update["to_request_id"]


def test_patches_over_the_api(client, people, old):
    erin, pat, office = (Api(client, people[n]) for n in ("erin", "pat", "office"))
    body = {"component_id": old.component_id, "team_id": people["payments"].id,
            "kind": "permanent", "title": "Keep our CA bundle", "patch": DIFF,
            "status": "not-needed"}
    assert_error(pat.post("/patches", json=body), 422, "team")
    assert_error(erin.post("/patches", json=dict(body, kind="forever")), 422, "kind")
    created = erin.post("/patches", json=body)
    assert created.status_code == 201, created.get_json()
    patch = created.get_json()
    assert patch["approval"] == "pending" and patch["has_patch_file"] is True
    assert patch["attention"] == ["Permanent: waiting for the office's approval"]
    assert [p["id"] for p in office.get("/patches", query_string={"attention": "true"})
            .get_json()] == [patch["id"]]
    assert_error(erin.post(f"/patches/{patch['id']}/approve", json={"reason": "ok"}), 403)
    approved = office.post(f"/patches/{patch['id']}/approve", json={"reason": "Declined "
                                                                             "upstream."})
    assert approved.get_json()["approval"] == "approved"
    assert office.get("/patches", query_string={"attention": "true"}).get_json() == []
    assert_error(erin.post(f"/patches/{patch['id']}/confirm", json={"still_needed": True}),
                 409)
    erin.post(f"/components/{old.component_id}/updates", json={"to_version": "1.1.0"})
    asked = erin.get("/patches").get_json()[0]
    assert asked["confirm_for"] == "pkg:pypi/demo-lib@1.1.0"
    moved = erin.post(f"/patches/{patch['id']}/confirm", json={"still_needed": True})
    assert moved.status_code == 200 and moved.get_json()["purl"] == "pkg:pypi/demo-lib@1.1.0"


def test_the_component_page_records_an_update_and_the_patch_asks_to_be_confirmed(
        client, people, old):
    patch = patches.create(people["erin"], patches.PatchInput(
        component_id=old.component_id, team_id=people["payments"].id, kind="temporary",
        title="Retry on 503", patch_text=DIFF, upstream_url="https://github.com/d/d/pull/7",
        status="forwarded"))
    db.session.commit()
    f.login(client, people["erin"].username)
    page = client.get(f"/components/{old.component_id}")
    assert page.status_code == 200
    assert b"Record an update" in page.data and b"overdue" in page.data
    refused = client.post(f"/components/{old.component_id}/updates",
                          data={"to_version": "1.1.0", "release_notes_url": "not a url"})
    assert refused.status_code == 422 and b"https://" in refused.data
    assert db.session.query(ComponentUpdate).count() == 0
    done = client.post(f"/components/{old.component_id}/updates",
                       data={"to_version": "1.1.0"}, follow_redirects=True)
    assert done.status_code == 200
    assert b"Re-confirm the 1 local patch below" in done.data
    # Its one use is being re-checked: no second update is offered meanwhile.
    assert b"Record the update" not in done.data and b"update to 1.1.0" in done.data
    shown = client.get(f"/patches/{patch.id}")
    assert b"Re-confirm for demo-lib 1.1.0" in shown.data
    confirmed = client.post(f"/patches/{patch.id}/confirm", data={"still_needed": "no"})
    assert confirmed.status_code == 422 and b"Say why" in confirmed.data
    client.post(f"/patches/{patch.id}/confirm", data={"still_needed": "no",
                                                      "note": "Fixed upstream in 1.1.0"})
    db.session.expire_all()
    assert db.session.get(LocalPatch, patch.id).state == "removed"
    detail = client.get(f"/adoption/{old.id}")
    assert b"After approval" in detail.data and b"Updated to" in detail.data


def test_the_dashboard_and_the_due_page_link_each_item(client, people, old):
    f.login(client, people["office"].username)
    board = client.get("/dashboard/")
    assert board.status_code == 200
    assert f'/components/{old.component_id}'.encode() in board.data
    due = client.get("/updates/", query_string={"team": people["payments"].id})
    assert b"Payments" in due.data and b"days overdue" in due.data
    assert b"Nothing is overdue" in client.get(
        "/updates/", query_string={"team": people["platform"].id}).data
    assert client.get("/patches/").status_code == 200
    form = client.get("/patches/new").get_data(as_text=True)
    # Required fields say so by their label; optional ones do not.
    assert 'What it changes</label> <span class="required-mark" aria-hidden="true">*</span>' in form
    assert 'Why we carry it</label> <span class="required-mark"' not in form


def test_a_patch_is_kept_current_over_the_api_and_on_its_page(client, people, old):
    from governance.upstream import services as upstream

    contribution = upstream.record(people["erin"], upstream.ContributionInput(
        url="https://github.com/demo/demo-lib/pull/7", project="pkg:pypi/demo-lib",
        team_id=people["payments"].id, kind="pr", state="open",
        opened_on=old.decided_at.date()))
    db.session.commit()
    erin, pat = Api(client, people["erin"]), Api(client, people["pat"])
    patch = erin.post("/patches", json={
        "component_id": old.component_id, "team_id": people["payments"].id,
        "kind": "temporary", "title": "Retry on 503", "patch": DIFF,
        "upstream_url": contribution.url, "status": "forwarded"}).get_json()
    assert patch["contribution_id"] == contribution.id  # linked by its URL
    assert_error(pat.patch(f"/patches/{patch['id']}", json={"status": "not-forwarded"}), 403)
    assert_error(erin.patch(f"/patches/{patch['id']}", json={"status": "applied-upstream"}),
                 422, "applied_upstream_version")
    moved = erin.patch(f"/patches/{patch['id']}", json={
        "status": "applied-upstream", "applied_upstream_version": "1.1.0"}).get_json()
    assert moved["attention"] == ["Flagged for removal: upstream released it in 1.1.0"]
    assert moved["title"] == "Retry on 503" and moved["has_patch_file"] is True
    f.login(client, people["erin"].username)
    page = client.get(f"/patches/{patch['id']}").get_data(as_text=True)
    assert "upstream ledger" in page and "Flagged for removal" in page
    form = client.get(f"/patches/{patch['id']}/edit")
    assert form.status_code == 200 and b"Retry on 503" in form.data
    saved = client.post(f"/patches/{patch['id']}/edit", data={
        "component_id": old.component_id, "team_id": people["payments"].id,
        "kind": "temporary", "title": "Retry on 503 and 504", "status": "forwarded",
        "upstream_url": contribution.url}, follow_redirects=True)
    assert b"Patch saved." in saved.data and b"Retry on 503 and 504" in saved.data
