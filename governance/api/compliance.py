"""/api/v1 compliance: products, exports, SBOM checks and the CI gate."""
from __future__ import annotations

from flask import Response, current_app, g, request, stream_with_context
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from governance.compliance import json_chunks
from governance.database import unit_of_work
from governance.errors import ValidationFailed
from governance.inventory import checks, exports
from governance.inventory import services as inventory
from governance.policies import license_policy
from governance.web.api_kit import ApiErrorSchema

blp = Blueprint("api_compliance", __name__, url_prefix="/api/v1",
                description="Products, exports, SBOM checks and the CI gate")

SBOM_BODY = {"content": {
    "application/json": {"schema": {"type": "object", "description":
                                     "A CycloneDX or SPDX JSON document, as the tool wrote it"}},
    "application/xml": {"schema": {"type": "string", "description": "CycloneDX XML"}},
    "text/plain": {"schema": {"type": "string", "description": "SPDX tag-value"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "sbom": {"type": "string", "format": "binary"}}}},
}}


class ProductSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    team = fields.Function(lambda p: p.team.name)
    usage_context = fields.Str()
    description = fields.Str()


class ExportArgsSchema(Schema):
    format = fields.Str(required=True, validate=validate.OneOf(list(exports.FORMATS)))
    scope = fields.Str(load_default="company", metadata={
        "description": "company, team:NAME or product:NAME"})


class GateArgsSchema(Schema):
    context = fields.Str(required=True, metadata={"description": "Usage context id"})
    product = fields.Str(load_default=None, metadata={
        "description": "Check against this product's approvals (default: the company's)"})


class ComponentResultSchema(Schema):
    name = fields.Str()
    version = fields.Str()
    purl = fields.Str(allow_none=True)
    license = fields.Str(allow_none=True)
    status = fields.Str()
    verdict = fields.Str(allow_none=True)
    reason = fields.Str()
    requests = fields.List(fields.Int())


class GateSchema(Schema):
    passed = fields.Bool()
    context = fields.Str()
    product = fields.Str(allow_none=True)
    counts = fields.Dict(keys=fields.Str(), values=fields.Int())
    components = fields.List(fields.Dict())


class ImportSchema(Schema):
    id = fields.Int()
    product = fields.Function(lambda r: r.product.name)
    filename = fields.Str()
    format = fields.Str()
    context = fields.Str()
    total = fields.Int()
    counts = fields.Dict(keys=fields.Str(), values=fields.Int())
    components = fields.List(fields.Nested(ComponentResultSchema))


def _sbom_bytes() -> tuple[bytes, str]:
    limit = current_app.config["SBOM_MAX_BYTES"]
    upload = request.files.get("sbom")
    if upload is not None:
        return upload.stream.read(limit + 1), upload.filename or ""
    # Read one byte past the limit and no more: read_sbom then refuses it with the sizes.
    data = request.stream.read(limit + 1)
    if not data:
        raise ValidationFailed({"sbom": "Send the SBOM as the request body or as a multipart "
                                        "'sbom' file."})
    return data, ""


@blp.get("/products")
@blp.response(200, ProductSchema(many=True))
def list_products():
    """Products with their team and usage context."""
    return inventory.all_products()


@blp.get("/exports")
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, description="The document (SPDX or CycloneDX JSON, notice, CSV)")
@blp.alt_response(422, schema=ApiErrorSchema, description="Unknown format or scope")
def export(args):
    """Export what a scope uses, in one of the formats of `flask export`."""
    result = exports.build(args["format"], args["scope"], license_policy(),
                           current_app.config["SPDX_NAMESPACE_BASE"])
    return Response(result.content, mimetype=result.mimetype,
                    headers=result.response_headers())


@blp.post("/gate")
@blp.arguments(GateArgsSchema, location="query")
@blp.doc(requestBody=SBOM_BODY)
@blp.response(200, GateSchema)
@blp.alt_response(422, schema=ApiErrorSchema,
                  description="Unreadable SBOM, unknown context or product")
def gate(args):
    """Pass or fail a build's SBOM: `passed`, and each component's status and reason."""
    data, filename = _sbom_bytes()
    result = checks.run_gate(data, args["context"], args["product"], license_policy(),
                             current_app.config["SBOM_MAX_BYTES"], filename=filename)
    return Response(result.json_chunks(), mimetype="application/json")


@blp.post("/products/<int:product_id>/sboms")
@blp.doc(requestBody=SBOM_BODY)
@blp.response(201, ImportSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="Not your team's product")
@blp.alt_response(404, schema=ApiErrorSchema, description="No such product")
@blp.alt_response(422, schema=ApiErrorSchema, description="Unreadable SBOM")
def import_sbom(product_id):
    """Check a product's SBOM and keep the result (as the product page does)."""
    # The body is checked first, as the schema of every other endpoint is.
    data, filename = _sbom_bytes()
    document = checks.read(data, filename, current_app.config["SBOM_MAX_BYTES"])
    product = inventory.get_product(product_id)
    with unit_of_work():
        record = checks.import_document(product, g.api_user, filename or "sbom", document,
                                        license_policy())
    # Streamed from the database a thousand rows at a time, as the gate's answer is.
    head = ImportSchema(exclude=("components",)).dump(record)
    chunks = json_chunks(head, "components", checks.each_component_result(record.id))
    return Response(stream_with_context(chunks), status=201, mimetype="application/json")
