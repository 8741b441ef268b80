"""/api/v1/components/{id}/conclusion: the office's concluded license of a package version
(the component `id` is in each request's `component` object)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from governance.database import unit_of_work
from governance.license_review import clearing
from governance.web.api_kit import InputSchema, api_user, document_errors

blp = Blueprint("api_clearing", __name__, url_prefix="/api/v1/components",
                description="License clearing: the concluded license of a component")


class ConclusionInputSchema(InputSchema):
    expression = fields.Str(required=True, validate=validate.Length(min=1, max=2000),
                            metadata={"example": "PSF-2.0"})
    reason_code = fields.Str(required=True, validate=validate.Length(max=60), metadata={
        "description": "One of policies/clearing.yaml's reason codes",
        "example": "license-history-text"})
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=5000))
    option = fields.Str(load_default=None, allow_none=True,
                        validate=validate.Length(max=2000), metadata={
                            "description": "For an OR: the alternative the company takes"})


class WithdrawalSchema(InputSchema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=5000))


class ConclusionSchema(Schema):
    component_id = fields.Int()
    purl = fields.Str()
    declared = fields.Str(allow_none=True, metadata={
        "description": "What the primary manifest declares, from the latest scan"})
    concluded = fields.Dict(allow_none=True, metadata={
        "description": "{expression, option, reason_code, reason, scan_id, concluded_by, "
                       "concluded_at}; null when the declared license stands"})
    dismissed = fields.List(fields.Dict(), metadata={
        "description": "Detections marked as not applying: {expression, reason_code, reason}"})
    suggestion = fields.Dict(allow_none=True, metadata={
        "description": "Another version's conclusion, when its findings were the same"})


def _answer(component) -> dict:
    scan = clearing.latest_component_scan(component)
    summary = (scan.summary or {}) if scan else {}
    suggested = clearing.suggestion_for(component)
    return {
        "component_id": component.id, "purl": component.purl,
        "declared": summary.get("declared_license_expression_spdx"),
        "concluded": clearing.to_dict(clearing.conclusion_of(component)),
        "dismissed": [{"expression": d.expression_spdx, "reason_code": d.reason_code,
                       "reason": d.reason} for d in clearing.dismissals_of(component)],
        "suggestion": None if suggested is None else {
            **clearing.to_dict(suggested.conclusion), "version": suggested.component.version},
    }


@blp.get("/<int:component_id>/conclusion")
@blp.response(200, ConclusionSchema)
@document_errors(blp, 401, 404)
def get_conclusion(component_id):
    """The component's declared and concluded license, dismissed detections, suggestion."""
    return _answer(clearing.get_component(component_id))


@blp.put("/<int:component_id>/conclusion")
@blp.arguments(ConclusionInputSchema)
@blp.response(200, ConclusionSchema)
@document_errors(blp, 401, 403, 404, 422)
def put_conclusion(data, component_id):
    """Conclude the component's license (the OSS office): the verdicts of all its requests
    rest on it from now on."""
    component = clearing.get_component(component_id)
    with unit_of_work():
        clearing.conclude(component, api_user(), clearing.ConclusionInput(
            data["expression"], data["reason_code"], data["reason"], data["option"]))
    return _answer(component)


@blp.delete("/<int:component_id>/conclusion")
@blp.arguments(WithdrawalSchema)
@blp.response(200, ConclusionSchema)
@document_errors(blp, 401, 403, 404, 422)
def delete_conclusion(data, component_id):
    """Withdraw the conclusion, saying why (the OSS office): the declared license stands
    again."""
    component = clearing.get_component(component_id)
    with unit_of_work():
        clearing.withdraw_conclusion(component, api_user(), data["reason"])
    return _answer(component)
