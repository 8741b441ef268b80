"""/api/v1/requests: list, create, read, edit, move through transitions, comment, events."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint
from sqlalchemy.orm import selectinload

from governance import policies
from governance.adoption import services as adoption
from governance.adoption.models import AdoptionRequest
from governance.api.auth import authenticate_api_request
from governance.api.schemas import (
    ApiErrorSchema,
    CommentInputSchema,
    CommentSchema,
    CreateRequestSchema,
    EventSchema,
    ListArgsSchema,
    RequestPageSchema,
    RequestSchema,
    TransitionSchema,
    UpdateRequestSchema,
    page_of,
)
from governance.audit import services as audit
from governance.database import db, unit_of_work
from governance.errors import NotFound
from governance.states import PERSON_TRANSITIONS
from governance.workflow import services as workflow

blp = Blueprint("api_requests", __name__, url_prefix="/api/v1/requests",
                description="Adoption requests and their workflow")
blp.before_request(authenticate_api_request)

ERRORS = {401: "No or bad token", 403: "Not allowed for your role", 404: "Not found",
          409: "Illegal transition, or the request changed since `version`",
          422: "Invalid input, with `errors` per field"}


def _document_errors(*codes):
    def decorator(view):
        for code in codes:
            view = blp.alt_response(code, schema=ApiErrorSchema, description=ERRORS[code])(view)
        return view
    return decorator


def _with_steps(item):
    item.allowed_steps = [t.name for t in workflow.allowed_transitions(item, g.api_user)]
    return item


def _input(data: dict) -> adoption.AdoptionInput:
    return adoption.AdoptionInput(
        team_id=data["team"], usage_context=data["usage_context"], linking=data["linking"],
        purl=data["purl"], type=data["type"], namespace=data["namespace"], name=data["name"],
        version=data["version"], homepage_url=data["homepage_url"],
        repository_url=data["repository_url"], will_modify=data["will_modify"],
        justification=data["justification"], alternative_ids=data["alternatives"],
        answers=data["answers"], product_id=data["product"])


def _rules():
    return policies.request_rules()


def _get(request_id: int) -> AdoptionRequest:
    return workflow.get_for(g.api_user, request_id, AdoptionRequest)


@blp.get("")
@blp.arguments(ListArgsSchema, location="query")
@blp.response(200, RequestPageSchema)
@_document_errors(401, 422)
def list_requests(args):
    """List the requests you can see, newest first, with filters and pagination."""
    filters = adoption.ListFilters(scope=args["scope"], states=args["state"],
                                   team_id=args["team"], usage_context=args["context"],
                                   q=args["q"])
    # Everything RequestSchema shows, loaded with the page: a fixed number of statements.
    query = adoption.list_query(g.api_user, filters).options(
        selectinload(AdoptionRequest.reviewer), selectinload(AdoptionRequest.decided_by),
        selectinload(AdoptionRequest.product), selectinload(AdoptionRequest.alternatives))
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    for item in page.items:
        _with_steps(item)
    return page_of(page)


@blp.post("")
@blp.arguments(CreateRequestSchema)
@blp.response(201, RequestSchema)
@_document_errors(401, 403, 422)
def create_request(data):
    """Create an adoption request, as a draft or submitted at once (`submit: true`)."""
    with unit_of_work():
        item = adoption.create(g.api_user, _input(data), _rules(), submit=data["submit"])
    return _with_steps(item)


@blp.get("/<int:request_id>")
@blp.response(200, RequestSchema)
@_document_errors(401, 404)
def get_request(request_id):
    """One request. Drafts are visible only to their author and team."""
    return _with_steps(_get(request_id))


@blp.patch("/<int:request_id>")
@blp.arguments(UpdateRequestSchema)
@blp.response(200, RequestSchema)
@_document_errors(401, 403, 404, 409, 422)
def update_request(data, request_id):
    """Edit a draft, submitted or changes-requested request. Send the `version` you read."""
    item = _get(request_id)
    with unit_of_work():
        adoption.update(item, g.api_user, _input(data), _rules(),
                        expected_version=data["version"])
    return _with_steps(item)


@blp.post("/<int:request_id>/transitions/<name>")
@blp.arguments(TransitionSchema)
@blp.response(200, RequestSchema)
@_document_errors(401, 403, 404, 409, 422)
def fire_transition(data, request_id, name):
    """Move the request: submit, resubmit, withdraw, start_review, approve,
    approve_with_conditions, reject, request_changes. Same rules as the web pages."""
    if name not in PERSON_TRANSITIONS:
        raise NotFound(f"No transition “{name}”. "
                       f"Known: {', '.join(sorted(PERSON_TRANSITIONS))}.")
    item = _get(request_id)
    with unit_of_work():
        workflow.transition(item, g.api_user, name, expected_version=data["version"],
                            reason=data["reason"], conditions=data["conditions"],
                            expires_on=data["expires_on"])
    return _with_steps(item)


@blp.post("/<int:request_id>/comments")
@blp.arguments(CommentInputSchema)
@blp.response(201, CommentSchema)
@_document_errors(401, 404, 422)
def add_comment(data, request_id):
    """Add a comment to the request's thread."""
    item = _get(request_id)
    with unit_of_work():
        comment = workflow.add_comment(item, g.api_user, data["body"])
    return comment


@blp.get("/<int:request_id>/events")
@blp.response(200, EventSchema(many=True))
@_document_errors(401, 404)
def list_events(request_id):
    """The request's timeline: every audit event, oldest first."""
    return audit.events_for("request", _get(request_id).id)
