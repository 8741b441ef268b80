"""What every /api/v1 module shares, whichever package holds it: the one error shape, the page
envelope, the documented error answers and the calling user. A request kind's own API module
uses these without importing the API package (which sits above the domains)."""
from __future__ import annotations

from flask import Response, g
from marshmallow import Schema, ValidationError, fields, pre_load

from governance.web.input_guard import IN_TEXT, MESSAGE

ERRORS = {401: "No or bad token", 403: "Not allowed for your role", 404: "Not found",
          409: "Illegal transition, the request changed since `version`, or an approval "
               "with no license verdict and no `without_scan_reason`",
          422: "Invalid input, with `errors` per field"}


class ApiErrorSchema(Schema):
    """The one shape of every API error (web.errors.error_body writes it)."""

    code = fields.Int(metadata={"description": "The HTTP status code"})
    status = fields.Str(metadata={"description": "The HTTP status phrase"})
    message = fields.Str(metadata={"description": "What went wrong, for a person to read"})
    errors = fields.Dict(keys=fields.Str(), values=fields.Raw(),
                         metadata={"description": "Per field: what is wrong with it"})


class InputSchema(Schema):
    """The base of every JSON body the API reads: control characters are refused per field
    (web.input_guard does the same for query parameters and forms)."""

    @pre_load
    def refuse_control_characters(self, data, **kwargs):
        if isinstance(data, dict):
            errors = {key: [MESSAGE] for key, value in data.items()
                      if _holds_control(value)}
            if errors:
                raise ValidationError(errors)
        return data


def _holds_control(value) -> bool:
    if isinstance(value, str):
        return bool(IN_TEXT.search(value))
    if isinstance(value, dict):
        return any(_holds_control(k) or _holds_control(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_control(v) for v in value)
    return False


class StrictBool(fields.Boolean):
    """JSON's true and false only: 0, 1, "no" or "yes" are refused, not guessed at."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


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


def attachment(body: str, filename: str, mimetype: str) -> Response:
    """A download: `body` saved by the browser as `filename`."""
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
