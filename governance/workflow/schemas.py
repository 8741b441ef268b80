"""How a request of any kind reads in the API: the fields every kind shares. A kind's own
schema (RequestKind.api_schema) extends it with its fields."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from governance.states import State
from governance.web.api_kit import InputSchema


class UserRefSchema(Schema):
    id = fields.Int()
    username = fields.Str()


class AnswerSchema(Schema):
    id = fields.Str()
    label = fields.Str()
    type = fields.Str()
    value = fields.Raw(allow_none=True)


class RequestSchema(Schema):
    id = fields.Int()
    kind = fields.Str()
    title = fields.Str()
    state = fields.Enum(State, by_value=True)
    version = fields.Int(metadata={"description": "Send it back with changes and transitions; "
                                                  "a stale version answers 409."})
    team = fields.Function(lambda r: {"id": r.team.id, "name": r.team.name})
    requester = fields.Nested(UserRefSchema)
    reviewer = fields.Nested(UserRefSchema, allow_none=True)
    answers = fields.List(fields.Nested(AnswerSchema))
    submitted_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.Nested(UserRefSchema, allow_none=True)
    decision_reason = fields.Str()
    conditions = fields.Str()
    approval_expires_on = fields.Date(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    # Set by the view for the calling user: the steps they may take now.
    allowed_transitions = fields.Function(lambda r: getattr(r, "allowed_steps", []))


class TransitionSchema(InputSchema):
    version = fields.Int(required=True)
    reason = fields.Str(load_default="", validate=validate.Length(max=20000))
    conditions = fields.Str(load_default="", validate=validate.Length(max=20000))
    expires_on = fields.Date(load_default=None, allow_none=True)
    without_scan_reason = fields.Str(
        load_default="", validate=validate.Length(max=5000),
        metadata={"description": "An approval with no finished scan and license verdict is "
                                 "refused (409) unless the office says why here."})
    override_reason = fields.Str(
        load_default="", validate=validate.Length(max=5000),
        metadata={"description": "Funding proposals: an approval that would overspend the "
                                 "year's budget is refused (409) unless the office says why."})
    reference = fields.Str(load_default="", validate=validate.Length(max=200), metadata={
        "description": "record_payment: the payment's reference (invoice, transfer, receipt)"})
    paid_on = fields.Date(load_default=None, allow_none=True,
                          metadata={"description": "record_payment: the day it was paid"})


def transition_inputs(data: dict) -> dict:
    """A loaded TransitionSchema's fields that a kind's own rules read (workflow.transition's
    `inputs`)."""
    return {k: data[k] for k in ("without_scan_reason", "override_reason", "reference",
                                 "paid_on")}
