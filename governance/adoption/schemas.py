"""How an adoption request reads and is written in the API (its RequestKind.api_schema and
the bodies of /api/v1/requests)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from governance import policies
from governance.database import MAX_ID
from governance.license_review.services import license_json, license_json_many
from governance.states import State
from governance.web.api_kit import InputSchema, PageSchema, StrictBool
from governance.workflow.schemas import RequestSchema


class ComponentSchema(Schema):
    id = fields.Int(metadata={"description": "For /api/v1/components/{id}/conclusion"})
    purl = fields.Str()
    type = fields.Str()
    namespace = fields.Str()
    name = fields.Str()
    version = fields.Str()
    homepage_url = fields.Str()
    repository_url = fields.Str()


class AdoptionRequestSchema(RequestSchema):
    component = fields.Nested(ComponentSchema, metadata={
        "description": "The shared package row; its links come from the registry or the office"})
    homepage_url = fields.Str(metadata={"description": "The requester's own link"})
    repository_url = fields.Str(metadata={"description": "The requester's own link"})
    usage_context = fields.Str()
    linking = fields.Str()
    will_modify = fields.Bool()
    justification = fields.Str()
    alternatives = fields.Function(lambda r: [a.id for a in r.alternatives])
    product = fields.Function(lambda r: {"id": r.product.id, "name": r.product.name}
                              if getattr(r, "product", None) else None)
    declared = fields.Function(lambda r: _license(r)["declared"], metadata={
        "description": "What the primary manifest declares (SPDX), from the latest scan"})
    detected = fields.Function(lambda r: _license(r)["detected"], metadata={
        "description": "Every expression detected in files: {expression, files, finding "
                       "(agrees | unidentified | disagrees | dismissed), verdict}"})
    concluded = fields.Function(lambda r: _license(r)["concluded"], metadata={
        "description": "The office's concluded license for the component, or null"})
    verdict = fields.Function(lambda r: _license(r)["verdict"], metadata={
        "description": "{outcome, expression, policy_digest, recorded: {...} (with the "
                       "decision), current: {...} (today, with holds, worse, changes)}"})


def _license(request) -> dict:
    # Four fields from one computation per request and answer (a list computes them for its
    # whole page first: with_license below).
    cached = getattr(request, "_license_json", None)
    if cached is None:
        cached = license_json(request, policies.license_policy())
        request._license_json = cached
    return cached


def with_license(requests) -> None:
    """Compute the license fields of a page of requests at once."""
    requests = list(requests)
    computed = license_json_many(requests, policies.license_policy())
    for request in requests:
        request._license_json = computed[request.id]


class AdoptionRequestPageSchema(PageSchema):
    items = fields.List(fields.Nested(AdoptionRequestSchema))


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


class RequestInputSchema(InputSchema):
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
    will_modify = StrictBool(load_default=False)
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
    submit = StrictBool(load_default=False, metadata={"description": "Submit at once "
                                                                     "instead of saving a draft"})


class UpdateRequestSchema(RequestInputSchema):
    version = fields.Int(required=True)
