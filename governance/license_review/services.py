"""The license verdict of a request for its usage context, from its latest scan.

The declared license (what the package's manifest says, as scancode's summary found it) is
judged by the policy; every detected expression is judged too, as findings for the reviewer
to confirm or dismiss, never as automatic denials (see shared/domain.md, three licenses per
package). Computed when shown; stored with decisions once the review form exists.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from governance.licensing.policy import Evaluation, EvaluationError, LicensePolicy, evaluate_text


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
        return getattr(self.evaluation, "verdict", None)

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
    scan = next((s for s in reversed(getattr(request, "scans", []) or [])
                 if s.summary and s.state.value == "succeeded"), None)
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
