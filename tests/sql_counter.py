"""Counting the SQL statements a block runs, with SQLAlchemy's engine events."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from governance.database import db


@contextmanager
def statements():
    """Yield the list that collects every statement run on the app's engine in the block."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
