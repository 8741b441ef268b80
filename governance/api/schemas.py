"""Marshmallow schemas of the API's bodies; flask-smorest turns them into the OpenAPI doc."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from governance.web.api_kit import InputSchema
from governance.workflow.schemas import TransitionSchema, UserRefSchema  # noqa: F401 - one home


class UserSchema(Schema):
    id = fields.Int()
    username = fields.Str()
    full_name = fields.Str()
    role = fields.Function(lambda u: u.role.value)
    teams = fields.Function(lambda u: [{"id": t.id, "name": t.name} for t in u.teams])


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
