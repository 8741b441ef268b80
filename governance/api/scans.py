"""/api/v1 scans: start a scan of a request's source, read its status and its findings."""
from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from governance.database import MAX_ID, db, unit_of_work
from governance.errors import ValidationFailed
from governance.scanning import outcomes
from governance.scans import services
from governance.scans.queue import enqueue, scan_config
from governance.web.api_kit import ApiErrorSchema, PageSchema, page_of
from governance.web.input_guard import IN_PARAMETERS, control_characters
from governance.workflow import services as workflow

blp = Blueprint("api_scans", __name__, url_prefix="/api/v1",
                description="Source scans by scancode-toolkit")


class ScanSchema(Schema):
    id = fields.Int()
    request_id = fields.Int(allow_none=True)
    state = fields.Function(lambda s: s.state.value,
                            metadata={"enum": ["queued", "running", "succeeded", "failed"]})
    phase = fields.Str()
    files_done = fields.Int()
    files_total = fields.Int()
    percent = fields.Int()
    error = fields.Str()
    source = fields.Function(lambda s: s.archive.filename if s.archive else s.source)
    archive_sha256 = fields.Function(lambda s: s.archive.sha256 if s.archive else None)
    reused_from = fields.Int(attribute="reused_from_id", allow_none=True)
    scancode_version = fields.Str()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    summary = fields.Dict(allow_none=True, metadata={
        "description": "The same shape as `flask scan --json` (README, Scanning)"})
    notes = fields.List(fields.Dict(), allow_none=True,
                        metadata={"description": "What extraction dropped or renamed"})


class ScanFileSchema(Schema):
    id = fields.Int()
    path = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()
    status = fields.Str()
    seconds = fields.Float()
    close_call = fields.Bool()
    errors = fields.List(fields.Str(), allow_none=True)
    reason = fields.Str()
    license_expression = fields.Str()
    license_expression_spdx = fields.Str()
    holders = fields.Function(lambda f: [h for h in f.holders.split("\n") if h])


class ScanFilePageSchema(PageSchema):
    items = fields.List(fields.Nested(ScanFileSchema))


class ScanFileArgsSchema(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=100, validate=validate.Range(min=1, max=1000))
    license = fields.Str(load_default="", metadata={
        "description": "A scancode license expression, or `none` for files without one"})
    path = fields.Str(load_default="", validate=validate.Length(max=300))
    status = fields.Str(load_default="", validate=validate.OneOf(
        ["", *outcomes.FILE_OUTCOMES]))


START_BODY = {"content": {
    "application/json": {"schema": {"type": "object", "properties": {
        "source": {"type": "string", "example": "pkg:pypi/flask@3.1.3",
                   "description": "A purl (PyPI, npm) or an https:// download URL"}}}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "archive": {"type": "string", "format": "binary"}}}},
}}


@blp.post("/requests/<int:request_id>/scans")
@blp.doc(requestBody=START_BODY)
@blp.response(202, ScanSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="Not your team's request")
@blp.alt_response(409, schema=ApiErrorSchema, description="A scan is still running")
@blp.alt_response(422, schema=ApiErrorSchema, description="No source, or a bad one")
def start_scan(request_id):
    """Queue a scan: upload `archive` (multipart) or send `{"source": purl or URL}`."""
    upload = request.files.get("archive")
    body = request.get_json(silent=True) if upload is None else None
    # The body is checked first, as the schema of every other endpoint is.
    if upload is None and not (isinstance(body, dict) and body.get("source")):
        raise ValidationFailed({"source": "Send JSON {\"source\": purl or URL} or a multipart "
                                          "'archive'."})
    source = str((body or {}).get("source") or "")
    errors = control_characters([("source", source)], IN_PARAMETERS)
    if errors:
        raise ValidationFailed(errors)
    item = workflow.get_for(g.api_user, request_id)
    with unit_of_work():
        services.ensure_source_scan(item, g.api_user)
        scan = services.start_scan(item, g.api_user, scan_config(),
                                   source=source,
                                   upload=upload.stream if upload else None,
                                   upload_name=upload.filename if upload else "")
    enqueue(scan.id)
    return scan


@blp.get("/scans/<int:scan_id>")
@blp.response(200, ScanSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="Not found or not visible")
def get_scan(scan_id):
    """A scan's state and progress, and its summary once it succeeded."""
    return services.get_scan_for(g.api_user, scan_id)


@blp.get("/scans/<int:scan_id>/files")
@blp.arguments(ScanFileArgsSchema, location="query")
@blp.response(200, ScanFilePageSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="Not found or not visible")
def list_scan_files(args, scan_id):
    """The scan's files with their license, holders and status, filterable."""
    scan = services.get_scan_for(g.api_user, scan_id)
    page = db.paginate(services.files_query(scan, license_expression=args["license"],
                                            path=args["path"], status=args["status"]),
                       page=args["page"], per_page=args["per_page"], error_out=False)
    return page_of(page)
