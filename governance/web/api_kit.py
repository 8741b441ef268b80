"""What every /api/v1 module shares, whichever package holds it: the one error shape, the page
envelope, the documented error answers and the calling user. A request kind's own API module
uses these without importing the API package (which sits above the domains)."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields

ERRORS = {401: "No or bad token", 403: "Not allowed for your role", 404: "Not found",
          409: "Illegal transition, or the request changed since `version`",
          422: "Invalid input, with `errors` per field"}


class ApiErrorSchema(Schema):
    """The one shape of every API error (web.errors.error_body writes it)."""

    code = fields.Int(metadata={"description": "The HTTP status code"})
    status = fields.Str(metadata={"description": "The HTTP status phrase"})
    message = fields.Str(metadata={"description": "What went wrong, for a person to read"})
    errors = fields.Dict(keys=fields.Str(), values=fields.Raw(),
                         metadata={"description": "Per field: what is wrong with it"})


class PageSchema(Schema):
    """The envelope of every paginated list; subclasses set `items`."""

    page = fields.Int()
    per_page = fields.Int()
    total = fields.Int()
    pages = fields.Int()


def page_of(pagination) -> dict:
    return {"items": pagination.items, "page": pagination.page,
            "per_page": pagination.per_page, "total": pagination.total,
            "pages": pagination.pages}


def document_errors(blp, *codes):
    """Document the error answers a view gives, in the one error shape."""
    def decorator(view):
        for code in codes:
            view = blp.alt_response(code, schema=ApiErrorSchema, description=ERRORS[code])(view)
        return view
    return decorator


def api_user():
    """The user whose token authenticated this call (the API's before-request hook sets it)."""
    return g.api_user
