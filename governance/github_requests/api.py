"""/api/v1/github-requests: GitHub organization requests for automation: list, create, read,
edit, upload the code to check, fire a step, waive a failing check, retry provisioning.
(Comments and events are the shared /api/v1/requests/{id}/comments and /events.)"""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from governance import policies
from governance.database import db, unit_of_work
from governance.errors import ValidationFailed
from governance.github_requests import checks, provisioning
from governance.github_requests import services as github
from governance.github_requests.models import GitHubRequest
from governance.github_requests.schemas import (
    CheckWaiverInputSchema,
    CheckWaiverSchema,
    CheckWaiverWithdrawalSchema,
    CreateGitHubRequestSchema,
    GitHubListArgsSchema,
    GitHubRequestPageSchema,
    GitHubRequestSchema,
    RetrySchema,
    UpdateGitHubRequestSchema,
)
from governance.scans.queue import enqueue, scan_config
from governance.web.api_kit import ApiErrorSchema, api_user, document_errors, page_of
from governance.workflow import services as workflow
from governance.workflow.api import fire, with_steps
from governance.workflow.schemas import TransitionSchema

blp = Blueprint("api_github", __name__, url_prefix="/api/v1/github-requests",
                description="GitHub organization requests: publish a repository, make one "
                            "public, join the org, outside collaborators")


def _get(request_id: int) -> GitHubRequest:
    return workflow.get_for(api_user(), request_id, GitHubRequest)


def _input(data: dict) -> github.GitHubInput:
    return github.GitHubInput(
        kind=data["kind"], team_id=data["team"], org=data["org"],
        repository=data["repository"], description=data["description"],
        license=data["license"], visibility=data["visibility"],
        github_teams=data["github_teams"], maintainers=data["maintainers"],
        security_contact=data["security_contact"], contributor_terms=data["contributor_terms"],
        team_wrote_all=data["team_wrote_all"], other_code=data["other_code"],
        telemetry=data["telemetry"], cryptography=data["cryptography"],
        justification=data["justification"], package_names=data["package_names"],
        username=data["username"], permission=data["permission"],
        access_expires_on=data["access_expires_on"])


@blp.get("")
@blp.arguments(GitHubListArgsSchema, location="query")
@blp.response(200, GitHubRequestPageSchema)
@document_errors(blp, 401, 422)
def list_requests(args):
    """The GitHub requests you can see, newest first, filterable by kind, state, org and text."""
    filters = github.ListFilters(kinds=args["kind"], states=args["state"], org=args["org"],
                                 q=args["q"])
    page = db.paginate(github.list_query(api_user(), filters), page=args["page"],
                       per_page=args["per_page"], error_out=False)
    for item in page.items:
        with_steps(item)
    return page_of(page)


@blp.post("")
@blp.arguments(CreateGitHubRequestSchema)
@blp.response(201, GitHubRequestSchema)
@document_errors(blp, 401, 403, 422)
def create_request(data):
    """Create a GitHub request (`kind`: publish_repository, make_public, join_org,
    outside_collaborator), as a draft or submitted at once (`submit: true`)."""
    with unit_of_work():
        item = github.create(api_user(), _input(data), policies.github_policy(),
                             submit=data["submit"])
    return with_steps(item)


@blp.get("/<int:request_id>")
@blp.response(200, GitHubRequestSchema)
@document_errors(blp, 401, 404)
def get_request(request_id):
    """One request with its checks, the plan of GitHub calls and the provisioning log."""
    return with_steps(_get(request_id))


@blp.patch("/<int:request_id>")
@blp.arguments(UpdateGitHubRequestSchema)
@blp.response(200, GitHubRequestSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def update_request(data, request_id):
    """Edit a draft, submitted or changes-requested request. Send the `version` you read."""
    item = _get(request_id)
    with unit_of_work():
        github.update(item, api_user(), _input(data), policies.github_policy(),
                      expected_version=data["version"])
    return with_steps(item)


CODE_BODY = {"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["archive"],
    "properties": {"archive": {"type": "string", "format": "binary",
                               "description": "An archive of the repository (.zip, .tar.gz)"}}}}}}


@blp.post("/<int:request_id>/code")
@blp.doc(requestBody=CODE_BODY)
@blp.response(202, GitHubRequestSchema)
@blp.alt_response(409, schema=ApiErrorSchema, description="A scan of earlier code is running")
@document_errors(blp, 401, 403, 404, 422)
def upload_code(request_id):
    """Upload the code to publish: it is scanned, then checked (`checks_state`)."""
    upload = request.files.get("archive")
    if upload is None:
        raise ValidationFailed({"archive": "Send the code as a multipart field 'archive'."})
    item = _get(request_id)
    with unit_of_work():
        run = checks.upload_code(item, api_user(), scan_config(), upload.stream,
                                 upload.filename or "upload")
    enqueue(run.scan_id)
    return with_steps(item)


@blp.post("/<int:request_id>/transitions/<name>")
@blp.arguments(TransitionSchema)
@blp.response(200, GitHubRequestSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def fire_transition(data, request_id, name):
    """Move the request: submit, resubmit, withdraw, start_review, approve,
    approve_with_conditions, reject, request_changes. An approval while a check fails and is
    not waived answers 409 and names the failing items."""
    return fire(GitHubRequest, request_id, name, data)


@blp.post("/<int:request_id>/waivers")
@blp.arguments(CheckWaiverInputSchema)
@blp.response(201, CheckWaiverSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def waive_check(data, request_id):
    """The office waives one failing item of the latest checks (`rule` and `path`) with a
    reason."""
    item = _get(request_id)
    with unit_of_work():
        waiver = checks.waive(item, api_user(), data["rule"], data["path"], data["reason"])
    return waiver


@blp.delete("/<int:request_id>/waivers/<int:waiver_id>")
@blp.arguments(CheckWaiverWithdrawalSchema)
@blp.response(204)
@document_errors(blp, 401, 403, 404, 409, 422)
def withdraw_waiver(data, request_id, waiver_id):
    """Withdraw a waiver, saying why: the item fails again."""
    item = _get(request_id)
    waiver = checks.waiver_of(item, waiver_id)
    with unit_of_work():
        checks.withdraw_waiver(item, api_user(), waiver, data["reason"])


@blp.post("/<int:request_id>/provision")
@blp.arguments(RetrySchema)
@blp.response(202, GitHubRequestSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def retry_provisioning(data, request_id):
    """The office retries a failed provisioning (with the `version` you read, if you send
    one): it resumes after the last call that succeeded and never repeats one."""
    item = _get(request_id)
    with unit_of_work():
        provisioning.retry(item, api_user(), expected_version=data["version"])
    return with_steps(item)
