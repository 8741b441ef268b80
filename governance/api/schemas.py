"""Marshmallow schemas of the API's bodies; flask-smorest turns them into the OpenAPI doc."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from governance.database import MAX_ID
from governance.states import PERSON_TRANSITIONS, State


class ApiErrorSchema(Schema):
    """The one shape of every API error."""

    code = fields.Int(metadata={"description": "The HTTP status code"})
    status = fields.Str(metadata={"description": "The HTTP status phrase"})
    message = fields.Str(metadata={"description": "What went wrong, for a person to read"})
    errors = fields.Dict(keys=fields.Str(), values=fields.Raw(),
                         metadata={"description": "Per field: what is wrong with it"})


class UserSchema(Schema):
    id = fields.Int()
    username = fields.Str()
    full_name = fields.Str()
    role = fields.Function(lambda u: u.role.value)
    teams = fields.Function(lambda u: [{"id": t.id, "name": t.name} for t in u.teams])


class UserRefSchema(Schema):
    id = fields.Int()
    username = fields.Str()


class ComponentSchema(Schema):
    purl = fields.Str()
    type = fields.Str()
    namespace = fields.Str()
    name = fields.Str()
    version = fields.Str()
    homepage_url = fields.Str()
    repository_url = fields.Str()


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
    component = fields.Nested(ComponentSchema)
    team = fields.Function(lambda r: {"id": r.team.id, "name": r.team.name})
    requester = fields.Nested(UserRefSchema)
    reviewer = fields.Nested(UserRefSchema, allow_none=True)
    usage_context = fields.Str()
    linking = fields.Str()
    will_modify = fields.Bool()
    justification = fields.Str()
    alternatives = fields.Function(lambda r: [a.id for a in r.alternatives])
    product = fields.Function(lambda r: {"id": r.product.id, "name": r.product.name}
                              if getattr(r, "product", None) else None)
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


class PageSchema(Schema):
    """The envelope of every paginated list; subclasses set `items`."""

    page = fields.Int()
    per_page = fields.Int()
    total = fields.Int()
    pages = fields.Int()


def page_of(pagination) -> dict:
    return {"items": pagination.items, "page": pagination.page,
            "per_page": pagination.per_page, "total": pagination.total,
            "pages": pagination.pages}


class RequestPageSchema(PageSchema):
    items = fields.List(fields.Nested(RequestSchema))


class ListArgsSchema(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=100))
    scope = fields.Str(load_default="all", validate=validate.OneOf(["all", "mine", "team"]))
    state = fields.List(fields.Str(validate=validate.OneOf([s.value for s in State])),
                        load_default=list)
    team = fields.Int(load_default=None, allow_none=True,
                      validate=validate.Range(min=1, max=MAX_ID))
    context = fields.Str(load_default="")
    q = fields.Str(load_default="", validate=validate.Length(max=200))


class RequestInputSchema(Schema):
    purl = fields.Str(load_default="", metadata={"example": "pkg:pypi/requests@2.32.3"})
    type = fields.Str(load_default="")
    namespace = fields.Str(load_default="")
    name = fields.Str(load_default="")
    version = fields.Str(load_default="")
    homepage_url = fields.Str(load_default="")
    repository_url = fields.Str(load_default="")
    team = fields.Int(required=True, validate=validate.Range(min=1, max=MAX_ID),
                      metadata={"description": "Team id; see GET /api/v1/me"})
    usage_context = fields.Str(required=True)
    linking = fields.Str(required=True)
    will_modify = fields.Bool(load_default=False)
    justification = fields.Str(load_default="", validate=validate.Length(max=20000))
    alternatives = fields.List(fields.Int(validate=validate.Range(min=1, max=MAX_ID)),
                               load_default=list)
    answers = fields.Dict(keys=fields.Str(), values=fields.Raw(allow_none=True),
                          load_default=dict)
    product = fields.Int(load_default=None, allow_none=True,
                         validate=validate.Range(min=1, max=MAX_ID),
                         metadata={"description": "Product id (GET /api/v1/products), one of "
                                                  "the team's; leave out for team-wide use"})


class CreateRequestSchema(RequestInputSchema):
    submit = fields.Bool(load_default=False, metadata={"description": "Submit at once "
                                                                      "instead of saving a draft"})


class UpdateRequestSchema(RequestInputSchema):
    version = fields.Int(required=True)


class TransitionSchema(Schema):
    version = fields.Int(required=True)
    reason = fields.Str(load_default="", validate=validate.Length(max=20000))
    conditions = fields.Str(load_default="", validate=validate.Length(max=20000))
    expires_on = fields.Date(load_default=None, allow_none=True)


TRANSITION_NAMES = sorted(PERSON_TRANSITIONS)


class CommentInputSchema(Schema):
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
