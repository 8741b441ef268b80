"""What the office's decision on a GitHub request rests on: code that ships must have been
checked with no failing item left unwaived, and it needs a finished maturity review unless
it takes the fast path (policies/github.yaml: an allowed license, no telemetry, no
cryptography, every check passing)."""
from __future__ import annotations

from governance import policies
from governance.code_checks.checklist import all_pass
from governance.github_requests import checks, recertification
from governance.github_requests.models import GitHubRequest
from governance.maturity_review import services as maturity_review

CHECKS, MATURITY_REVIEW, ACCESS_DATE = "checks", "maturity_review", "access_expires_on"
BLOCKING = frozenset({CHECKS, MATURITY_REVIEW, ACCESS_DATE})
MAX_NAMED = 10


def why_no_fast_path(request: GitHubRequest) -> list[str]:
    """What keeps a publication off the fast path (empty: it takes it)."""
    policy = policies.github_policy()
    if not request.ships_code:
        return ["only publications take it"]
    if not policy.fast_path:
        return ["the office reviews every publication in full (policies/github.yaml)"]
    reasons = []
    if policy.needs_legal_review(request.license or ""):
        reasons.append(f"{request.license or 'no license'} needs legal review")
    if request.telemetry:
        reasons.append("it sends telemetry")
    if request.cryptography:
        reasons.append("it contains cryptography")
    state, _ = checks.checks_state(request)
    items = checks.checklist(request)
    if state != "done" or not items:
        reasons.append("its code is not checked yet")
    elif not all_pass(items):
        reasons.append("not every check passes")
    return reasons


def takes_fast_path(request: GitHubRequest) -> bool:
    return not why_no_fast_path(request)


def needs_maturity_review(request: GitHubRequest) -> bool:
    return request.ships_code and not takes_fast_path(request)


def _checks_message(request: GitHubRequest) -> str | None:
    state, reason = checks.checks_state(request)
    if state == "pending":
        return "Upload the code to publish: approval needs its checks."
    if state == "running":
        return "The checks of the code are still running; approve once they are done."
    if state == "failed":
        return f"The checks could not run ({reason}); upload the code again."
    failing = checks.failing_items(request)
    if not failing:
        return None
    named = "; ".join(f"{i.rule}{f' ({i.path})' if i.path else ''}" for i in failing[:MAX_NAMED])
    more = f"; and {len(failing) - MAX_NAMED} more" if len(failing) > MAX_NAMED else ""
    return (f"These checks fail and are not waived: {named}{more}. Fix the code and upload it "
            "again, or waive an item with a reason.")


def check_decision(request: GitHubRequest, step, inputs: dict) -> dict[str, str]:
    if not step.approves:
        return {}
    errors = recertification.check_access_date(request, step)
    if request.ships_code:
        message = _checks_message(request)
        if message:
            errors[CHECKS] = message
    if needs_maturity_review(request):
        review = maturity_review.review_of(request)
        if review is None or review.recommendation == "incomplete":
            errors[MATURITY_REVIEW] = (
                "This publication does not take the fast path (an allowed license, no "
                "telemetry, no cryptography, every check passing): score every criterion "
                "under Maturity review first.")
    return errors
