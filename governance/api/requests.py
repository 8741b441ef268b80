"""/api/v1/requests/{id}/…: the steps, comments and events every request kind shares. Each kind
answers with its own schema (RequestKind.api_schema); its own endpoints (list, create, read,
edit) come from its package (RequestKind.api_blueprint)."""
from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from governance.api.schemas import (
    CommentInputSchema,
    CommentSchema,
    EventSchema,
    TransitionSchema,
)
from governance.audit import services as audit
from governance.database import unit_of_work
from governance.web.api_kit import api_user, document_errors
from governance.workflow import kinds
from governance.workflow import services as workflow
from governance.workflow.api import fire, with_steps
from governance.workflow.models import Request
from governance.workflow.schemas import RequestSchema

blp = Blueprint("api_requests", __name__, url_prefix="/api/v1/requests",
                description="The workflow of requests of every kind")


def _answer(item):
    """The request as its kind's schema reads it, with the steps the caller may take."""
    with_steps(item)
    kind = kinds.registered().get(item.kind)
    schema = (kind.api_schema if kind else None) or RequestSchema
    return current_app.json.response(schema().dump(item))


@blp.post("/<int:request_id>/transitions/<name>")
@blp.arguments(TransitionSchema)
@blp.response(200, RequestSchema, description="The request, with its kind's own fields")
@document_errors(blp, 401, 403, 404, 409, 422)
def fire_transition(data, request_id, name):
    """Move the request: submit, resubmit, withdraw, start_review, approve,
    approve_with_conditions, reject, request_changes. Same rules as the web pages."""
    item = fire(Request, request_id, name, data)
    return _answer(item)


@blp.post("/<int:request_id>/comments")
@blp.arguments(CommentInputSchema)
@blp.response(201, CommentSchema)
@document_errors(blp, 401, 404, 422)
def add_comment(data, request_id):
    """Add a comment to the request's thread."""
    item = workflow.get_for(api_user(), request_id)
    with unit_of_work():
        comment = workflow.add_comment(item, api_user(), data["body"])
    return comment


@blp.get("/<int:request_id>/events")
@blp.response(200, EventSchema(many=True))
@document_errors(blp, 401, 404)
def list_events(request_id):
    """The request's timeline: every audit event, oldest first."""
    return audit.events_for("request", workflow.get_for(api_user(), request_id).id)
