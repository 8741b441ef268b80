"""/api/v1 review: a request's license verdict, the verdict kept with its decision, its
waivers and its maturity review."""
from __future__ import annotations

from datetime import date

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from governance import policies
from governance.adoption.models import AdoptionRequest
from governance.license_review.services import recorded_verdict, waivers_of
from governance.license_review.verdicts import verdict_for
from governance.maturity_review import services as maturity
from governance.web.api_kit import ApiErrorSchema
from governance.workflow import services as workflow

blp = Blueprint("api_reviews", __name__, url_prefix="/api/v1",
                description="License verdicts, waivers and maturity reviews")


class VerdictSchema(Schema):
    context = fields.Str()
    verdict = fields.Str(allow_none=True, metadata={"enum": ["allow", "review", "deny", None]})
    expression = fields.Str(metadata={"description": "The license judged, SPDX ids: the "
                                                     "concluded one, else the declared one"})
    basis = fields.Str(metadata={"enum": ["concluded", "declared", "none", ""]})
    evaluation = fields.Dict(allow_none=True, metadata={
        "description": "Each license's verdict and why, OR choices, obligations "
                       "(as `flask policies eval --json`)"})
    policy_version = fields.Int()
    policy_digest = fields.Str()


class RecordedVerdictSchema(VerdictSchema):
    occasion = fields.Str(metadata={"description": "The decision: approved, rejected, …"})
    recorded_at = fields.DateTime()
    waiver_id = fields.Int(allow_none=True)
    without_scan_reason = fields.Str(allow_none=True, metadata={
        "description": "Why the office approved without a license verdict, when it did"})
    current_policy_differs = fields.Bool()


class WaiverSchema(Schema):
    id = fields.Int()
    reason_code = fields.Str()
    text = fields.Str()
    expires_on = fields.Date()
    context = fields.Str()
    expression = fields.Str(attribute="expression_spdx")
    active = fields.Bool()
    created_by = fields.Str(metadata={"description": "User name"})
    created_at = fields.DateTime()


class MaturityReviewSchema(Schema):
    scores = fields.List(fields.Dict(), metadata={
        "description": "{criterion, label, weight, score (1-5 or null), note}"})
    weighted_score = fields.Float(allow_none=True)
    threshold = fields.Float()
    recommendation = fields.Str(metadata={"enum": list(maturity.RECOMMENDATION_LABELS)})
    maturity_digest = fields.Str()
    reviewer = fields.Function(lambda r: r.reviewer.username)
    updated_at = fields.DateTime()


class ReviewSchema(Schema):
    license_verdict = fields.Nested(VerdictSchema, metadata={
        "description": "Under the current policy, from the latest finished scan"})
    recorded_verdict = fields.Nested(RecordedVerdictSchema, allow_none=True)
    waivers = fields.List(fields.Nested(WaiverSchema))
    maturity_review = fields.Nested(MaturityReviewSchema, allow_none=True)


@blp.get("/requests/<int:request_id>/review")
@blp.response(200, ReviewSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="No or a bad token")
@blp.alt_response(404, schema=ApiErrorSchema, description="No such request, or not visible")
def get_review(request_id):
    """The office's grounds for a request: license verdict, recorded verdict, waivers,
    maturity review."""
    item = workflow.get_for(g.api_user, request_id, AdoptionRequest)
    policy = policies.license_policy()
    verdict = verdict_for(item, policy)
    recorded = recorded_verdict(item)
    today = date.today()
    return {
        "license_verdict": {
            "context": verdict.context, "verdict": verdict.verdict,
            "expression": verdict.expression_spdx, "basis": verdict.basis,
            "evaluation": verdict.evaluation,
            "policy_version": policy.version, "policy_digest": policy.digest},
        "recorded_verdict": None if recorded is None else {
            "context": recorded.context, "verdict": recorded.verdict,
            "expression": recorded.expression_spdx, "evaluation": recorded.evaluation,
            "policy_version": recorded.policy_version,
            "policy_digest": recorded.policy_digest, "occasion": recorded.occasion,
            "recorded_at": recorded.recorded_at, "waiver_id": recorded.waiver_id,
            "basis": recorded.basis, "without_scan_reason": recorded.without_scan_reason or None,
            "current_policy_differs": recorded.policy_digest != policy.digest},
        "waivers": [dict(id=w.id, reason_code=w.reason_code, text=w.text,
                         expires_on=w.expires_on, context=w.context,
                         expression_spdx=w.expression_spdx, active=w.is_active(today),
                         created_by=w.created_by.username, created_at=w.created_at)
                    for w in waivers_of(item)],
        "maturity_review": maturity.review_of(item),
    }
