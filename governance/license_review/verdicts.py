"""License verdicts, computed once and stored: per scan, usage context, policy digest and
clearing (the office's concluded license and dismissed detections for the component).

What is judged: the concluded license when the office concluded one, else the declared
license (what the package's primary manifest states). Every expression detected in files is
judged too and classified against it (licensing.clearing): a detection that names a license
the conclusion does not is a finding for the office. Without a conclusion, a disagreeing
finding that the policy judges worse raises the verdict to review (never to deny: the office
looks, then concludes or dismisses); nothing found is ever folded into an AND of everything.

When: a verdict row is written when a scan succeeds (scans' `scan_succeeded` signal, connected
in license_review.init_app), when a request's usage context changes, when the office
concludes a license or dismisses a detection, and for every row a new policy lacks by
refresh() (on the first request after start-up, and `flask verdicts refresh`). Pages, exports
and checks only read rows; a missing row is computed in memory for that read, never stored by
a read.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectin_polymorphic, selectinload

from governance.database import db
from governance.license_review.models import DetectionDismissal, LicenseConclusion, LicenseVerdict
from governance.licensing.clearing import (
    DISAGREES,
    NO_CLEARING,
    Clearing,
    classify,
)
from governance.licensing.expressions import ExpressionError, parse
from governance.licensing.model import RANK, worst
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
    # agrees | unidentified | disagrees | dismissed, against the concluded (or declared) one
    finding: str = DISAGREES

    @property
    def verdict(self) -> str | None:
        return self.evaluation.get("verdict")


@dataclass
class RequestVerdict:
    context: str
    # "concluded" when the office concluded the license, "declared" when the scan found a
    # declared license; "none" when there is nothing to judge
    basis: str
    # Evaluation.to_dict() of that expression, or {"error": ...}; None: nothing judged.
    evaluation: dict | None = None
    detected: list[DetectedVerdict] = field(default_factory=list)
    scan_id: int | None = None
    # Why the verdict is worse than the basis's own; "" when it is not.
    raised: str = ""
    clearing_digest: str = ""

    @property
    def verdict(self) -> str | None:
        """The verdict the decision rests on: the concluded (or declared) license's, raised to
        review by a disagreeing finding that was not concluded on. An unreadable expression
        is "review" (never allow); nothing to judge is None."""
        if self.evaluation is None:
            return None
        own = "review" if "error" in self.evaluation else self.evaluation.get("verdict")
        return worst([own, "review"]) if self.raised else own

    @property
    def findings(self) -> list[DetectedVerdict]:
        """The detections that name a license the conclusion does not: the office's to look at."""
        return [d for d in self.detected if d.finding == DISAGREES]

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


def judge(summary: dict, context: str, policy: LicensePolicy, scan_id: int | None = None,
          clearing: Clearing = NO_CLEARING) -> RequestVerdict:
    """The policy's verdict on a scan summary for a context, under the office's clearing
    (pure: reads no database)."""
    declared = summary.get("declared_license_expression")
    basis = "concluded" if clearing.expression else "declared" if declared else "none"
    judged = clearing.expression or declared
    result = RequestVerdict(context=context, basis=basis, scan_id=scan_id,
                            clearing_digest=clearing.digest)
    against = None
    if judged:
        result.evaluation = evaluate_text(policy, judged, context,
                                          clearing.option if clearing.expression else None
                                          ).to_dict()
        try:
            against = parse(judged)
        except ExpressionError:
            against = None
    for detected in summary.get("detected") or []:
        expression = detected.get("license_expression")
        if not expression:
            continue
        spdx = detected.get("license_expression_spdx") or expression
        result.detected.append(DetectedVerdict(
            spdx, detected.get("files", 0), evaluate_text(policy, expression, context).to_dict(),
            classify(spdx, against, clearing.dismissed)))
    own = result.verdict
    if basis == "declared" and own is not None:
        worse = [d for d in result.findings if d.verdict and RANK[d.verdict] > RANK[own]]
        if worse:
            first = worse[0]
            result.raised = (f"{first.expression_spdx} is detected in {first.files} "
                             f"file{'s' if first.files != 1 else ''} and is {first.verdict} for "
                             f"{context}; it is not part of the declared license: review until "
                             "the office concludes the license or marks the detection as not "
                             "applying")
    return result


def _from_row(row: LicenseVerdict) -> RequestVerdict:
    return RequestVerdict(
        context=row.context, basis=row.basis, evaluation=row.evaluation, scan_id=row.scan_id,
        raised=row.raised or "", clearing_digest=row.clearing_digest or "",
        detected=[DetectedVerdict(d["expression_spdx"], d["files"], d["evaluation"],
                                  d.get("finding", DISAGREES))
                  for d in row.detected or []])


# --- the office's clearing of components ----------------------------------------------------

def clearings(component_ids) -> dict[int, Clearing]:
    """The clearing of each component (its conclusion and dismissed detections), in two
    reads; a component the office has not touched is absent."""
    ids = sorted({i for i in component_ids if i is not None})
    if not ids:
        return {}
    concluded = {c.component_id: c for c in db.session.scalars(
        select(LicenseConclusion).where(LicenseConclusion.component_id.in_(ids)))}
    dismissed: dict[int, set[str]] = {}
    for component_id, expression in db.session.execute(
            select(DetectionDismissal.component_id, DetectionDismissal.expression_spdx)
            .where(DetectionDismissal.component_id.in_(ids))):
        dismissed.setdefault(component_id, set()).add(expression)
    result = {}
    for component_id in set(concluded) | set(dismissed):
        conclusion = concluded.get(component_id)
        result[component_id] = Clearing(
            conclusion.expression_spdx if conclusion else None,
            (conclusion.option_spdx or None) if conclusion else None,
            frozenset(dismissed.get(component_id, ())))
    return result


def clearing_of(request) -> Clearing:
    component_id = getattr(request, "component_id", None)
    return clearings([component_id]).get(component_id, NO_CLEARING)


def _nothing(request) -> RequestVerdict:
    return RequestVerdict(context=getattr(request, "usage_context", None) or "", basis="none")


# --- reading --------------------------------------------------------------------------------

def verdict_for(request, policy: LicensePolicy) -> RequestVerdict:
    """The verdict for `request.usage_context` from its latest successful scan."""
    return verdicts_for([request], policy)[request.id]


def verdicts_for(requests, policy: LicensePolicy) -> dict[int, RequestVerdict]:
    """The verdicts of many requests in one read of the stored rows (the requests' scans
    should be loaded with them, e.g. selectinload(Request.scans))."""
    requests = list(requests)
    cleared = clearings(getattr(r, "component_id", None) for r in requests)
    result, wanted = {}, {}
    for request in requests:
        context = getattr(request, "usage_context", None)
        scan = latest_finished_scan(request)
        if context is None or scan is None:
            result[request.id] = _nothing(request)
        else:
            wanted[request.id] = (scan, context,
                                  cleared.get(getattr(request, "component_id", None),
                                              NO_CLEARING))
    if not wanted:
        return result
    rows = {(row.scan_id, row.context, row.clearing_digest): row for row in db.session.scalars(
        select(LicenseVerdict).where(
            LicenseVerdict.policy_digest == policy.digest,
            tuple_(LicenseVerdict.scan_id, LicenseVerdict.context).in_(
                [(scan.id, context) for scan, context, _ in wanted.values()])))}
    for request_id, (scan, context, clearing) in wanted.items():
        row = rows.get((scan.id, context, clearing.digest))
        result[request_id] = (_from_row(row) if row is not None
                              else judge(scan.summary or {}, context, policy, scan.id, clearing))
    return result


# --- writing --------------------------------------------------------------------------------

def store(scan: Scan, context: str, policy: LicensePolicy,
          clearing: Clearing = NO_CLEARING) -> LicenseVerdict:
    """The stored row for this scan, context, policy and clearing, computed and added when
    missing. Flushes; the caller commits."""
    row = db.session.scalar(select(LicenseVerdict).where(
        LicenseVerdict.scan_id == scan.id, LicenseVerdict.context == context,
        LicenseVerdict.policy_digest == policy.digest,
        LicenseVerdict.clearing_digest == clearing.digest))
    if row is None:
        row = _row(judge(scan.summary or {}, context, policy, scan.id, clearing), policy)
        db.session.add(row)
        db.session.flush()
    return row


def _row(verdict: RequestVerdict, policy: LicensePolicy) -> LicenseVerdict:
    return LicenseVerdict(
        scan_id=verdict.scan_id, context=verdict.context, policy_digest=policy.digest,
        clearing_digest=verdict.clearing_digest, basis=verdict.basis,
        evaluation=verdict.evaluation, raised=verdict.raised,
        detected=[{"expression_spdx": d.expression_spdx, "files": d.files,
                   "evaluation": d.evaluation, "finding": d.finding}
                  for d in verdict.detected])


def store_for(request, policy: LicensePolicy) -> LicenseVerdict | None:
    """After a request's usage context changed: its latest scan judged for the new one."""
    scan = latest_finished_scan(request)
    context = getattr(request, "usage_context", None)
    if scan is None or context is None:
        return None
    return store(scan, context, policy, clearing_of(request))


def on_scan_succeeded(scan: Scan, policy: LicensePolicy) -> None:
    """A scan of a request whose kind reviews licenses succeeded: judge it, in its
    transaction."""
    request = scan.request
    kind = kinds.registered().get(request.kind) if request is not None else None
    if kind is not None and kind.reviews_license:
        store_for(request, policy)


def license_reviewed_requests(*conditions) -> list[Request]:
    """Every request of a kind that reviews licenses (matching `conditions`), with its kind's
    fields and its scans, by id."""
    reviewed = [k for k in kinds.registered().values() if k.reviews_license]
    if not reviewed:
        return []
    return list(db.session.scalars(
        select(Request).where(Request.kind.in_([k.name for k in reviewed]), *conditions)
        .options(selectin_polymorphic(Request, [k.model for k in reviewed]),
                 selectinload(Request.scans))
        .order_by(Request.id)))


def refresh(policy: LicensePolicy) -> int:
    """Store every verdict the policy lacks: each license-reviewed request's latest
    successful scan in its context. Exactly the missing rows are computed; returns how many.
    Commits; a row another process stored first is left to it."""
    requests = license_reviewed_requests()
    if not requests:
        return 0
    have = set(db.session.execute(
        select(LicenseVerdict.scan_id, LicenseVerdict.context, LicenseVerdict.clearing_digest)
        .where(LicenseVerdict.policy_digest == policy.digest)).all())
    cleared = clearings(getattr(r, "component_id", None) for r in requests)
    added = 0
    for request in requests:
        scan = latest_finished_scan(request)
        context = getattr(request, "usage_context", None)
        clearing = cleared.get(getattr(request, "component_id", None), NO_CLEARING)
        if scan is None or context is None or (scan.id, context, clearing.digest) in have:
            continue
        db.session.add(_row(judge(scan.summary or {}, context, policy, scan.id, clearing),
                            policy))
        have.add((scan.id, context, clearing.digest))
        added += 1
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another worker process refreshed at the same moment
        log.info("verdicts were refreshed by another process")
        return 0
    return added

