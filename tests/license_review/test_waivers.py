"""A deny passes only through a waiver; an expired waiver sends the approval back to review."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from governance import policies
from governance.audit.models import AuditEvent
from governance.auth.roles import Role
from governance.database import db
from governance.errors import IllegalTransition, NotAllowed, ValidationFailed
from governance.license_review import waivers
from governance.license_review.models import RecordedVerdict, Waiver
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f
from tests.license_review.helpers import scanned_request

TODAY = date.today()


@pytest.fixture
def policy(app):
    return policies.loaded(app).license_policy


def _waiver(item, office, policy, days=30, code="LICENSE_ACQUIRED_EXCEPTION"):
    waiver = waivers.grant(item, office, waivers.WaiverInput(
        code, "We bought a commercial license (contract 2026-117).",
        TODAY + timedelta(days=days)), policy)
    db.session.commit()
    return waiver


def _actions(item) -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "request",
                                        AuditEvent.object_id == item.id)
        .order_by(AuditEvent.id)))


@pytest.mark.parametrize("step", ["approve", "approve_with_conditions"])
def test_a_deny_cannot_be_approved_without_a_waiver(policy, step):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(item, office, step, expected_version=None, reason="Needed.",
                            conditions="Keep it separate.")
    assert "waiver" in caught.value.errors and "GPL-3.0-only" in caught.value.errors["waiver"]
    db.session.rollback()
    assert item.state == State.IN_REVIEW
    assert "approved" not in _actions(item)
    assert db.session.scalars(select(RecordedVerdict)).all() == []


def test_a_deny_can_still_be_rejected_and_the_verdict_is_recorded(policy):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    workflow.transition(item, office, "reject", reason="Copyleft in a shipped product.")
    db.session.commit()
    recorded = db.session.scalars(select(RecordedVerdict)).one()
    assert (recorded.verdict, recorded.occasion, recorded.context) == (
        "deny", "rejected", "distributed")
    assert recorded.policy_digest == policy.digest and recorded.waiver_id is None
    assert recorded.evaluation["licenses"][0]["spdx"] == "GPL-3.0-only"


def test_with_a_waiver_the_deny_is_approved_and_the_waiver_recorded(policy):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    waiver = _waiver(item, office, policy)
    workflow.transition(item, office, "approve", reason="Covered by the purchased license.")
    db.session.commit()
    assert item.state == State.APPROVED
    recorded = db.session.scalars(select(RecordedVerdict)).one()
    assert recorded.verdict == "deny" and recorded.waiver_id == waiver.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "approved")).one()
    assert event.after["waiver_id"] == waiver.id
    assert event.after["policy_digest"] == policy.digest
    assert _actions(item)[-2:] == ["waiver_granted", "approved"]


def test_allowed_and_review_verdicts_need_no_waiver(policy):
    for declared in ("mit", "mpl-2.0"):
        item, _, office = scanned_request(declared, context="distributed", reviewed=True)
        workflow.transition(item, office, "approve", reason="Fine.")
        db.session.commit()
        assert item.state == State.APPROVED
        with pytest.raises(ValidationFailed) as caught:
            waivers.grant(item, office, waivers.WaiverInput(
                "CANT_FIX_EXCEPTION", "x", TODAY + timedelta(days=9)), policy)
        assert "Only a deny needs a waiver" in caught.value.errors["reason_code"]
        db.session.rollback()


def test_a_waiver_covers_only_the_expression_it_was_granted_for(policy):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    _waiver(item, office, policy)
    # A new scan declares another denied license: the old waiver does not cover it.
    from governance.scans.models import Scan, ScanState

    db.session.add(Scan(request=item, state=ScanState.SUCCEEDED,
                        summary={"declared_license_expression": "agpl-3.0", "detected": []}))
    db.session.commit()
    db.session.refresh(item)
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(item, office, "approve", reason="Needed.")
    assert "AGPL-3.0-only" in caught.value.errors["waiver"]


@pytest.mark.parametrize("data, field, message", [
    (("NOT_A_CODE", "text", 30), "reason_code", "reason codes"),
    (("CANT_FIX_EXCEPTION", "   ", 30), "text", "Explain"),
    (("CANT_FIX_EXCEPTION", "text", 0), "expires_on", "future"),
    (("CANT_FIX_EXCEPTION", "text", -3), "expires_on", "future"),
    (("CANT_FIX_EXCEPTION", "text", 5 * 365), "expires_on", "three years"),
    (("CANT_FIX_EXCEPTION", "text", None), "expires_on", "expiry date"),
])
def test_a_waiver_needs_a_known_reason_a_text_and_a_future_expiry(policy, data, field, message):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    code, text, days = data
    expires = None if days is None else TODAY + timedelta(days=days)
    with pytest.raises(ValidationFailed) as caught:
        waivers.grant(item, office, waivers.WaiverInput(code, text, expires), policy)
    assert message in caught.value.errors[field]
    db.session.rollback()
    assert db.session.scalars(select(Waiver)).all() == []


def test_the_offices_own_reason_codes_from_the_policy_are_accepted(policy):
    assert "LEGAL_OPINION_EXCEPTION" in policy.waiver_reasons
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    assert _waiver(item, office, policy, code="LEGAL_OPINION_EXCEPTION").id


def test_only_the_office_grants_waivers_and_never_on_its_own_request(policy):
    item, engineer, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    data = waivers.WaiverInput("CANT_FIX_EXCEPTION", "x", TODAY + timedelta(days=9))
    for who in (engineer, f.user(Role.COMPLIANCE), f.user(Role.ADMIN)):
        with pytest.raises(NotAllowed):
            waivers.grant(item, who, data, policy)
    item.requester_id = office.id
    with pytest.raises(NotAllowed, match="own request"):
        waivers.grant(item, office, data, policy)
    db.session.rollback()


def test_no_waiver_on_a_withdrawn_or_rejected_request(policy):
    item, engineer, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    workflow.transition(item, office, "reject", reason="No.")
    db.session.commit()
    with pytest.raises(IllegalTransition):
        waivers.grant(item, office, waivers.WaiverInput(
            "CANT_FIX_EXCEPTION", "x", TODAY + timedelta(days=9)), policy)


def test_an_expired_waiver_sends_the_approval_back_to_review(policy):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    waiver = _waiver(item, office, policy, days=10)
    workflow.transition(item, office, "approve", reason="Covered.")
    db.session.commit()
    # Nothing happens while it is valid, including on its last day.
    assert waivers.lapse_expired(TODAY + timedelta(days=10)) == []
    lapsed = waivers.lapse_expired(TODAY + timedelta(days=11))
    db.session.commit()
    assert lapsed == [waiver] and waiver.lapsed_at is not None
    assert item.state == State.IN_REVIEW
    reopened = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "approval_reopened")).one()
    assert reopened.actor_id is None and "expired" in reopened.after["reason"]
    assert _actions(item)[-2:] == ["waiver_lapsed", "approval_reopened"]
    # Lapsing again does nothing more.
    assert waivers.lapse_expired(TODAY + timedelta(days=12)) == []
    # And the approval is not possible again until a new waiver exists.
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(item, office, "approve", reason="Again.")
    assert "waiver" in caught.value.errors


def test_a_second_active_waiver_keeps_the_approval(policy):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    _waiver(item, office, policy, days=10)
    workflow.transition(item, office, "approve", reason="Covered.")
    db.session.commit()
    _waiver(item, office, policy, days=300)  # renewed before the first expires
    waivers.lapse_expired(TODAY + timedelta(days=11))
    db.session.commit()
    assert item.state == State.APPROVED


def test_an_expired_waiver_of_a_rejected_request_only_lapses(policy):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    _waiver(item, office, policy, days=10)
    workflow.transition(item, office, "reject", reason="Changed our mind.")
    db.session.commit()
    assert len(waivers.lapse_expired(TODAY + timedelta(days=11))) == 1
    db.session.commit()
    assert item.state == State.REJECTED


def test_people_cannot_take_the_apps_own_reopen_step(policy):
    item, engineer, office = scanned_request("mit", context="distributed", reviewed=True)
    workflow.transition(item, office, "approve", reason="Fine.")
    db.session.commit()
    for who in (engineer, office):
        with pytest.raises(NotAllowed):
            workflow.transition(item, who, "reopen", expected_version=None, reason="x")
    assert all(t.name != "reopen" for t in workflow.allowed_transitions(item, office))


def test_the_list_filters_by_status_and_search(policy):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    soon = _waiver(item, office, policy, days=10)
    later = _waiver(item, office, policy, days=200, code="CANT_FIX_EXCEPTION")

    def ids(status, q="", today=TODAY):
        return [w.id for w in db.session.scalars(waivers.list_query(status, q, today))]

    assert ids("active") == [soon.id, later.id]
    assert ids("expiring") == [soon.id]
    assert ids("expired") == []
    assert ids("active", today=TODAY + timedelta(days=11)) == [later.id]
    assert ids("expired", today=TODAY + timedelta(days=11)) == [soon.id]
    assert ids("all", q="cant_fix") == [later.id]
    assert ids("all", q=item.component.name) == [soon.id, later.id]
    assert ids("all", q="nothing-like-this") == []


def test_flask_waivers_lapse_and_list_from_cron(policy, runner):
    item, _, office = scanned_request("gpl-3.0", context="distributed", reviewed=True)
    waiver = _waiver(item, office, policy, days=10)
    workflow.transition(item, office, "approve", reason="Covered.")
    db.session.commit()
    listed = runner.invoke(args=["waivers", "list"])
    assert listed.exit_code == 0 and "LICENSE_ACQUIRED_EXCEPTION" in listed.output
    waiver.expires_on = TODAY - timedelta(days=1)  # as if ten days had passed
    db.session.commit()
    result = runner.invoke(args=["waivers", "lapse"])
    assert result.exit_code == 0 and "1 waiver(s) lapsed." in result.output
    db.session.expire_all()
    assert db.session.get(type(item), item.id).state == State.IN_REVIEW
    assert "0 waiver(s) lapsed." in runner.invoke(args=["waivers", "lapse"]).output
    expired = runner.invoke(args=["waivers", "list", "--status", "expired"])
    assert "[expired]" in expired.output
