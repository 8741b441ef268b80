"""The office's license clearing of a package version: the concluded license with its reason,
the detections marked as not applying, and the suggestion carried from another version whose
findings were the same.

Each change is audited on the component and re-judges, in the same transaction, every request
of that component (their stored verdicts gain a row for the new clearing).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance import policies
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.components.models import Component
from governance.database import db, utcnow
from governance.errors import NotFound, ValidationFailed
from governance.license_review import verdicts
from governance.license_review.models import DetectionDismissal, LicenseConclusion
from governance.licensing.clearing import check_conclusion, findings_digest
from governance.licensing.expressions import ExpressionError, render
from governance.scans.services import latest_finished_scan
from governance.workflow import kinds
from governance.workflow.models import Request

MAX_REASON = 5000


@dataclass
class ConclusionInput:
    expression: str
    reason_code: str
    reason: str
    option: str | None = None


@dataclass
class Suggestion:
    """Another version's conclusion, offered because its scan found exactly the same."""

    conclusion: LicenseConclusion
    component: Component


def component_requests(component: Component) -> list[Request]:
    """Every license-reviewed request of the component, with its scans."""
    reviewed = [k for k in kinds.registered().values() if k.reviews_license]
    found = []
    for kind in reviewed:
        model = kind.model
        if not hasattr(model, "component_id"):
            continue
        found += db.session.scalars(
            select(model).where(model.component_id == component.id)
            .options(selectinload(Request.scans)).order_by(model.id)).all()
    return found


def latest_component_scan(component: Component, requests: list[Request] | None = None):
    """The newest finished scan of any of the component's requests (given, or read)."""
    if requests is None:
        requests = component_requests(component)
    scans = [s for s in (latest_finished_scan(r) for r in requests) if s]
    return max(scans, key=lambda s: (s.finished_at, s.id)) if scans else None


def scan_findings_digest(scan) -> str:
    summary = (scan.summary if scan is not None else None) or {}
    return findings_digest(summary.get("declared_license_expression_spdx")
                           or summary.get("declared_license_expression"),
                           [d.get("license_expression_spdx") or d.get("license_expression", "")
                            for d in summary.get("detected") or []])


def conclusion_of(component: Component) -> LicenseConclusion | None:
    return db.session.scalar(select(LicenseConclusion)
                             .where(LicenseConclusion.component_id == component.id))


def conclusions_of(component_ids) -> dict[int, LicenseConclusion]:
    """The conclusions of many components in one read (with who concluded)."""
    ids = sorted({i for i in component_ids if i is not None})
    if not ids:
        return {}
    return {c.component_id: c for c in db.session.scalars(
        select(LicenseConclusion).where(LicenseConclusion.component_id.in_(ids))
        .options(selectinload(LicenseConclusion.concluded_by)))}


def dismissals_of(component: Component) -> list[DetectionDismissal]:
    return list(db.session.scalars(
        select(DetectionDismissal).where(DetectionDismissal.component_id == component.id)
        .order_by(DetectionDismissal.expression_spdx)))


def get_component(component_id: int) -> Component:
    component = db.session.get(Component, component_id)
    if component is None:
        raise NotFound("No such component.")
    return component


def _check_reason(code: str, reason: str, field: str = "reason") -> dict[str, str]:
    errors = {}
    if policies.clearing_rules().reason(code) is None:
        errors["reason_code"] = ("Choose one of the reason codes: " + ", ".join(
            r.id for r in policies.clearing_rules().reason_codes) + ".")
    if not reason:
        errors[field] = "Say why, for whoever reads this decision later."
    elif len(reason) > MAX_REASON:
        errors[field] = f"Keep it under {MAX_REASON:,} characters."
    return errors


def conclude(component: Component, actor, data: ConclusionInput) -> LicenseConclusion:
    """Record (or replace) the office's concluded license for the component. Adds to the
    session and flushes; the caller commits."""
    may.conclude_license.require(actor)
    reason = (data.reason or "").strip()
    errors = _check_reason(data.reason_code, reason)
    expression = option = None
    try:
        node, chosen = check_conclusion(data.expression or "", data.option)
        expression = render(node, spdx=True)
        option = render(chosen, spdx=True) if chosen is not None else ""
    except ExpressionError as exc:
        key = "option" if data.option and "option" in exc.reason else "expression"
        errors[key] = exc.reason
    if errors:
        raise ValidationFailed(errors)
    requests = component_requests(component)
    scan = latest_component_scan(component, requests)
    row = conclusion_of(component)
    before = _snapshot(row)
    if row is None:
        row = LicenseConclusion(component_id=component.id)
        db.session.add(row)
    row.expression_spdx, row.option_spdx = expression, option
    row.reason_code, row.reason = data.reason_code, reason
    row.scan_id = scan.id if scan else None
    row.findings_digest = scan_findings_digest(scan) if scan else ""
    row.concluded_by_id, row.concluded_at = actor.id, utcnow()
    db.session.flush()
    audit.record(actor, "component", component.id, "license_concluded",
                 summary=f"Concluded {expression}" + (f", taking {option}" if option else "")
                         + f" ({data.reason_code})",
                 before=before, after=_snapshot(row))
    _rejudge(requests)
    return row


def withdraw_conclusion(component: Component, actor, reason: str) -> None:
    """Back to the declared license, saying why."""
    may.conclude_license.require(actor)
    reason = (reason or "").strip()
    row = conclusion_of(component)
    errors = {}
    if row is None:
        errors["expression"] = "No license has been concluded for this component."
    if not reason:
        errors["reason"] = "Say why the conclusion no longer holds."
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Keep it under {MAX_REASON:,} characters."
    if errors:
        raise ValidationFailed(errors)
    audit.record(actor, "component", component.id, "conclusion_withdrawn",
                 summary=f"Withdrew the conclusion {row.expression_spdx}: {reason[:200]}",
                 before=_snapshot(row), after={"reason": reason})
    db.session.delete(row)
    db.session.flush()
    _rejudge(component_requests(component))


def dismiss(component: Component, actor, expression_spdx: str, reason_code: str,
            reason: str) -> DetectionDismissal:
    """Mark a detected expression as not applying to this package version."""
    may.conclude_license.require(actor)
    reason = (reason or "").strip()
    errors = _check_reason(reason_code, reason)
    expression_spdx = (expression_spdx or "").strip()
    requests = component_requests(component)
    scan = latest_component_scan(component, requests)
    detected = {d.get("license_expression_spdx") or d.get("license_expression")
                for d in ((scan.summary or {}).get("detected") or [] if scan else [])}
    if expression_spdx not in detected:
        errors["expression"] = "Only an expression the latest scan detected can be dismissed."
    elif any(d.expression_spdx == expression_spdx for d in dismissals_of(component)):
        errors["expression"] = "This detection is already marked as not applying."
    if errors:
        raise ValidationFailed(errors)
    row = DetectionDismissal(component_id=component.id, expression_spdx=expression_spdx,
                             reason_code=reason_code, reason=reason, created_by_id=actor.id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "component", component.id, "detection_dismissed",
                 summary=f"{expression_spdx} marked as not applying ({reason_code})",
                 after={"expression": expression_spdx, "reason_code": reason_code,
                        "reason": reason})
    _rejudge(requests)
    return row


def restore_detection(component: Component, actor, dismissal_id: int) -> None:
    may.conclude_license.require(actor)
    row = db.session.get(DetectionDismissal, dismissal_id)
    if row is None or row.component_id != component.id:
        raise NotFound("No such dismissed detection for this component.")
    audit.record(actor, "component", component.id, "detection_restored",
                 summary=f"{row.expression_spdx} counts again as a finding",
                 before={"expression": row.expression_spdx, "reason_code": row.reason_code,
                         "reason": row.reason})
    db.session.delete(row)
    db.session.flush()
    _rejudge(component_requests(component))


def suggestion_for(component: Component) -> Suggestion | None:
    """A conclusion of another version of the same package whose scan found exactly what
    this version's latest scan found; None when this version is concluded already."""
    if conclusion_of(component) is not None:
        return None
    scan = latest_component_scan(component)
    if scan is None:
        return None
    digest = scan_findings_digest(scan)
    found = db.session.execute(
        select(LicenseConclusion, Component).join(Component)
        .where(LicenseConclusion.findings_digest == digest,
               Component.type == component.type, Component.namespace == component.namespace,
               Component.name == component.name, Component.id != component.id)
        .order_by(LicenseConclusion.concluded_at.desc()).limit(1)).first()
    return Suggestion(found[0], found[1]) if found else None


def _rejudge(requests: list[Request]) -> None:
    """Store the verdict of each of the component's requests under its new clearing."""
    policy = policies.license_policy()
    for request in requests:
        verdicts.store_for(request, policy)


def _snapshot(row: LicenseConclusion | None) -> dict | None:
    if row is None:
        return None
    return {"expression": row.expression_spdx, "option": row.option_spdx or None,
            "reason_code": row.reason_code, "reason": row.reason, "scan_id": row.scan_id}


def to_dict(row: LicenseConclusion | None) -> dict | None:
    """The API's form of a conclusion."""
    if row is None:
        return None
    return {"expression": row.expression_spdx, "option": row.option_spdx or None,
            "reason_code": row.reason_code, "reason": row.reason, "scan_id": row.scan_id,
            "concluded_by": row.concluded_by.username if row.concluded_by else None,
            "concluded_at": row.concluded_at.isoformat() if row.concluded_at else None}
