"""Control characters are refused at the door: in every query parameter and form field, and (by
api_kit.InputSchema) in every JSON field, with a 422 that names the field.

A NUL in a text column is an error on PostgreSQL, a line break in a redirect target breaks the
response header; no person types either. Text areas keep tabs and line breaks."""
from __future__ import annotations

import re

from flask import request

from governance.errors import ValidationFailed

# Anything below a space, and DEL, except tab and line breaks; query parameters allow none.
IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
IN_PARAMETERS = re.compile(r"[\x00-\x1f\x7f]")
MESSAGE = "This field holds a control character (such as NUL); remove it and try again."


def control_characters(values, pattern: re.Pattern) -> dict[str, str]:
    """{name: MESSAGE} for every (name, value) pair whose value or name holds one. (A
    malformed multipart part can come with no name at all: Werkzeug gives None.)"""
    return {str(name): MESSAGE for name, value in values
            if (isinstance(name, str) and pattern.search(name))
            or (isinstance(value, str) and pattern.search(value))}


def refuse_control_characters() -> None:
    """A before-request hook: ValidationFailed (422) naming each field at fault."""
    errors = control_characters(request.args.items(multi=True), IN_PARAMETERS)
    if request.method in ("POST", "PUT", "PATCH") and request.form:
        errors.update(control_characters(request.form.items(multi=True), IN_TEXT))
    if errors:
        raise ValidationFailed(errors, "Control characters (such as NUL) are not accepted.")
