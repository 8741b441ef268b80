"""/api/v1/advisories and /api/v1/findings: the office posts an OSV record; anyone signed in
reads what the advisories affect; the office records its analysis of a finding."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from governance.advisories import reports, services
from governance.advisories.models import FINDING_STATES
from governance.database import unit_of_work
from governance.errors import ValidationFailed
from governance.web.api_kit import InputSchema, api_user, document_errors

blp = Blueprint("api_advisories", __name__, url_prefix="/api/v1",
                description="Security advisories (OSV records) and the findings they open on "
                            "the inventory")


class ImportResultSchema(Schema):
    read = fields.Int()
    new = fields.Int()
    updated = fields.Int()
    unchanged = fields.Int()
    skipped = fields.Int()
    skipped_records = fields.List(fields.Dict())
    findings_opened = fields.Int()
    findings_resolved = fields.Int()


class AffectedSchema(Schema):
    advisory = fields.Str(metadata={"description": "The OSV id"})
    aliases = fields.List(fields.Str())
    summary = fields.Str()
    severity = fields.Str()
    purl = fields.Str()
    version = fields.Str()
    fixed = fields.List(fields.Str(), metadata={"description": "Fixed versions, lowest first"})
    teams = fields.List(fields.Str())
    products = fields.List(fields.Str())
    state = fields.Str(metadata={"description": " | ".join(FINDING_STATES)})
    justification = fields.Str()
    not_affected_until = fields.Str(allow_none=True)
    opened_at = fields.Str()
    finding = fields.Int()
    fix_due = fields.Str(allow_none=True, metadata={
        "description": "An open finding's security-fix deadline (policies/lifecycle.yaml)"})
    requests = fields.List(fields.Int())


class AffectedArgsSchema(Schema):
    open = fields.Bool(load_default=False, metadata={
        "description": "Only findings still to act on (in_triage, exploitable)"})


class FindingInputSchema(InputSchema):
    state = fields.Str(required=True, validate=validate.OneOf(FINDING_STATES))
    justification = fields.Str(load_default="", validate=validate.Length(max=5000))
    not_affected_until = fields.Date(load_default=None, allow_none=True)


RECORD_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "description": "One OSV record (https://ossf.github.io/osv-schema/)"}}}}


@blp.post("/advisories")
@blp.doc(requestBody=RECORD_BODY)
@blp.response(201, ImportResultSchema)
@document_errors(blp, 401, 403, 422)
def post_advisory():
    """The office imports one OSV record (a modified one updates what is kept); the findings it
    opens or resolves are counted."""
    record = request.get_json(silent=True)
    if not isinstance(record, dict) or not record:
        raise ValidationFailed({"record": "Send one OSV record as a JSON object."})
    with unit_of_work():
        result = services.import_records(api_user(), [("request body", record)])
    if result.skipped:
        raise ValidationFailed({"record": result.skipped[0][1]})
    return result.to_dict()


@blp.get("/advisories/affected")
@blp.arguments(AffectedArgsSchema, location="query")
@blp.response(200, AffectedSchema(many=True))
@document_errors(blp, 401, 422)
def get_affected(args):
    """Every finding: the advisory, the inventory version it affects, the fixed versions, the
    teams and products using it and the office's analysis; open ones first, oldest first."""
    return [row.to_dict() for row in reports.affected(open_only=args["open"])]


@blp.patch("/findings/<int:finding_id>")
@blp.arguments(FindingInputSchema)
@blp.response(200, AffectedSchema)
@document_errors(blp, 401, 403, 404, 422)
def patch_finding(data, finding_id):
    """The office's analysis: `state` (in_triage, exploitable, not_affected, false_positive,
    resolved), `justification` (needed for not_affected and false_positive) and, for
    not_affected, `not_affected_until` (then it is triaged again)."""
    finding = services.get_finding(finding_id)
    with unit_of_work():
        services.set_state(finding, api_user(), data["state"],
                           justification=data["justification"],
                           until=data["not_affected_until"])
    return next(r.to_dict() for r in reports.affected(component_ids={finding.component_id})
                if r.finding.id == finding.id)
