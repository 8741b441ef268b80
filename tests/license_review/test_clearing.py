"""The office's license clearing: a concluded license with a reason, detections marked as not
applying, the verdicts of every request of the component judged on them, audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from governance import policies
from governance.audit import services as audit
from governance.database import db
from governance.errors import NotAllowed, ValidationFailed
from governance.license_review import clearing
from governance.license_review.models import LicenseVerdict
from governance.license_review.services import changed_verdicts, license_json
from governance.license_review.verdicts import verdict_for
from governance.scans.models import Scan, ScanState
from governance.workflow import services as workflow
from tests.license_review.helpers import request_with_summary

# What scancode reports for typing_extensions 4.15.0: the manifest declares PSF-2.0; its
# LICENSE tells the history of the Python license, GPL included.
TYPING_EXTENSIONS = {
    "declared_license_expression": "psf-2.0", "declared_license_expression_spdx": "PSF-2.0",
    "detected": [
        {"license_expression": "psf-2.0", "license_expression_spdx": "PSF-2.0", "files": 2},
        {"license_expression": "python AND gpl-1.0-plus AND bsd-new AND bsd-zero",
         "license_expression_spdx": "Python-2.0 AND GPL-1.0-or-later AND BSD-3-Clause AND "
                                    "0BSD", "files": 1},
        {"license_expression": "unknown-license-reference",
         "license_expression_spdx": "LicenseRef-scancode-unknown-license-reference",
         "files": 1}],
}
HISTORY = "Python-2.0 AND GPL-1.0-or-later AND BSD-3-Clause AND 0BSD"


_request = request_with_summary


def _conclude(item, office, expression="PSF-2.0", code="license-history-text",
              reason="The GPL in LICENSE is the history of the Python license.", option=None):
    row = clearing.conclude(item.component, office,
                            clearing.ConclusionInput(expression, code, reason, option))
    db.session.commit()
    return row


def test_a_disagreeing_finding_raises_the_declared_verdict_to_review_never_to_deny():
    item, _ = _request(TYPING_EXTENSIONS)
    verdict = verdict_for(item, policies.license_policy())
    assert verdict.basis == "declared" and verdict.expression_spdx == "PSF-2.0"
    assert verdict.evaluation["verdict"] == "allow"
    assert verdict.verdict == "review" and "GPL-1.0-or-later" in verdict.raised
    findings = {d.expression_spdx: d.finding for d in verdict.detected}
    assert findings == {"PSF-2.0": "agrees", HISTORY: "disagrees",
                        "LicenseRef-scancode-unknown-license-reference": "unidentified"}


def test_the_concluded_license_decides_and_is_audited_and_stored():
    item, office = _request(TYPING_EXTENSIONS)
    row = _conclude(item, office)
    assert (row.expression_spdx, row.reason_code, row.concluded_by_id) == (
        "PSF-2.0", "license-history-text", office.id)
    verdict = verdict_for(item, policies.license_policy())
    assert (verdict.basis, verdict.verdict, verdict.raised) == ("concluded", "allow", "")
    # The history stays visible as a finding for whoever looks next.
    assert [d.expression_spdx for d in verdict.findings] == [HISTORY]
    stored = db.session.scalars(select(LicenseVerdict).where(
        LicenseVerdict.clearing_digest == verdict.clearing_digest)).one()
    assert stored.basis == "concluded"
    [event] = audit.events_for("component", item.component_id)
    assert event.action == "license_concluded" and event.after["expression"] == "PSF-2.0"
    assert event.actor_id == office.id


def test_a_conclusion_judges_every_request_of_that_version():
    first, office = _request(TYPING_EXTENSIONS)
    second, _ = _request(TYPING_EXTENSIONS, office=office)
    assert first.component_id == second.component_id
    _conclude(first, office)
    assert verdict_for(second, policies.license_policy()).verdict == "allow"


def test_a_dismissed_detection_no_longer_raises_the_verdict_and_can_be_restored():
    item, office = _request(TYPING_EXTENSIONS)
    dismissal = clearing.dismiss(item.component, office, HISTORY, "license-history-text",
                                 "The history of the Python license.")
    db.session.commit()
    verdict = verdict_for(item, policies.license_policy())
    assert verdict.verdict == "allow" and verdict.basis == "declared"
    assert {d.expression_spdx: d.finding for d in verdict.detected}[HISTORY] == "dismissed"
    clearing.restore_detection(item.component, office, dismissal.id)
    db.session.commit()
    assert verdict_for(item, policies.license_policy()).verdict == "review"
    actions = [e.action for e in audit.events_for("component", item.component_id)]
    assert actions == ["detection_dismissed", "detection_restored"]


@pytest.mark.parametrize("expression,option,code,reason,field", [
    ("", None, "license-history-text", "x", "expression"),
    ("PSF-2.0 AND (", None, "license-history-text", "x", "expression"),
    ("No-Such-License-9", None, "license-history-text", "x", "expression"),
    ("MIT WITH Classpath-exception-2.0", None, "license-history-text", "x", "expression"),
    ("MIT OR GPL-3.0-or-later", "Apache-2.0", "dual-license-choice", "x", "option"),
    ("MIT", "MIT", "dual-license-choice", "x", "option"),
    ("PSF-2.0", None, "NOT-A-CODE", "x", "reason_code"),
    ("PSF-2.0", None, "license-history-text", "   ", "reason"),
])
def test_a_conclusion_that_cannot_stand_is_refused_with_the_field(expression, option, code,
                                                                   reason, field):
    item, office = _request(TYPING_EXTENSIONS)
    with pytest.raises(ValidationFailed) as caught:
        clearing.conclude(item.component, office,
                          clearing.ConclusionInput(expression, code, reason, option))
    assert field in caught.value.errors
    db.session.rollback()
    assert clearing.conclusion_of(item.component) is None
    assert audit.events_for("component", item.component_id) == []


def test_only_the_office_concludes_or_dismisses():
    item, _ = _request(TYPING_EXTENSIONS)
    engineer = item.requester
    with pytest.raises(NotAllowed):
        _conclude(item, engineer)
    with pytest.raises(NotAllowed):
        clearing.dismiss(item.component, engineer, HISTORY, "license-history-text", "x")
    db.session.rollback()
    assert clearing.conclusion_of(item.component) is None


def test_only_a_detected_expression_can_be_dismissed():
    item, office = _request(TYPING_EXTENSIONS)
    with pytest.raises(ValidationFailed) as caught:
        clearing.dismiss(item.component, office, "GPL-3.0-only", "detection-false-positive",
                         "Not there at all.")
    assert "expression" in caught.value.errors


def test_the_option_taken_in_an_or_decides_the_verdict_and_its_obligations():
    dual = {"declared_license_expression": "mit OR gpl-3.0-plus",
            "declared_license_expression_spdx": "MIT OR GPL-3.0-or-later", "detected": []}
    item, office = _request(dual, purl="pkg:npm/jszip@3.10.1")
    _conclude(item, office, "MIT OR GPL-3.0-or-later", "dual-license-choice",
              "We take MIT; the GPL text ships as the other choice.", option="GPL-3.0-or-later")
    verdict = verdict_for(item, policies.license_policy())
    assert verdict.verdict == "deny" and verdict.evaluation["chosen"] == "GPL-3.0-or-later"
    _conclude(item, office, "MIT OR GPL-3.0-or-later", "dual-license-choice",
              "We take MIT.", option="MIT")
    verdict = verdict_for(item, policies.license_policy())
    assert verdict.verdict == "allow"
    assert "source-offer" not in {o["id"] for o in verdict.evaluation["obligations"]}


def test_the_next_version_with_the_same_findings_is_offered_the_conclusion():
    item, office = _request(TYPING_EXTENSIONS)
    _conclude(item, office)
    nxt, _ = _request(TYPING_EXTENSIONS, office=office,
                      purl="pkg:pypi/typing-extensions@4.15.1")
    suggestion = clearing.suggestion_for(nxt.component)
    assert suggestion.conclusion.expression_spdx == "PSF-2.0"
    assert suggestion.component.version == "4.15.0"
    # Not applied by itself: the office confirms it.
    assert verdict_for(nxt, policies.license_policy()).verdict == "review"
    changed = dict(TYPING_EXTENSIONS, detected=TYPING_EXTENSIONS["detected"][:1])
    other, _ = _request(changed, office=office, purl="pkg:pypi/typing-extensions@4.16.0")
    assert clearing.suggestion_for(other.component) is None


def test_a_decided_request_keeps_its_verdict_and_shows_the_one_of_today():
    item, office = _request(TYPING_EXTENSIONS, context="internal")
    workflow.transition(item, office, "approve", reason="Internal tooling.")
    db.session.commit()
    policy = policies.license_policy()
    assert license_json(item, policy)["verdict"]["current"]["holds"] is True
    # A later scan finds a license the policy denies internally too (a commercial one).
    db.session.add(Scan(request=item, state=ScanState.SUCCEEDED, summary={
        "declared_license_expression": "commercial-license",
        "declared_license_expression_spdx": "LicenseRef-scancode-commercial-license",
        "detected": []}))
    db.session.commit()
    answer = license_json(item, policy)["verdict"]
    assert answer["recorded"]["outcome"] == "allow"
    assert answer["current"]["holds"] is False and answer["current"]["worse"] is True
    assert any("later scan" in c for c in answer["current"]["changes"])
    [standing] = changed_verdicts()
    assert standing.recorded.request_id == item.id and standing.worse


def test_only_approvals_that_got_worse_need_a_look():
    approved, office = _request(TYPING_EXTENSIONS, context="internal")
    workflow.transition(approved, office, "approve", reason="Internal tooling.")
    rejected, _ = _request(TYPING_EXTENSIONS, context="internal", office=office,
                           purl="pkg:pypi/typing-extensions@4.14.0")
    workflow.transition(rejected, office, "reject", reason="Not needed.")
    db.session.commit()
    for item in (approved, rejected):
        db.session.add(Scan(request=item, state=ScanState.SUCCEEDED, summary={
            "declared_license_expression": "commercial-license", "detected": []}))
    db.session.commit()
    found = {s.recorded.request_id: s for s in changed_verdicts()}
    assert set(found) == {approved.id, rejected.id}
    assert found[approved.id].needs_a_look and not found[rejected.id].needs_a_look
    assert found[rejected.id].worse  # the page still says so, but nobody is asked to act
