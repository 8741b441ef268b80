"""The declarative base, the db handle and the column types every model shares."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from governance.errors import NotFound

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Ids are 32-bit integers on every backend; larger numbers cannot name a row, and SQLite
# cannot even compare them (OverflowError), so user-supplied ids are checked against this.
MAX_ID = 2**31 - 1


def is_valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def get_by_id(model, ident):
    """db.session.get for ids that came from a user: None for anything that cannot be an id."""
    return db.session.get(model, ident) if is_valid_id(ident) else None


def get_or_not_found(model, ident, message: str):
    """get_by_id, or NotFound with `message` (an id from a user that names nothing)."""
    found = get_by_id(model, ident)
    if found is None:
        raise NotFound(message)
    return found


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


db = SQLAlchemy(model_class=Base)


@contextmanager
def unit_of_work():
    """The transaction boundary of every entry point (views, API, CLI, jobs): commit what the
    block did, or roll all of it back, so nothing is half-saved. Services only flush."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
