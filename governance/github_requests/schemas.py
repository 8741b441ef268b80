"""How a GitHub organization request reads and is written in the API (/api/v1/github-requests)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from governance.database import MAX_ID
from governance.github_api.plan import PERMISSIONS, VISIBILITIES
from governance.github_requests import checks, decisions, provisioning
from governance.github_requests.models import CONTRIBUTOR_TERMS, KINDS
from governance.states import State
from governance.web.api_kit import InputSchema, PageSchema, StrictBool
from governance.workflow.schemas import RequestSchema


class GitHubTeamSchema(Schema):
    slug = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    permission = fields.Str(required=True, validate=validate.OneOf(PERMISSIONS))


def _checks(request) -> list[dict]:
    return [{"rule": i.rule, "outcome": i.outcome, "message": i.message, "path": i.path,
             "line": i.line} for i in checks.checklist(request)]


def _plan(request) -> list[dict]:
    return [{"method": c.method, "path": c.path, "description": c.description, "body": c.body}
            for c in provisioning.plan_for(request)]


class GitHubRequestSchema(RequestSchema):
    org = fields.Str()
    repository = fields.Str()
    description = fields.Str()
    license = fields.Str(metadata={"description": "The outbound license (SPDX id)"})
    visibility = fields.Str()
    github_teams = fields.List(fields.Nested(GitHubTeamSchema))
    maintainers = fields.List(fields.Str())
    security_contact = fields.Str()
    contributor_terms = fields.Str()
    team_wrote_all = fields.Bool(allow_none=True)
    other_code = fields.Str()
    telemetry = fields.Bool()
    cryptography = fields.Bool()
    justification = fields.Str()
    package_names = fields.List(fields.Str())
    username = fields.Str()
    permission = fields.Str()
    access_expires_on = fields.Date(allow_none=True)
    checks_state = fields.Function(lambda r: checks.checks_state(r)[0], metadata={
        "description": "pending (no code yet) | running | done | failed"})
    checks_error = fields.Function(lambda r: checks.checks_state(r)[1] or None)
    checks = fields.Function(_checks, metadata={
        "description": "[{rule, outcome (pass | warn | fail | waived), message, path, line}]"})
    fast_path = fields.Function(lambda r: decisions.takes_fast_path(r))
    plan = fields.Function(_plan, metadata={
        "description": "The calls approving makes now: [{method, path, description, body}]"})
    provisioning = fields.Function(provisioning.provisioning_json, metadata={
        "description": "{state (not_started | running | done | failed), dry_run, error, "
                       "calls: [{method, path, status, state, ...}]}"})


class GitHubRequestPageSchema(PageSchema):
    items = fields.List(fields.Nested(GitHubRequestSchema))


class GitHubListArgsSchema(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=100))
    kind = fields.List(fields.Str(validate=validate.OneOf(KINDS)), load_default=list)
    state = fields.List(fields.Str(validate=validate.OneOf([s.value for s in State])),
                        load_default=list)
    org = fields.Str(load_default="", validate=validate.Length(max=100))
    q = fields.Str(load_default="", validate=validate.Length(max=200))


class GitHubInputSchema(InputSchema):
    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    team = fields.Int(required=True, validate=validate.Range(min=1, max=MAX_ID),
                      metadata={"description": "Internal team id; see GET /api/v1/me"})
    org = fields.Str(required=True, validate=validate.Length(max=100))
    repository = fields.Str(load_default="", validate=validate.Length(max=200))
    description = fields.Str(load_default="", validate=validate.Length(max=1000))
    license = fields.Str(load_default="", validate=validate.Length(max=100))
    visibility = fields.Str(load_default="public", validate=validate.OneOf(VISIBILITIES))
    github_teams = fields.List(fields.Nested(GitHubTeamSchema), load_default=list,
                               validate=validate.Length(max=50))
    maintainers = fields.List(fields.Str(validate=validate.Length(max=100)), load_default=list,
                              validate=validate.Length(max=50))
    security_contact = fields.Str(load_default="", validate=validate.Length(max=400))
    contributor_terms = fields.Str(load_default="", validate=validate.OneOf(
        ("",) + CONTRIBUTOR_TERMS))
    team_wrote_all = StrictBool(load_default=None, allow_none=True)
    other_code = fields.Str(load_default="", validate=validate.Length(max=10000))
    telemetry = StrictBool(load_default=False)
    cryptography = StrictBool(load_default=False)
    justification = fields.Str(load_default="", validate=validate.Length(max=20000))
    package_names = fields.List(fields.Str(validate=validate.Length(max=300)),
                                load_default=list, validate=validate.Length(max=50))
    username = fields.Str(load_default="", validate=validate.Length(max=100))
    permission = fields.Str(load_default="", validate=validate.Length(max=20))
    access_expires_on = fields.Date(load_default=None, allow_none=True)


class CreateGitHubRequestSchema(GitHubInputSchema):
    submit = StrictBool(load_default=False)


class UpdateGitHubRequestSchema(GitHubInputSchema):
    version = fields.Int(required=True)


class CheckWaiverInputSchema(InputSchema):
    rule = fields.Str(required=True, validate=validate.Length(min=1, max=60))
    path = fields.Str(load_default="", validate=validate.Length(max=2000))
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=5000))


class CheckWaiverWithdrawalSchema(InputSchema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=5000),
                        metadata={"description": "Why the waiver no longer holds"})


class CheckWaiverSchema(Schema):
    id = fields.Int()
    rule = fields.Str()
    path = fields.Str()
    reason = fields.Str()
    waived_by = fields.Function(lambda w: w.waived_by.username)
    created_at = fields.DateTime()


class RetrySchema(InputSchema):
    version = fields.Int(load_default=None, allow_none=True, metadata={
        "description": "The version you read (optional: sent, a stale one answers 409)"})
