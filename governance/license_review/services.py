"""The license side of the office's decisions: a deny passes only with a waiver that covers
it, and the verdict a decision was made on is recorded with it (with the policy's digest).

The verdicts themselves are computed and stored in license_review.verdicts.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from governance import policies
from governance.database import db
from governance.license_review.models import RecordedVerdict, Waiver
from governance.license_review.verdicts import RequestVerdict, verdict_for
from governance.states import Transition

# --- decisions --------------------------------------------------------------------------------

def waivers_of(request) -> list[Waiver]:
    return list(db.session.scalars(
        select(Waiver).where(Waiver.request_id == request.id)
        .order_by(Waiver.expires_on.desc(), Waiver.id.desc())))


def covering_waiver(request, verdict: RequestVerdict, today: date | None = None) -> Waiver | None:
    """The active waiver for this denied expression in this context, the longest-lived first."""
    today = today or date.today()
    return next((w for w in waivers_of(request)
                 if w.covers(verdict.context, verdict.expression_spdx, today)), None)


def check_decision(request, step: Transition) -> dict[str, str]:
    """An approval of a denied license needs a waiver that covers it."""
    if not step.approves:
        return {}
    verdict = verdict_for(request, policies.license_policy())
    if verdict.verdict == "deny" and covering_waiver(request, verdict) is None:
        return {"waiver": (f"The license policy denies {verdict.expression_spdx} for "
                           f"“{verdict.context}”. It can only be approved with a waiver: add "
                           "one (reason code, text, expiry date) under License verdict, "
                           "or reject the request.")}
    return {}


def record_decision(request, step: Transition, actor) -> dict:
    """Keep the verdict the decision was made on, with the policy version, in its
    transaction; an approval of a deny also keeps the waiver it relied on."""
    policy = policies.license_policy()
    verdict = verdict_for(request, policy)
    waiver = None
    if step.approves and verdict.verdict == "deny":
        waiver = covering_waiver(request, verdict)
    recorded = RecordedVerdict(
        request_id=request.id, scan_id=verdict.scan_id, occasion=step.event,
        context=verdict.context, verdict=verdict.verdict,
        expression_spdx=verdict.expression_spdx, evaluation=verdict.evaluation,
        policy_version=policy.version, policy_digest=policy.digest, waiver=waiver,
        recorded_by_id=getattr(actor, "id", None))
    db.session.add(recorded)
    fields = {"license_verdict": verdict.verdict, "policy_version": policy.version,
              "policy_digest": policy.digest}
    if waiver is not None:
        fields["waiver_id"] = waiver.id
    return fields


def recorded_verdict(request) -> RecordedVerdict | None:
    """The verdict recorded with the request's latest decision."""
    return db.session.scalars(
        select(RecordedVerdict).where(RecordedVerdict.request_id == request.id)
        .order_by(RecordedVerdict.recorded_at.desc(), RecordedVerdict.id.desc()).limit(1)
    ).first()
