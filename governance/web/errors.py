"""Error pages: HTML for people, the API's JSON shape under /api/. Never a traceback."""
from __future__ import annotations

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from governance.database import db
from governance.errors import DomainError, ValidationFailed

FRIENDLY = {
    403: "This page is not open to your role. If you need it, ask an administrator.",
    404: "There is nothing here, or it is not visible to you.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(status: int, name: str, message: str, errors: dict | None = None) -> dict:
    """The one JSON error shape of the API (the same as flask-smorest's own)."""
    body = {"code": status, "status": name, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _render(status: int, title: str, message: str):
    if wants_json():
        response = jsonify(error_body(status, title, message))
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response, status
    return render_template("error.html", status=status, title=title, message=message), status


def register_error_handlers(app) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        if wants_json():
            errors = exc.errors if isinstance(exc, ValidationFailed) else None
            name = HTTP_STATUS_CODES.get(exc.status, "Error")
            return jsonify(error_body(exc.status, name, exc.message, errors)), exc.status
        titles = {403: "Not allowed", 404: "Not found", 409: "Conflict", 429: "Slow down"}
        return _render(exc.status, titles.get(exc.status, "Cannot do that"), exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if wants_json() and exc.code in (400, 422) and getattr(exc, "data", None):
            # flask-smorest / webargs validation errors: keep their field messages.
            # Keyed by field like the services' errors ({"json": {"team": ...}} -> {"team": ...}).
            messages = exc.data.get("messages", {})
            flat = {}
            for loc, fields in messages.items():
                flat.update(fields if isinstance(fields, dict) else {loc: fields})
            return jsonify(error_body(exc.code, exc.name, "Invalid input.", flat)), exc.code
        # flask-smorest's abort(..., message=...) keeps the message in exc.data.
        message = (getattr(exc, "data", None) or {}).get("message")
        if not message and not wants_json():
            message = FRIENDLY.get(exc.code)
        body, status = _render(exc.code or 500, exc.name, message or exc.description or "")
        # A 405 says which methods the address takes (RFC 9110), as Werkzeug's own page does.
        allow = [(k, v) for k, v in exc.get_headers() if k.lower() == "allow"]
        return body, status, allow

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(500, InternalServerError().name,
                       "Something went wrong on our side. It has been logged; "
                       "nothing you entered was saved half-way.")
