"""The office's maturity review: a score (1 to 5) and a note per criterion of
policies/maturity.yaml, the weighted score and the recommendation that follows.

Each review keeps the criteria's labels and weights as they were, and the digests of
maturity.yaml and of the license policy, so editing either file never rewrites it. A review
can change while the request is open and is frozen by the decision.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from governance import policies
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import User
from governance.database import db
from governance.errors import IllegalTransition, StaleObject, ValidationFailed
from governance.licensing.policy import LicensePolicy
from governance.maturity_review.models import MaturityReview
from governance.rules.maturity import MaturityCriteria
from governance.scans.services import latest_finished_scan
from governance.states import State
from governance.workflow import services as workflow
from governance.workflow.models import Request

MAX_NOTE = 5000
REVIEWABLE_STATES = frozenset({State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED})
RECOMMENDATION_LABELS = {
    "recommended": "Recommended",
    "not_recommended": "Not recommended",
    "incomplete": "Incomplete: score every criterion",
}


@dataclass
class CriterionScore:
    criterion: str
    score: int | None
    note: str = ""


def may_review(request: Request, user: User) -> bool:
    """Whether save() would take this user's scores now: what the page offers."""
    return may.office_work(user, request) and request.state in REVIEWABLE_STATES


def check_required(request: Request, step, inputs: dict | None = None) -> dict[str, str]:
    """An approval in a context where policies/clearing.yaml requires a maturity review
    needs a finished one (every criterion scored)."""
    context = getattr(request, "usage_context", None)
    if not step.approves or not policies.clearing_rules().needs_maturity_review(request.kind,
                                                                               context):
        return {}
    review = review_of(request)
    if review is None or review.recommendation == "incomplete":
        return {"maturity_review": (
            f"Approving for “{context}” needs a finished maturity review (the office's rule "
            "in policies/clearing.yaml): score every criterion under Maturity review first.")}
    return {}


def review_of(request: Request) -> MaturityReview | None:
    return db.session.scalars(
        select(MaturityReview).where(MaturityReview.request_id == request.id)).first()


def save(request: Request, actor: User, entries: list[CriterionScore],
         criteria: MaturityCriteria, policy: LicensePolicy, *,
         expected_version: int | None = None) -> MaturityReview:
    """Create or update the request's review; ValidationFailed names the fields at fault."""
    if request.state.is_decided and actor.is_office:
        raise IllegalTransition("The review was frozen with the decision; it stays as it was "
                                "when the request was decided.")
    workflow.check_office_work(request, actor, REVIEWABLE_STATES, "review maturity")
    review = review_of(request)
    if review is not None and expected_version is not None \
            and int(expected_version) != review.version:
        raise StaleObject("Someone else saved this review since you opened it. Reload it to "
                          "see their scores, then try again.")
    by_id = {e.criterion: e for e in entries}
    errors, scores = {}, []
    for criterion in criteria.criteria:
        entry = by_id.get(criterion.id) or CriterionScore(criterion.id, None)
        note = (entry.note or "").strip()
        if entry.score is not None and entry.score not in criterion.scale:
            errors[f"score_{criterion.id}"] = "Choose a score from 1 to 5."
        if len(note) > MAX_NOTE:
            errors[f"note_{criterion.id}"] = f"Keep the note under {MAX_NOTE:,} characters."
        if entry.score is not None and entry.score <= 2 and not note:
            errors[f"note_{criterion.id}"] = "Say why the score is this low."
        scores.append({"criterion": criterion.id, "label": criterion.label,
                       "weight": criterion.weight, "score": entry.score, "note": note})
    unknown = sorted(set(by_id) - {c.id for c in criteria.criteria})
    if not any(s["score"] for s in scores):
        errors["scores"] = "Score at least one criterion."
    if unknown:  # (a stale form, after a criterion was renamed)
        errors["scores"] = f"Unknown criteria: {', '.join(unknown)}."
    if errors:
        raise ValidationFailed(errors)

    values = {s["criterion"]: s["score"] for s in scores}
    weighted = criteria.weighted_score(values)
    if any(s["score"] is None for s in scores):
        recommendation = "incomplete"
    else:
        recommendation = "recommended" if criteria.recommends(values) else "not_recommended"
    before = _snapshot(review) if review else None
    if review is None:
        review = MaturityReview(request_id=request.id)
        db.session.add(review)
    review.reviewer_id = actor.id
    review.scores = scores
    review.weighted_score = weighted
    review.threshold = criteria.threshold
    review.recommendation = recommendation
    review.maturity_digest = criteria.digest
    review.policy_digest = policy.digest
    scan = latest_finished_scan(request)
    review.scan_id = scan.id if scan else None
    db.session.flush()
    audit.record(actor, "request", request.id, "maturity_reviewed",
                 summary=f"Maturity review: {weighted} of 5, "
                         f"{RECOMMENDATION_LABELS[recommendation].lower()}",
                 before=before, after=_snapshot(review))
    return review


def _snapshot(review: MaturityReview) -> dict:
    return {"scores": {s["criterion"]: s["score"] for s in review.scores},
            "notes": {s["criterion"]: s["note"] for s in review.scores if s["note"]},
            "weighted_score": review.weighted_score, "recommendation": review.recommendation,
            "maturity_digest": review.maturity_digest}
