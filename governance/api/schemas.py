"""Marshmallow schemas of the API's bodies; flask-smorest turns them into the OpenAPI doc."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from governance.web.api_kit import InputSchema
from governance.workflow.schemas import UserRefSchema


class UserSchema(Schema):
    id = fields.Int()
    username = fields.Str()
    full_name = fields.Str()
    role = fields.Function(lambda u: u.role.value)
    teams = fields.Function(lambda u: [{"id": t.id, "name": t.name} for t in u.teams])


class TransitionSchema(InputSchema):
    version = fields.Int(required=True)
    reason = fields.Str(load_default="", validate=validate.Length(max=20000))
    conditions = fields.Str(load_default="", validate=validate.Length(max=20000))
    expires_on = fields.Date(load_default=None, allow_none=True)
    without_scan_reason = fields.Str(
        load_default="", validate=validate.Length(max=5000),
        metadata={"description": "An approval with no finished scan and license verdict is "
                                 "refused (409) unless the office says why here."})


class CommentInputSchema(InputSchema):
    body = fields.Str(required=True, validate=validate.Length(min=1, max=20000))


class CommentSchema(Schema):
    id = fields.Int()
    author = fields.Nested(UserRefSchema)
    body = fields.Str()
    created_at = fields.DateTime()


class EventSchema(Schema):
    id = fields.Int()
    at = fields.DateTime()
    actor = fields.Nested(UserRefSchema, allow_none=True)
    action = fields.Str()
    summary = fields.Str()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
