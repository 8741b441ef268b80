"""The license verdict of a request for its usage context, from its latest scan.

The declared license (what the package's manifest says, as scancode's summary found it) is
judged by the policy; every detected expression is judged too, as findings for the reviewer
to confirm or dismiss, never as automatic denials: a package has a declared license, the
licenses detected in its files, and the one the office concludes, and these often differ.
Computed when shown for open requests; recorded with every decision (with the policy's
digest), and a deny passes only with a waiver that covers it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from governance import policies
from governance.database import db
from governance.license_review.models import RecordedVerdict, Waiver
from governance.licensing.policy import Evaluation, EvaluationError, LicensePolicy, evaluate_text
from governance.scans.services import latest_finished_scan
from governance.states import Transition


@dataclass
class DetectedVerdict:
    expression_spdx: str
    files: int
    evaluation: Evaluation | EvaluationError


@dataclass
class RequestVerdict:
    context: str
    # "declared" when the scan found a declared license; "none" when there is nothing to judge
    basis: str
    evaluation: Evaluation | EvaluationError | None = None
    detected: list[DetectedVerdict] = field(default_factory=list)
    scan_id: int | None = None

    @property
    def verdict(self) -> str | None:
        """The verdict the decision rests on: the declared license's. An unreadable declared
        expression is "review" (never allow); nothing to judge is None."""
        if isinstance(self.evaluation, EvaluationError):
            return "review"
        return getattr(self.evaluation, "verdict", None)

    @property
    def expression_spdx(self) -> str:
        return getattr(self.evaluation, "expression_spdx", None) or getattr(
            self.evaluation, "expression", "") or ""

    @property
    def worst_detected(self) -> str | None:
        verdicts = [d.evaluation.verdict for d in self.detected
                    if getattr(d.evaluation, "verdict", None)]
        for verdict in ("deny", "review", "allow"):
            if verdict in verdicts:
                return verdict
        return None


def verdict_for(request, policy: LicensePolicy) -> RequestVerdict:
    """The verdict for `request.usage_context` from its latest successful scan."""
    context = getattr(request, "usage_context", None)
    scan = latest_finished_scan(request)
    if context is None or scan is None:
        return RequestVerdict(context=context or "", basis="none")
    summary = scan.summary
    declared = summary.get("declared_license_expression")
    result = RequestVerdict(context=context, basis="declared" if declared else "none",
                            scan_id=scan.id)
    if declared:
        result.evaluation = evaluate_text(policy, declared, context)
    for detected in summary.get("detected") or []:
        expression = detected.get("license_expression")
        if expression:
            result.detected.append(DetectedVerdict(
                detected.get("license_expression_spdx") or expression, detected.get("files", 0),
                evaluate_text(policy, expression, context)))
    return result


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
    evaluation = verdict.evaluation.to_dict() if verdict.evaluation is not None else None
    recorded = RecordedVerdict(
        request_id=request.id, scan_id=verdict.scan_id, occasion=step.event,
        context=verdict.context, verdict=verdict.verdict,
        expression_spdx=verdict.expression_spdx, evaluation=evaluation,
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
