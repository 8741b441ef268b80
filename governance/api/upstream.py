"""/api/v1/contributions and /api/v1/community-roles: the upstream ledger for automation. Any
token reads it and the yearly summary; a team's members (the office: any team's) add one
contribution or role, or change a contribution's state; the office imports a CSV."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from governance.auth.models import Team
from governance.database import MAX_ID, db, get_by_id, unit_of_work
from governance.errors import ValidationFailed
from governance.upstream import csv_file, reports, roles, services
from governance.upstream.models import CONTRIBUTION_KINDS, CONTRIBUTION_STATES, ROLE_KINDS
from governance.web.api_kit import InputSchema, PageSchema, api_user, document_errors, page_of

blp = Blueprint("api_upstream", __name__, url_prefix="/api/v1",
                description="Upstream contributions (issues and pull requests our teams "
                            "opened upstream) and our people's community roles")

TEAM = {"description": "Internal team id; see GET /api/v1/me"}


def _team(item):
    return {"id": item.team.id, "name": item.team.name} if item.team else None


class ContributionSchema(Schema):
    id = fields.Int()
    url = fields.Str()
    project = fields.Str(metadata={"description": "A package URL without a version, or a name"})
    component_id = fields.Int(allow_none=True)
    purl = fields.Function(lambda c: c.component.purl if c.component else None,
                           metadata={"description": "The component version it was entered "
                                                    "from, if any"})
    team = fields.Function(_team)
    kind = fields.Str(metadata={"description": " | ".join(CONTRIBUTION_KINDS)})
    state = fields.Str(metadata={"description": " | ".join(CONTRIBUTION_STATES)})
    title = fields.Str()
    opened_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    recorded_by = fields.Function(lambda c: c.recorded_by.username if c.recorded_by else None)
    created_at = fields.DateTime()


class ContributionPageSchema(PageSchema):
    items = fields.List(fields.Nested(ContributionSchema))


class ContributionArgsSchema(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=100))
    year = fields.Int(load_default=None, validate=validate.Range(1970, 2100))
    team = fields.Int(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                      metadata=TEAM)
    kind = fields.Str(load_default="", validate=validate.OneOf(["", *CONTRIBUTION_KINDS]))
    state = fields.Str(load_default="", validate=validate.OneOf(["", *CONTRIBUTION_STATES]))
    project = fields.Str(load_default="", validate=validate.Length(max=300))
    q = fields.Str(load_default="", validate=validate.Length(max=200))


class ContributionInputSchema(InputSchema):
    url = fields.Str(required=True, validate=validate.Length(max=500))
    team = fields.Int(required=True, validate=validate.Range(min=1, max=MAX_ID), metadata=TEAM)
    kind = fields.Str(required=True, validate=validate.OneOf(list(CONTRIBUTION_KINDS)))
    state = fields.Str(load_default="open", validate=validate.OneOf(list(CONTRIBUTION_STATES)))
    project = fields.Str(load_default="", validate=validate.Length(max=300), metadata={
        "description": "A package URL (any version; kept without one) or a project name; "
                       "may be left out when component_id is given"})
    component_id = fields.Int(load_default=None, allow_none=True,
                              validate=validate.Range(min=1, max=MAX_ID))
    title = fields.Str(load_default="", validate=validate.Length(max=300))
    opened_on = fields.Date(required=True)
    closed_on = fields.Date(load_default=None, allow_none=True)


class ContributionStateInputSchema(InputSchema):
    state = fields.Str(required=True, validate=validate.OneOf(list(CONTRIBUTION_STATES)))
    closed_on = fields.Date(load_default=None, allow_none=True)


class ContributionCountsSchema(Schema):
    issues = fields.Int()
    prs = fields.Int()


class ContributionSummarySchema(Schema):
    years = fields.Dict(
        keys=fields.Str(), values=fields.Nested(ContributionCountsSchema),
        metadata={"description": "By the year each was opened, every year from the first to "
                                 "the last"})
    teams = fields.Dict(keys=fields.Str(), values=fields.Dict(
        keys=fields.Str(), values=fields.Nested(ContributionCountsSchema)),
        metadata={"description": "Team name -> year -> counts"})
    total = fields.Nested(ContributionCountsSchema)


class ContributionSummaryArgsSchema(Schema):
    team = fields.Int(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                      metadata=TEAM)


class ContributionImportSchema(Schema):
    read = fields.Int()
    new = fields.Int()
    updated = fields.Int()
    unchanged = fields.Int()


class CommunityRoleSchema(Schema):
    id = fields.Int()
    project = fields.Str()
    person = fields.Function(lambda r: r.person_label)
    person_id = fields.Int(allow_none=True)
    role = fields.Str(metadata={"description": " | ".join(ROLE_KINDS)})
    url = fields.Str()
    since = fields.Date()
    until = fields.Date(allow_none=True)
    team = fields.Function(_team)


class CommunityRolePageSchema(PageSchema):
    items = fields.List(fields.Nested(CommunityRoleSchema))


class CommunityRoleArgsSchema(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=100))
    project = fields.Str(load_default="", validate=validate.Length(max=300))
    team = fields.Int(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                      metadata=TEAM)
    current = fields.Bool(load_default=False, metadata={"description": "Only roles held today"})


class CommunityRoleInputSchema(InputSchema):
    project = fields.Str(required=True, validate=validate.Length(max=300))
    role = fields.Str(required=True, validate=validate.OneOf(list(ROLE_KINDS)))
    since = fields.Date(required=True)
    until = fields.Date(load_default=None, allow_none=True)
    person_id = fields.Int(load_default=None, allow_none=True,
                           validate=validate.Range(min=1, max=MAX_ID),
                           metadata={"description": "A user of the app; or give person_name"})
    person_name = fields.Str(load_default="", validate=validate.Length(max=200))
    url = fields.Str(load_default="", validate=validate.Length(max=500))
    team = fields.Int(load_default=None, allow_none=True,
                      validate=validate.Range(min=1, max=MAX_ID), metadata=TEAM)


@blp.get("/contributions")
@blp.arguments(ContributionArgsSchema, location="query")
@blp.response(200, ContributionPageSchema)
@document_errors(blp, 401, 422)
def list_contributions(args):
    """The ledger, newest first, by year opened, team, kind, state, project and text."""
    filters = services.Filters(year=args["year"], team_id=args["team"], kind=args["kind"],
                               state=args["state"], q=args["q"].strip(),
                               project=args["project"].strip())
    return page_of(db.paginate(services.list_query(filters), page=args["page"],
                               per_page=args["per_page"], error_out=False))


@blp.post("/contributions")
@blp.arguments(ContributionInputSchema)
@blp.response(201, ContributionSchema)
@document_errors(blp, 401, 403, 422)
def create_contribution(data):
    """Add one issue or pull request to the ledger, for one of your teams (the office: any).
    A URL already in the ledger is refused: change its state instead."""
    data["team_id"] = data.pop("team")
    with unit_of_work():
        return services.record(api_user(), services.ContributionInput(**data))


@blp.patch("/contributions/<int:contribution_id>")
@blp.arguments(ContributionStateInputSchema)
@blp.response(200, ContributionSchema)
@document_errors(blp, 401, 403, 404, 422)
def update_contribution(data, contribution_id):
    """Upstream merged, closed or reopened it: `state` and `closed_on` (none while open)."""
    item = services.get(contribution_id)
    with unit_of_work():
        return services.change_state(api_user(), item, data["state"], data["closed_on"])


@blp.get("/contributions/summary")
@blp.arguments(ContributionSummaryArgsSchema, location="query")
@blp.response(200, ContributionSummarySchema)
@document_errors(blp, 401, 422)
def get_summary(args):
    """Issues and pull requests per year (`years`), per team and year (`teams`) and in all
    (`total`); `team` counts one team's alone."""
    if args["team"] is not None:
        if get_by_id(Team, args["team"]) is None:
            raise ValidationFailed({"team": "No such team."})
    return reports.summary(team_id=args["team"])


CSV_BODY = {"content": {"text/csv": {"schema": {
    "type": "string", "description": f"Header {','.join(csv_file.HEADER)}"}}}}


@blp.post("/contributions/import")
@blp.doc(requestBody=CSV_BODY)
@blp.response(201, ContributionImportSchema)
@document_errors(blp, 401, 403, 422)
def import_contributions():
    """The office imports a CSV (the body, or a multipart `file`): every row is checked first,
    and if any is bad the 422 names each (`errors`: {"line N": why}) and nothing is
    imported. A URL already in the ledger updates its row."""
    upload = request.files.get("file")
    data = upload.read(csv_file.MAX_BYTES + 1) if upload else \
        request.get_data(cache=False)[:csv_file.MAX_BYTES + 1]
    text = csv_file.decode(data, upload.filename if upload else "")
    with unit_of_work():
        return services.import_csv(api_user(), text).to_dict()


@blp.get("/community-roles")
@blp.arguments(CommunityRoleArgsSchema, location="query")
@blp.response(200, CommunityRolePageSchema)
@document_errors(blp, 401, 422)
def list_roles(args):
    """Our people's roles in upstream projects, current ones first."""
    query = roles.list_query(project=args["project"].strip(), team_id=args["team"],
                             current=args["current"])
    return page_of(db.paginate(query, page=args["page"], per_page=args["per_page"],
                               error_out=False))


@blp.post("/community-roles")
@blp.arguments(CommunityRoleInputSchema)
@blp.response(201, CommunityRoleSchema)
@document_errors(blp, 401, 403, 422)
def create_role(data):
    """Record a role: for one of your teams, or your own (the office: anyone's)."""
    data["team_id"] = data.pop("team")
    with unit_of_work():
        return roles.record(api_user(), roles.RoleInput(**data))
