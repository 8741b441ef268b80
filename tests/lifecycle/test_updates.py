"""Recording an update: the use's clock starts again and the new version's approval is a quick
re-check on a real rescan: approved by the app when nothing changed in licenses or
obligations, sent to the office with what changed otherwise; the old version steps aside once
the new one is approved, and every patch on it is asked for re-confirmation."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from governance.advisories import services as advisories
from governance.advisories.models import Finding
from governance.audit.models import AuditEvent
from governance.database import db
from governance.errors import NotAllowed, ValidationFailed
from governance.inventory.services import UsageFilters, usages_query
from governance.lifecycle import cadence, patches, updates
from governance.lifecycle.models import ComponentUpdate
from governance.scans.queue import scan_config
from governance.states import State
from tests import factories as f
from tests.lifecycle.conftest import run_queued


def _events(object_id, action):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_id == object_id, AuditEvent.action == action)).all()


def _record(person, component, version, **kw):
    recorded = updates.record_update(person, component, updates.UpdateInput(
        to_version=version, **kw), scan_config())
    db.session.commit()
    return recorded


def test_an_unchanged_update_is_approved_by_the_app_and_the_old_version_steps_aside(
        people, approved_scanned, scan_pool):
    old = approved_scanned("pkg:pypi/demo-lib@1.0.0")
    advisories.import_records(None, [("t", {
        "id": "PYSEC-TEST-DEMO", "modified": "2026-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "PyPI", "name": "demo-lib"}, "ranges": [
            {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1.0"}]}]}]})])
    [finding] = db.session.scalars(select(Finding)).all()
    assert finding.component_id == old.component_id and finding.is_open
    patch = patches.create(people["erin"], patches.PatchInput(
        component_id=old.component_id, team_id=people["payments"].id, kind="temporary",
        title="Retry on 503", patch_text="--- a/x\n+++ b/x\n", upstream_url=
        "https://github.com/demo/demo-lib/pull/7"))
    db.session.commit()

    [(update, scan)] = _record(people["erin"], old.component, "1.1.0",
                               release_notes_url="https://example.org/demo-lib/1.1.0",
                               updated_on=date.today() - timedelta(days=2))
    new = update.to_request
    assert (new.state, new.team, new.usage_context) == (State.SUBMITTED, old.team,
                                                        old.usage_context)
    assert scan.source == "pkg:pypi/demo-lib@1.1.0" and update.recheck == "scanning"
    assert db.session.get(type(patch), patch.id).confirm_for_update_id == update.id

    run_queued(scan_pool, new)
    update = db.session.get(ComponentUpdate, update.id)
    assert update.recheck == "approved", update.changes
    assert update.changes["summary"] == []
    assert update.to_request.state == State.APPROVED
    assert update.to_request.decided_by_id is None
    assert "licenses and obligations unchanged" in update.to_request.decision_reason
    assert update.from_request.state == State.SUPERSEDED
    assert _events(new.id, "approved_by_recheck") and _events(old.id, "superseded")
    # 1.0.0 left the inventory: its finding is resolved, saying why; 1.1.0 has the fix.
    finding = db.session.get(Finding, finding.id)
    assert finding.state == "resolved" and "No longer in use" in finding.justification
    assert db.session.scalars(select(Finding)).all() == [finding]
    # The inventory now holds 1.1.0 for that use, not 1.0.0; its clock starts at the update.
    in_use = [r.component.version for r in db.session.scalars(usages_query(UsageFilters()))]
    assert in_use == ["1.1.0"]
    [due] = [d for d in cadence.due() if d.kind == "regular"]
    assert due.since == date.today() - timedelta(days=2)
    assert due.level.id == "internal" and due.due_on == cadence.add_months(due.since, 6)


def test_a_license_change_goes_to_the_office_with_what_changed(people, approved_scanned,
                                                               scan_pool):
    old = approved_scanned("pkg:pypi/relicensed-lib@1.0.0")
    [(update, _scan)] = _record(people["erin"], old.component, "2.0.0")
    run_queued(scan_pool, update.to_request)
    update = db.session.get(ComponentUpdate, update.id)
    assert update.recheck == "office"
    assert update.to_request.state == State.SUBMITTED  # in the office's queue
    assert update.from_request.state == State.APPROVED  # still in use until decided
    changes = update.changes
    assert changes["expression"]["from"] == "MIT"
    assert "GPL-3.0" in changes["expression"]["to"]
    assert any("License changed from MIT" in line for line in changes["summary"])
    assert _events(update.to_request_id, "recheck_sent_to_office")
    # A second update of the same use waits for this one.
    with pytest.raises(ValidationFailed) as caught:
        _record(people["erin"], old.component, "2.0.1")
    assert "already has an update" in caught.value.errors["request_ids"]
    # The office approves it: the old version steps aside then.
    f.review_and_decide(update.to_request, people["office"], State.APPROVED)
    db.session.commit()
    update = db.session.get(ComponentUpdate, update.id)
    assert update.recheck == "decided"
    assert update.from_request.state == State.SUPERSEDED


def test_only_the_team_using_the_version_records_its_update(people):
    old = f.request_in(State.APPROVED, people["erin"], people["payments"], people["office"],
                       purl="pkg:pypi/demo-lib@1.0.0")
    with pytest.raises(NotAllowed, match="teams that use this version"):
        _record(people["pat"], old.component, "1.1.0")
    with pytest.raises(NotAllowed):
        _record(people["office"], old.component, "1.1.0")
    assert db.session.scalars(select(ComponentUpdate)).all() == []


@pytest.mark.parametrize("values, field, message", [
    ({"to_version": ""}, "to_version", "Give the version"),
    ({"to_version": "1.0.0"}, "to_version", "is the version in use already"),
    ({"to_version": "1.1.0", "updated_on": date.today() + timedelta(days=1)}, "updated_on",
     "future"),
    ({"to_version": "1.1.0", "release_notes_url": "ftp://x"}, "release_notes_url",
     "https://"),
    ({"to_version": "1.1.0", "request_ids": [999]}, "request_ids", "not approved uses"),
])
def test_bad_input_is_refused_with_nothing_saved(people, values, field, message):
    old = f.request_in(State.APPROVED, people["erin"], people["payments"], people["office"],
                       purl="pkg:pypi/demo-lib@1.0.0")
    requests_before = db.session.scalars(select(AuditEvent)).all()
    with pytest.raises(ValidationFailed) as caught:
        updates.record_update(people["erin"], old.component, updates.UpdateInput(**values),
                              scan_config())
    db.session.rollback()
    assert message in caught.value.errors[field]
    assert db.session.scalars(select(AuditEvent)).all() == requests_before


def test_overdue_regular_updates_and_security_fixes_per_criticality(people):
    from governance.advisories.models import Advisory

    shipped = f.request_in(State.APPROVED, people["erin"], people["payments"], people["office"],
                           purl="pkg:pypi/demo-lib@1.0.0", usage_context="distributed")
    internal = f.request_in(State.APPROVED, people["pat"], people["platform"], people["office"],
                            purl="pkg:pypi/tool@1.0.0", usage_context="internal")
    long_ago = date.today() - timedelta(days=200)
    for item in (shipped, internal):
        item.decided_at = item.decided_at - timedelta(days=200)
    advisory = Advisory(osv_id="PYSEC-TEST-1", modified="2026-01-01T00:00:00Z", aliases=[],
                        summary="", details="", severity=[], severity_name="", affected=[],
                        references=[])
    db.session.add(advisory)
    db.session.flush()
    opened = date.today() - timedelta(days=10)
    from datetime import datetime, timezone
    db.session.add(Finding(advisory=advisory, component=shipped.component, fixed=["1.1.0"],
                           opened_at=datetime(opened.year, opened.month, opened.day,
                                              tzinfo=timezone.utc)))
    db.session.commit()
    late = cadence.overdue()
    kinds = {(d.request.id, d.kind) for d in late}
    # Shipped: every 3 months and security fixes within 7 days; internal: every 6 months.
    assert kinds == {(shipped.id, "regular"), (shipped.id, "security"),
                     (internal.id, "regular")}
    security = next(d for d in late if d.kind == "security")
    assert security.due_on == opened + timedelta(days=7)
    assert security.days_overdue(date.today()) == 3
    regular = next(d for d in late if d.request.id == internal.id)
    assert regular.due_on == cadence.add_months(long_ago, 6)
    assert [team for team, _ in cadence.by_team(late)] == ["Payments", "Platform"]


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert cadence.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert cadence.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert cadence.add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
