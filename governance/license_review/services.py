"""The license side of the office's decisions: a deny passes only with a waiver that covers
it, and the verdict a decision was made on is recorded with it (with the policy's digest).

The verdicts themselves are computed and stored in license_review.verdicts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from governance import policies
from governance.database import db
from governance.license_review.clearing import conclusions_of, to_dict
from governance.license_review.models import RecordedVerdict, Waiver
from governance.license_review.verdicts import (
    RequestVerdict,
    license_reviewed_requests,
    verdict_for,
    verdicts_for,
)
from governance.licensing.model import RANK
from governance.licensing.policy import LicensePolicy
from governance.scans.services import latest_finished_scan
from governance.states import DECIDED_STATES, TRANSITIONS, Transition
from governance.workflow.models import Request

# --- decisions --------------------------------------------------------------------------------

def waivers_of(request) -> list[Waiver]:
    return list(db.session.scalars(
        select(Waiver).where(Waiver.request_id == request.id)
        .order_by(Waiver.expires_on.desc(), Waiver.id.desc())))


def active_waivers(request_ids, today: date | None = None) -> dict[int, list[Waiver]]:
    """The active waivers of many requests in one read, the longest-lived first."""
    today = today or date.today()
    ids = sorted(set(request_ids))
    found: dict[int, list[Waiver]] = {}
    if not ids:
        return found
    for waiver in db.session.scalars(
            select(Waiver).where(Waiver.request_id.in_(ids), Waiver.lapsed_at.is_(None),
                                 Waiver.expires_on >= today)
            .order_by(Waiver.expires_on.desc(), Waiver.id.desc())):
        found.setdefault(waiver.request_id, []).append(waiver)
    return found


def covering_waiver(request, verdict: RequestVerdict, today: date | None = None) -> Waiver | None:
    """The active waiver for this denied expression in this context, the longest-lived first."""
    today = today or date.today()
    return next((w for w in waivers_of(request)
                 if w.covers(verdict.context, verdict.expression_spdx, today)), None)


WITHOUT_SCAN = "without_scan_reason"
MAX_WITHOUT_SCAN_REASON = 5000


def without_scan_reason(inputs: dict | None) -> str:
    return str((inputs or {}).get(WITHOUT_SCAN) or "").strip()


def check_decision(request, step: Transition, inputs: dict | None = None) -> dict[str, str]:
    """Nothing is approved blind: an approval needs a finished scan with a license verdict
    for the request's context, or the office's reason to approve without one. An approval of
    a denied license needs a waiver that covers it."""
    if not step.approves:
        return {}
    verdict = verdict_for(request, policies.license_policy())
    if verdict.verdict is None:
        reason = without_scan_reason(inputs)
        if not reason:
            scanned = verdict.scan_id is not None
            return {WITHOUT_SCAN: (
                ("The scan found no license to judge: conclude the license under License "
                 "verdict first" if scanned else
                 f"There is no finished scan with a license verdict for “{verdict.context}”: "
                 "scan the source first")
                + ", or approve without a license verdict and say why (e.g. the source "
                  "cannot be fetched). The reason is kept with the approval and shown "
                  "wherever it appears.")}
        if len(reason) > MAX_WITHOUT_SCAN_REASON:
            return {WITHOUT_SCAN: f"Keep it under {MAX_WITHOUT_SCAN_REASON:,} characters."}
        return {}
    if verdict.verdict == "deny" and covering_waiver(request, verdict) is None:
        return {"waiver": (f"The license policy denies {verdict.expression_spdx} for "
                           f"“{verdict.context}”. It can only be approved with a waiver: add "
                           "one (reason code, text, expiry date) under License verdict, "
                           "or reject the request.")}
    return {}


def record_decision(request, step: Transition, actor, inputs: dict | None = None) -> dict:
    """Keep the verdict the decision was made on, with the policy version, in its
    transaction; an approval of a deny also keeps the waiver it relied on, and one without a
    license verdict the office's reason."""
    policy = policies.license_policy()
    verdict = verdict_for(request, policy)
    waiver = None
    if step.approves and verdict.verdict == "deny":
        waiver = covering_waiver(request, verdict)
    blind = without_scan_reason(inputs) if step.approves and verdict.verdict is None else ""
    recorded = RecordedVerdict(
        request_id=request.id, scan_id=verdict.scan_id, occasion=step.event,
        context=verdict.context, verdict=verdict.verdict,
        expression_spdx=verdict.expression_spdx, evaluation=verdict.evaluation,
        policy_version=policy.version, policy_digest=policy.digest, waiver=waiver,
        basis=verdict.basis, clearing_digest=verdict.clearing_digest,
        without_scan_reason=blind, recorded_by_id=getattr(actor, "id", None))
    db.session.add(recorded)
    fields = {"license_verdict": verdict.verdict, "policy_version": policy.version,
              "policy_digest": policy.digest}
    if blind:
        fields[WITHOUT_SCAN] = blind
    if waiver is not None:
        fields["waiver_id"] = waiver.id
    return fields


def recorded_verdict(request) -> RecordedVerdict | None:
    """The verdict recorded with the request's latest decision."""
    return db.session.scalars(
        select(RecordedVerdict).where(RecordedVerdict.request_id == request.id)
        .order_by(RecordedVerdict.recorded_at.desc(), RecordedVerdict.id.desc()).limit(1)
    ).first()


# --- the verdict that holds today -------------------------------------------------------------

# The audit events (RecordedVerdict.occasion) of the steps that approve.
APPROVAL_EVENTS = frozenset(t.event for t in TRANSITIONS.values() if t.approves)


@dataclass
class Standing:
    """A decided request's recorded verdict beside the one that holds now."""

    recorded: RecordedVerdict
    current: RequestVerdict
    changes: list[str]  # what differs: a later scan, the office's clearing, the policy

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def needs_a_look(self) -> bool:
        """An approval whose verdict got worse: the office's to look at again."""
        return self.recorded.occasion in APPROVAL_EVENTS and self.worse

    @property
    def worse(self) -> bool:
        """The current verdict is worse than the one decided on (no verdict counts as allow:
        an approval without a scan whose scan now says review has become worse)."""
        return (RANK.get(self.current.verdict or "allow", 0)
                > RANK.get(self.recorded.verdict or "allow", 0))


def standing(recorded: RecordedVerdict | None, current: RequestVerdict,
             policy: LicensePolicy) -> Standing | None:
    if recorded is None:
        return None
    changes = []
    if current.scan_id != recorded.scan_id:
        changes.append(f"a later scan (#{current.scan_id})" if current.scan_id and
                       recorded.scan_id else "the scan finished after the decision"
                       if current.scan_id else "the scan is gone")
    if (current.clearing_digest or "") != (recorded.clearing_digest or ""):
        judged = "concluded" if current.basis == "concluded" else "declared"
        changes.append(f"the office's license clearing changed (now judged on the {judged} "
                       f"{current.expression_spdx or 'license: none'})")
    if policy.digest != recorded.policy_digest:
        changes.append(f"the license policy changed (version {recorded.policy_version} → "
                       f"{policy.version})" if policy.version != recorded.policy_version else
                       f"the license policy changed (now {policy.digest[:12]})")
    if current.verdict != recorded.verdict or current.expression_spdx != (
            recorded.expression_spdx or ""):
        if not changes:
            changes.append("the verdict was judged again")
    elif changes:
        changes = []  # the same verdict on the same expression: it still holds
    return Standing(recorded, current, changes)


def latest_recorded(request_ids) -> dict[int, RecordedVerdict]:
    """The verdict recorded with each request's latest decision, in one read."""
    result: dict[int, RecordedVerdict] = {}
    ids = sorted(set(request_ids))
    if not ids:
        return result
    for row in db.session.scalars(
            select(RecordedVerdict).where(RecordedVerdict.request_id.in_(ids))
            .order_by(RecordedVerdict.recorded_at, RecordedVerdict.id)):
        result[row.request_id] = row  # the last one read is the latest
    return result


def decided_license_requests() -> list:
    """Every decided request of a kind that reviews licenses, with its scans."""
    return license_reviewed_requests(Request.state.in_(sorted(DECIDED_STATES, key=str)))


def changed_verdicts(requests=None, policy: LicensePolicy | None = None) -> list[Standing]:
    """Of these decided requests (default: all), those whose verdict today differs from the
    one recorded, the worse ones first. Reads the stored verdicts; computes nothing per
    request."""
    policy = policy or policies.license_policy()
    requests = list(decided_license_requests() if requests is None else requests)
    current = verdicts_for(requests, policy)
    recorded = latest_recorded(r.id for r in requests)
    found = [s for s in (standing(recorded.get(r.id), current[r.id], policy) for r in requests)
             if s is not None and s.changed]
    return sorted(found, key=lambda s: (not s.needs_a_look, -s.recorded.request_id))


def license_json(request, policy: LicensePolicy) -> dict:
    """A request's license in the API's words: declared, detected, concluded and the verdict
    (recorded with the decision, and the one that holds today)."""
    return license_json_many([request], policy)[request.id]


def license_json_many(requests, policy: LicensePolicy) -> dict[int, dict]:
    """license_json() of many requests in a fixed number of reads (their scans loaded)."""
    requests = list(requests)
    current = verdicts_for(requests, policy)
    recorded = latest_recorded(r.id for r in requests)
    concluded = conclusions_of(getattr(r, "component_id", None) for r in requests)
    result = {}
    for request in requests:
        verdict, kept = current[request.id], recorded.get(request.id)
        scan = latest_finished_scan(request)
        summary = (scan.summary or {}) if scan is not None else {}
        held = standing(kept, verdict, policy)
        result[request.id] = {
            "declared": summary.get("declared_license_expression_spdx")
            or summary.get("declared_license_expression"),
            "detected": [{"expression": d.expression_spdx, "files": d.files,
                          "finding": d.finding, "verdict": d.verdict}
                         for d in verdict.detected],
            "concluded": to_dict(concluded.get(getattr(request, "component_id", None))),
            "verdict": {
                "outcome": verdict.verdict, "expression": verdict.expression_spdx or None,
                "policy_digest": policy.digest,
                "recorded": None if kept is None else {
                    "outcome": kept.verdict, "expression": kept.expression_spdx or None,
                    "policy_digest": kept.policy_digest, "basis": kept.basis or None,
                    "occasion": kept.occasion, "recorded_at": kept.recorded_at.isoformat(),
                    "waiver_id": kept.waiver_id,
                    "without_scan_reason": kept.without_scan_reason or None},
                "current": {
                    "outcome": verdict.verdict, "expression": verdict.expression_spdx or None,
                    "policy_digest": policy.digest, "basis": verdict.basis,
                    "scan_id": verdict.scan_id, "raised": verdict.raised or None,
                    "holds": held is None or not held.changed,
                    "worse": bool(held and held.worse),
                    "changes": held.changes if held else []},
            },
        }
    return result
