"""Small tools every blueprint's views share: form-error placement, pagination, bounded ids."""
from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from werkzeug.routing import IntegerConverter

from governance.database import MAX_ID, db
from governance.errors import ValidationFailed


def apply_errors(form, error: ValidationFailed) -> None:
    """Put each service error on the form field it concerns; the rest become form errors."""
    for name, message in error.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)


class IdConverter(IntegerConverter):
    """`<int:...>` with MAX_ID as its default upper bound: larger numbers cannot be ids and
    the database cannot even compare them (OverflowError on SQLite: a 500), so such URLs
    simply match no route (404)."""

    def __init__(self, map, *args, **kwargs):
        if not args[2:]:
            kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def page_number() -> int:
    try:
        return min(max(1, int(request.args.get("page", 1))), MAX_ID)
    except ValueError:
        return 1


def paginate(query, per_page: int | None = None):
    return db.paginate(query, page=page_number(),
                       per_page=per_page or current_app.config["PAGE_SIZE"], error_out=False)


def int_list(values) -> list[int]:
    result = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if abs(number) <= MAX_ID:  # larger ones cannot be ids (and overflow the database)
            result.append(number)
    return result


class ListPagination(Pagination):
    """Flask-SQLAlchemy's Pagination over a list already in memory (grouped in Python), for
    the same `pagination` macro as the lists paged by the database."""

    def _query_items(self) -> list:
        start = self._query_offset
        return self._query_args["items"][start:start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: list, per_page: int | None = None) -> ListPagination:
    return ListPagination(page=page_number(),
                          per_page=per_page or current_app.config["PAGE_SIZE"],
                          max_per_page=None, error_out=False, items=items)

