"""/api/v1/requests for adoption requests: list, create, read, edit. (The steps, comments and
events every kind shares are governance.api.requests.) An entry point, like the pages."""
from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy.orm import selectinload

from governance import policies
from governance.adoption import services as adoption
from governance.adoption.models import AdoptionRequest
from governance.adoption.schemas import (
    AdoptionRequestPageSchema,
    AdoptionRequestSchema,
    CreateRequestSchema,
    ListArgsSchema,
    UpdateRequestSchema,
    with_license,
)
from governance.database import db, unit_of_work
from governance.web.api_kit import api_user, document_errors, page_of
from governance.workflow import services as workflow
from governance.workflow.api import with_steps

blp = Blueprint("api_adoption", __name__, url_prefix="/api/v1/requests",
                description="Adoption requests")


def _input(data: dict) -> adoption.AdoptionInput:
    return adoption.AdoptionInput(
        team_id=data["team"], usage_context=data["usage_context"], linking=data["linking"],
        purl=data["purl"], type=data["type"], namespace=data["namespace"], name=data["name"],
        version=data["version"], homepage_url=data["homepage_url"],
        repository_url=data["repository_url"], will_modify=data["will_modify"],
        justification=data["justification"], alternative_ids=data["alternatives"],
        answers=data["answers"], product_id=data["product"])


def _get(request_id: int) -> AdoptionRequest:
    return workflow.get_for(api_user(), request_id, AdoptionRequest)


@blp.get("")
@blp.arguments(ListArgsSchema, location="query")
@blp.response(200, AdoptionRequestPageSchema)
@document_errors(blp, 401, 422)
def list_requests(args):
    """List the requests you can see, newest first, with filters and pagination."""
    filters = adoption.ListFilters(scope=args["scope"], states=args["state"],
                                   team_id=args["team"], usage_context=args["context"],
                                   q=args["q"])
    # Everything the schema shows, loaded with the page: a fixed number of statements.
    query = adoption.list_query(api_user(), filters).options(
        selectinload(AdoptionRequest.reviewer), selectinload(AdoptionRequest.decided_by),
        selectinload(AdoptionRequest.product), selectinload(AdoptionRequest.alternatives),
        selectinload(AdoptionRequest.scans))
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    with_license(page.items)
    for item in page.items:
        with_steps(item)
    return page_of(page)


@blp.post("")
@blp.arguments(CreateRequestSchema)
@blp.response(201, AdoptionRequestSchema)
@document_errors(blp, 401, 403, 422)
def create_request(data):
    """Create an adoption request, as a draft or submitted at once (`submit: true`)."""
    with unit_of_work():
        item = adoption.create(api_user(), _input(data), policies.request_rules(),
                               submit=data["submit"])
    return with_steps(item)


@blp.get("/<int:request_id>")
@blp.response(200, AdoptionRequestSchema)
@document_errors(blp, 401, 404)
def get_request(request_id):
    """One request. Drafts are visible only to their author and team."""
    return with_steps(_get(request_id))


@blp.patch("/<int:request_id>")
@blp.arguments(UpdateRequestSchema)
@blp.response(200, AdoptionRequestSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def update_request(data, request_id):
    """Edit a draft, submitted or changes-requested request. Send the `version` you read."""
    item = _get(request_id)
    with unit_of_work():
        adoption.update(item, api_user(), _input(data), policies.request_rules(),
                        expected_version=data["version"])
    return with_steps(item)
