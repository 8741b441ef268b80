"""License verdicts, computed once and stored: per scan, usage context and policy digest.

What is judged: the declared license (what the package's manifest says, as scancode's summary
found it) decides; every expression detected in files is judged too, as findings for the
reviewer to confirm or dismiss, never as automatic denials.

When: a verdict row is written when a scan succeeds (scans' `scan_succeeded` signal, connected
in license_review.init_app), when a request's usage context changes, and for every row a new
policy lacks by refresh() (on the first request after start-up, and `flask verdicts refresh`).
Pages, exports and checks only read rows; a missing row (a policy swapped in a test, a scan
that finished before this code) is computed in memory for that read, never stored by a read.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectin_polymorphic, selectinload

from governance.database import db
from governance.license_review.models import LicenseVerdict
from governance.licensing.policy import LicensePolicy, evaluate_text
from governance.scans.models import Scan
from governance.scans.services import latest_finished_scan
from governance.workflow import kinds
from governance.workflow.models import Request

log = logging.getLogger(__name__)


@dataclass
class DetectedVerdict:
    expression_spdx: str
    files: int
    evaluation: dict  # Evaluation.to_dict(), or {"error": ...} for an unreadable expression


@dataclass
class RequestVerdict:
    context: str
    # "declared" when the scan found a declared license; "none" when there is nothing to judge
    basis: str
    # Evaluation.to_dict() of the declared expression, or {"error": ...}; None: nothing judged.
    evaluation: dict | None = None
    detected: list[DetectedVerdict] = field(default_factory=list)
    scan_id: int | None = None

    @property
    def verdict(self) -> str | None:
        """The verdict the decision rests on: the declared license's. An unreadable declared
        expression is "review" (never allow); nothing to judge is None."""
        if self.evaluation is None:
            return None
        return "review" if "error" in self.evaluation else self.evaluation.get("verdict")

    @property
    def expression_spdx(self) -> str:
        evaluation = self.evaluation or {}
        return evaluation.get("expression_spdx") or evaluation.get("expression") or ""

    @property
    def licenses(self) -> list[dict]:
        return list((self.evaluation or {}).get("licenses") or [])

    @property
    def worst_detected(self) -> str | None:
        verdicts = [d.evaluation.get("verdict") for d in self.detected]
        return next((v for v in ("deny", "review", "allow") if v in verdicts), None)


def judge(summary: dict, context: str, policy: LicensePolicy,
          scan_id: int | None = None) -> RequestVerdict:
    """The policy's verdict on a scan summary for a context (pure: reads no database)."""
    declared = summary.get("declared_license_expression")
    result = RequestVerdict(context=context, basis="declared" if declared else "none",
                            scan_id=scan_id)
    if declared:
        result.evaluation = evaluate_text(policy, declared, context).to_dict()
    for detected in summary.get("detected") or []:
        expression = detected.get("license_expression")
        if expression:
            result.detected.append(DetectedVerdict(
                detected.get("license_expression_spdx") or expression, detected.get("files", 0),
                evaluate_text(policy, expression, context).to_dict()))
    return result


def _from_row(row: LicenseVerdict) -> RequestVerdict:
    return RequestVerdict(
        context=row.context, basis=row.basis, evaluation=row.evaluation, scan_id=row.scan_id,
        detected=[DetectedVerdict(d["expression_spdx"], d["files"], d["evaluation"])
                  for d in row.detected or []])


def _nothing(request) -> RequestVerdict:
    return RequestVerdict(context=getattr(request, "usage_context", None) or "", basis="none")


# --- reading --------------------------------------------------------------------------------

def verdict_for(request, policy: LicensePolicy) -> RequestVerdict:
    """The verdict for `request.usage_context` from its latest successful scan."""
    return verdicts_for([request], policy)[request.id]


def verdicts_for(requests, policy: LicensePolicy) -> dict[int, RequestVerdict]:
    """The verdicts of many requests in one read of the stored rows (the requests' scans
    should be loaded with them, e.g. selectinload(Request.scans))."""
    result, wanted = {}, {}
    for request in requests:
        context = getattr(request, "usage_context", None)
        scan = latest_finished_scan(request)
        if context is None or scan is None:
            result[request.id] = _nothing(request)
        else:
            wanted[request.id] = (scan, context)
    if not wanted:
        return result
    rows = {(row.scan_id, row.context): row for row in db.session.scalars(
        select(LicenseVerdict).where(
            LicenseVerdict.policy_digest == policy.digest,
            tuple_(LicenseVerdict.scan_id, LicenseVerdict.context).in_(
                [(scan.id, context) for scan, context in wanted.values()])))}
    for request_id, (scan, context) in wanted.items():
        row = rows.get((scan.id, context))
        result[request_id] = (_from_row(row) if row is not None
                              else judge(scan.summary, context, policy, scan.id))
    return result


# --- writing --------------------------------------------------------------------------------

def store(scan: Scan, context: str, policy: LicensePolicy) -> LicenseVerdict:
    """The stored row for this scan, context and policy, computed and added when missing.
    Flushes; the caller commits."""
    row = db.session.scalar(select(LicenseVerdict).where(
        LicenseVerdict.scan_id == scan.id, LicenseVerdict.context == context,
        LicenseVerdict.policy_digest == policy.digest))
    if row is None:
        row = _row(judge(scan.summary or {}, context, policy, scan.id), policy)
        db.session.add(row)
        db.session.flush()
    return row


def _row(verdict: RequestVerdict, policy: LicensePolicy) -> LicenseVerdict:
    return LicenseVerdict(
        scan_id=verdict.scan_id, context=verdict.context, policy_digest=policy.digest,
        basis=verdict.basis, evaluation=verdict.evaluation,
        detected=[{"expression_spdx": d.expression_spdx, "files": d.files,
                   "evaluation": d.evaluation} for d in verdict.detected])


def store_for(request, policy: LicensePolicy) -> LicenseVerdict | None:
    """After a request's usage context changed: its latest scan judged for the new one."""
    scan = latest_finished_scan(request)
    context = getattr(request, "usage_context", None)
    if scan is None or context is None:
        return None
    return store(scan, context, policy)


def on_scan_succeeded(scan: Scan, policy: LicensePolicy) -> None:
    """A scan of a request whose kind reviews licenses succeeded: judge it, in its
    transaction."""
    request = scan.request
    kind = kinds.registered().get(request.kind) if request is not None else None
    if kind is not None and kind.reviews_license:
        store_for(request, policy)


def refresh(policy: LicensePolicy) -> int:
    """Store every verdict the policy lacks: each license-reviewed request's latest
    successful scan in its context. Exactly the missing rows are computed; returns how many.
    Commits; a row another process stored first is left to it."""
    reviewed = [k for k in kinds.registered().values() if k.reviews_license]
    if not reviewed:
        return 0
    requests = db.session.scalars(
        select(Request).where(Request.kind.in_([k.name for k in reviewed]))
        .options(selectin_polymorphic(Request, [k.model for k in reviewed]),
                 selectinload(Request.scans))).all()
    have = set(db.session.execute(
        select(LicenseVerdict.scan_id, LicenseVerdict.context)
        .where(LicenseVerdict.policy_digest == policy.digest)).all())
    added = 0
    for request in requests:
        scan = latest_finished_scan(request)
        context = getattr(request, "usage_context", None)
        if scan is None or context is None or (scan.id, context) in have:
            continue
        db.session.add(_row(judge(scan.summary, context, policy, scan.id), policy))
        have.add((scan.id, context))
        added += 1
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker process refreshed at the same moment
        log.info("verdicts were refreshed by another process")
        return 0
    return added

