"""/api/v1/updates, /api/v1/components/{id}/updates and /api/v1/patches: what is overdue, an
update recorded (starting the successor's quick re-check), and the local patches teams carry."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from governance.database import unit_of_work
from governance.inventory.services import UsageFilters
from governance.lifecycle import cadence, patches, updates
from governance.lifecycle.models import PATCH_KINDS, PATCH_STATUSES, RECHECK_STATES
from governance.scans.queue import enqueue, scan_config
from governance.web.api_kit import InputSchema, api_user, document_errors

blp = Blueprint("api_lifecycle", __name__, url_prefix="/api/v1",
                description="After approval: updates due and recorded, local patches")


class DueSchema(Schema):
    request_id = fields.Int()
    component_id = fields.Int()
    purl = fields.Str()
    name = fields.Str()
    version = fields.Str()
    team = fields.Str()
    product = fields.Str(allow_none=True)
    usage_context = fields.Str()
    criticality = fields.Str(metadata={"description": "The level of policies/lifecycle.yaml"})
    kind = fields.Str(metadata={"description": "regular | security"})
    since = fields.Str(metadata={"description": "Approval, last update or advisory import"})
    due_on = fields.Str()
    days_overdue = fields.Int()
    advisory = fields.Str(allow_none=True)
    finding = fields.Int(allow_none=True)
    fixed = fields.List(fields.Str(), allow_none=True)
    update_pending = fields.Int(allow_none=True, metadata={
        "description": "The successor request of an update already recorded"})


class OverdueArgsSchema(Schema):
    team_id = fields.Int(load_default=None)
    kind = fields.Str(load_default=None, validate=validate.OneOf(["regular", "security"]))


class UpdateInputSchema(InputSchema):
    to_version = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    updated_on = fields.Date(load_default=None, allow_none=True)
    release_notes_url = fields.Str(load_default="", validate=validate.Length(max=500))
    test_run_url = fields.Str(load_default="", validate=validate.Length(max=500))
    request_ids = fields.List(fields.Int(), load_default=list, metadata={
        "description": "The approved uses updated; empty: every use of your teams"})


class UpdateSchema(Schema):
    id = fields.Int()
    from_request_id = fields.Int()
    to_request_id = fields.Int()
    from_purl = fields.Function(lambda u: u.from_component.purl)
    to_purl = fields.Function(lambda u: u.to_component.purl)
    updated_on = fields.Date()
    release_notes_url = fields.Str()
    test_run_url = fields.Str()
    recheck = fields.Str(metadata={"description": " | ".join(RECHECK_STATES)})
    state = fields.Function(lambda u: u.to_request.state.value,
                            metadata={"description": "The successor request's state"})
    changes = fields.Dict(allow_none=True)
    scan_id = fields.Int(allow_none=True)


class RecordedSchema(Schema):
    updates = fields.List(fields.Nested(UpdateSchema))


class PatchSchema(Schema):
    id = fields.Int()
    project = fields.Str()
    component_id = fields.Int()
    purl = fields.Function(lambda p: p.component.purl)
    team = fields.Function(lambda p: p.team.name)
    kind = fields.Str(metadata={"description": " | ".join(PATCH_KINDS)})
    title = fields.Str()
    reason = fields.Str()
    patch_url = fields.Str()
    patch_filename = fields.Str()
    has_patch_file = fields.Function(lambda p: bool(p.patch_text))
    upstream_url = fields.Str()
    contribution_id = fields.Int(allow_none=True)
    status = fields.Str(metadata={"description": "DEP-3: " + " | ".join(PATCH_STATUSES)})
    applied_upstream_version = fields.Str()
    owner = fields.Function(lambda p: p.owner.username)
    state = fields.Str(metadata={"description": "active | removed"})
    approval = fields.Str(metadata={"description": "not_needed | pending | approved"})
    next_review_on = fields.Date(allow_none=True)
    confirm_for = fields.Function(
        lambda p: p.confirm_for_update.to_component.purl if p.confirm_for_update else None,
        metadata={"description": "The version of a recorded update it must be re-confirmed for"})
    attention = fields.Function(lambda p: patches.attention(p))


class PatchInputSchema(InputSchema):
    component_id = fields.Int(required=True)
    team_id = fields.Int(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(list(PATCH_KINDS)))
    title = fields.Str(required=True, validate=validate.Length(max=200))
    reason = fields.Str(load_default="", validate=validate.Length(max=20000))
    patch = fields.Str(load_default="", metadata={"description": "The patch file's text (a "
                                                                 "diff), up to 1 MB"})
    patch_filename = fields.Str(load_default="", validate=validate.Length(max=255))
    patch_url = fields.Str(load_default="", validate=validate.Length(max=500))
    upstream_url = fields.Str(load_default="", validate=validate.Length(max=500))
    contribution_id = fields.Int(load_default=None, allow_none=True)
    status = fields.Str(load_default="not-forwarded",
                        validate=validate.OneOf(list(PATCH_STATUSES)))
    applied_upstream_version = fields.Str(load_default="", validate=validate.Length(max=100))
    owner_id = fields.Int(load_default=None, allow_none=True, metadata={
        "description": "The user who looks after it; you, when left out"})


class PatchChangeSchema(PatchInputSchema):
    """A PATCH: any of the fields, the rest stays (loaded with partial=True)."""


class PatchArgsSchema(Schema):
    component_id = fields.Int(load_default=None)
    team_id = fields.Int(load_default=None)
    attention = fields.Bool(load_default=False, metadata={
        "description": "Only patches needing attention"})
    include_removed = fields.Bool(load_default=False)


class ConfirmInputSchema(InputSchema):
    still_needed = fields.Bool(required=True)
    note = fields.Str(load_default="", validate=validate.Length(max=20000))


class ReasonInputSchema(InputSchema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=20000))


@blp.get("/updates/overdue")
@blp.arguments(OverdueArgsSchema, location="query")
@blp.response(200, DueSchema(many=True))
@document_errors(blp, 401, 422)
def get_overdue(args):
    """Every approved use whose regular update or security fix is overdue (policies/
    lifecycle.yaml), most overdue first."""
    today = date.today()
    found = cadence.overdue(UsageFilters(team_id=args["team_id"]), today)
    if args["kind"]:
        found = [d for d in found if d.kind == args["kind"]]
    return [d.to_dict(today) for d in found]


@blp.post("/components/<int:component_id>/updates")
@blp.arguments(UpdateInputSchema)
@blp.response(201, RecordedSchema)
@document_errors(blp, 401, 403, 404, 422)
def post_update(data, component_id):
    """Record the update of this version's approved uses (yours) to `to_version`: each use's
    successor request is opened and scanned, approved by the app when nothing changed in
    licenses or obligations, otherwise reviewed by the office."""
    component = updates.get_component(component_id)
    with unit_of_work():
        recorded = updates.record_update(api_user(), component,
                                         updates.UpdateInput(**data), scan_config())
    out = []
    for update, scan in recorded:
        if scan is not None:
            enqueue(scan.id)
        update.scan_id = scan.id if scan is not None else None
        out.append(update)
    return {"updates": out}


@blp.get("/patches")
@blp.arguments(PatchArgsSchema, location="query")
@blp.response(200, PatchSchema(many=True))
@document_errors(blp, 401, 422)
def get_patches(args):
    """Local patches, newest first; `attention=true`: only those needing someone."""
    return patches.listed(component_id=args["component_id"], team_id=args["team_id"],
                          needs_attention=args["attention"],
                          include_removed=args["include_removed"])


@blp.post("/patches")
@blp.arguments(PatchInputSchema)
@blp.response(201, PatchSchema)
@document_errors(blp, 401, 403, 422)
def post_patch(data):
    """Record a local patch (a permanent one waits for the office's approval)."""
    data["patch_text"] = data.pop("patch")
    with unit_of_work():
        return patches.create(api_user(), patches.PatchInput(**data))


@blp.patch("/patches/<int:patch_id>")
@blp.arguments(PatchChangeSchema(partial=True))
@blp.response(200, PatchSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def patch_patch(data, patch_id):
    """Change what is given (the upstream status once upstream took it, a new link, ...);
    the rest stays."""
    patch = patches.get(patch_id)
    current = patches.input_of(patch)
    if "patch" in data:
        data["patch_text"] = data.pop("patch")
    with unit_of_work():
        return patches.update(api_user(), patch, replace(current, **data))


@blp.post("/patches/<int:patch_id>/confirm")
@blp.arguments(ConfirmInputSchema)
@blp.response(200, PatchSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def confirm_patch(data, patch_id):
    """After a recorded update: still needed on the new version (it moves there), or removed
    (`note` says why)."""
    patch = patches.get(patch_id)
    with unit_of_work():
        return patches.confirm(api_user(), patch, **data)


@blp.post("/patches/<int:patch_id>/approve")
@blp.arguments(ReasonInputSchema)
@blp.response(200, PatchSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def approve_patch(data, patch_id):
    """The office approves a permanent patch, or records its yearly review."""
    patch = patches.get(patch_id)
    with unit_of_work():
        return patches.approve(api_user(), patch, reason=data["reason"])
