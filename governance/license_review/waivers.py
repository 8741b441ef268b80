"""Waivers: the office lets a denied license through, for a reason, until a date.

A waiver covers one expression in one usage context, as the policy denied it. When it
expires, the approval that relied on it goes back to review (lapse_expired, run by the
job runner and by `flask waivers lapse`), unless another active waiver covers the same deny.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, or_, select

from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import User
from governance.database import db, utcnow
from governance.errors import ValidationFailed
from governance.license_review.models import Waiver
from governance.license_review.services import recorded_verdict, waivers_of
from governance.license_review.verdicts import verdict_for
from governance.licensing.policy import LicensePolicy
from governance.states import APPROVED_STATES, State
from governance.workflow import services as workflow
from governance.workflow.models import Request

MAX_TEXT = 5000
# A waiver is an exception, not a second policy: at most this far ahead, then look again.
MAX_DURATION = timedelta(days=3 * 366)
GRANTABLE_STATES = frozenset({State.SUBMITTED, State.IN_REVIEW} | APPROVED_STATES)


@dataclass
class WaiverInput:
    reason_code: str
    text: str
    expires_on: date | None


def may_grant_waiver(request: Request, verdict, user: User) -> bool:
    """Whether to offer the waiver form: the office, on someone else's request, with a deny."""
    return (may.office_work(user, request) and request.state in GRANTABLE_STATES
            and verdict.verdict == "deny")


def grant(request: Request, actor: User, data: WaiverInput, policy: LicensePolicy,
          today: date | None = None) -> Waiver:
    """Record a waiver for the request's current deny verdict."""
    today = today or date.today()
    workflow.check_office_work(request, actor, GRANTABLE_STATES, "grant a waiver")
    verdict = verdict_for(request, policy)
    if verdict.verdict != "deny":
        raise ValidationFailed({"reason_code": (
            "Only a deny needs a waiver; the license verdict here is "
            f"{verdict.verdict or 'not available yet'}.")})
    text = (data.text or "").strip()
    errors = {}
    if data.reason_code not in policy.waiver_reasons:
        errors["reason_code"] = "Choose one of the policy's reason codes."
    if not text:
        errors["text"] = "Explain why the office accepts this license here."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Keep it under {MAX_TEXT:,} characters."
    if data.expires_on is None:
        errors["expires_on"] = "Every waiver needs an expiry date."
    elif data.expires_on <= today:
        errors["expires_on"] = "The expiry date must be in the future."
    elif data.expires_on > today + MAX_DURATION:
        errors["expires_on"] = "A waiver lasts at most three years; review it again then."
    if errors:
        raise ValidationFailed(errors)
    waiver = Waiver(request_id=request.id, reason_code=data.reason_code, text=text,
                    expires_on=data.expires_on, context=verdict.context,
                    expression_spdx=verdict.expression_spdx, policy_digest=policy.digest,
                    created_by=actor)
    db.session.add(waiver)
    db.session.flush()
    audit.record(actor, "request", request.id, "waiver_granted",
                 summary=f"Waiver {data.reason_code} for {verdict.expression_spdx} until "
                         f"{data.expires_on.isoformat()}",
                 after={"waiver_id": waiver.id, "reason_code": data.reason_code,
                        "text": text, "expires_on": data.expires_on.isoformat(),
                        "expression": verdict.expression_spdx, "context": verdict.context})
    return waiver


def lapse_expired(today: date | None = None) -> list[Waiver]:
    """Lapse every waiver past its expiry date; an approval that relied on one goes back to
    review unless another active waiver covers the same deny. One transaction per call."""
    today = today or date.today()
    expired = list(db.session.scalars(
        select(Waiver).where(Waiver.lapsed_at.is_(None), Waiver.expires_on < today)
        .order_by(Waiver.id)))
    for waiver in expired:
        waiver.lapsed_at = utcnow()
        audit.record(None, "request", waiver.request_id, "waiver_lapsed",
                     summary=f"Waiver {waiver.reason_code} expired on "
                             f"{waiver.expires_on.isoformat()}",
                     after={"waiver_id": waiver.id})
        db.session.flush()
        _reopen_if_it_relied_on(waiver, today)
    return expired


def _reopen_if_it_relied_on(waiver: Waiver, today: date) -> None:
    request = waiver.request
    if not request.state.is_approved:
        return
    decision = recorded_verdict(request)
    if decision is None or decision.waiver_id is None:
        return
    # The lapsed waiver itself covers nothing any more; a renewal may.
    if any(w.covers(decision.context, decision.expression_spdx, today)
           for w in waivers_of(request)):
        return
    workflow.reopen(request, reason=(
        f"The waiver this approval relied on ({waiver.reason_code}) expired on "
        f"{waiver.expires_on.isoformat()}; the license policy denies "
        f"{decision.expression_spdx} for “{decision.context}”."))


STATUSES = ("active", "expiring", "expired", "all")


def list_query(status: str = "active", q: str = "", today: date | None = None) -> Select:
    """Waivers for the list page: active ones soonest-expiring first."""
    today = today or date.today()
    query = select(Waiver).join(Request, Waiver.request_id == Request.id)
    if status == "active":
        query = query.where(Waiver.lapsed_at.is_(None), Waiver.expires_on >= today)
    elif status == "expiring":
        query = query.where(Waiver.lapsed_at.is_(None), Waiver.expires_on >= today,
                            Waiver.expires_on <= today + timedelta(days=30))
    elif status == "expired":
        query = query.where(or_(Waiver.lapsed_at.is_not(None), Waiver.expires_on < today))
    if q:
        like = f"%{q.lower()}%"
        # A request's title names its package ("Adopt name@version").
        query = query.where(or_(Request.title.ilike(like), Waiver.expression_spdx.ilike(like),
                                Waiver.reason_code.ilike(like)))
    order = Waiver.expires_on.desc() if status == "expired" else Waiver.expires_on.asc()
    return query.order_by(order, Waiver.id.desc())
