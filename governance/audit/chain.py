"""The audit trail's hash chain: every event carries the sha256 of its own fields and of the
event before it (in id order), so an event changed or removed after it was recorded shows.

Owns the canonical form and hash of an event, sealing new events as they are flushed (their
ids, `prev_hash` and `hash`, under a lock that keeps the chain one line), and walking the
chain to find its first broken link (`verify`).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from sqlalchemy import Connection, event, func, inspect, select, text
from sqlalchemy.orm import Session

from governance.audit.models import AuditEvent
from governance.database import db, utcnow

FIELDS = ("id", "at", "actor_id", "object_type", "object_id", "action", "summary", "before",
          "after")

# Any constant works as long as nothing else in the database uses it: "auditlog" in ASCII.
ADVISORY_LOCK_KEY = int.from_bytes(b"auditlog", "big") >> 1  # fits PostgreSQL's bigint

_table = AuditEvent.__table__


def _json_value(value: Any) -> Any:
    # What the JSON column gives back when read (tuples become lists, keys strings), so an
    # event hashes the same when it is sealed and when it is verified.
    return None if value is None else json.loads(json.dumps(value))


def canonical(fields: Mapping[str, Any], prev_hash: str | None) -> bytes:
    """The bytes an event's hash is taken of: its fields and the previous hash, as JSON with
    sorted keys and no spaces; `at` in ISO 8601, UTC."""
    document = {name: fields[name] for name in FIELDS}
    document["at"] = fields["at"].astimezone(timezone.utc).isoformat()
    document["before"] = _json_value(fields["before"])
    document["after"] = _json_value(fields["after"])
    document["prev_hash"] = prev_hash
    return json.dumps(document, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode()


def event_hash(fields: Mapping[str, Any], prev_hash: str | None) -> str:
    return hashlib.sha256(canonical(fields, prev_hash)).hexdigest()


class AuditChainError(RuntimeError):
    pass


# Sealing. Two transactions recording at once must not both read the same last hash (a fork),
# and ids must grow in the order events are chained. So before reading the last event, each
# transaction takes a lock it holds until it commits or rolls back, and only then are its new
# events given ids, prev_hash and hash, all in the INSERT itself (no later UPDATE, so the
# database can refuse every UPDATE):
# - PostgreSQL: pg_advisory_xact_lock on a constant; ids come from the table's sequence after
#   it, so a later lock holder always gets larger ids. (This assumes READ COMMITTED, the
#   default: the read after the lock sees every event committed before it.)
# - SQLite allows one writer at a time: a write that touches no row takes that writer lock
#   now (a deferred transaction would otherwise take it only at its INSERT), and ids are the
#   last id + 1, which is what SQLite would choose too.
# The lock is held from an event's flush to the commit: transactions that record events queue
# there, and nothing else does. The unique prev_hash is the backstop should this ever be wrong.

def _take_lock(conn: Connection) -> None:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
    elif dialect == "sqlite":
        conn.execute(text("UPDATE audit_events SET id = id WHERE 0"))
    else:  # fail closed rather than chain without a lock
        raise AuditChainError(f"the audit chain cannot lock a {dialect} database")


def _new_ids(conn: Connection, last_id: int, count: int) -> list[int]:
    if conn.dialect.name == "postgresql":
        ids = sorted(conn.scalars(text(
            "SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))"
            " FROM generate_series(1, :n)"), {"n": count}))
        if ids[0] <= last_id:  # someone inserted ids past the sequence: refuse to fork
            raise AuditChainError(f"audit event id {ids[0]} is not after {last_id}")
        return ids
    return list(range(last_id + 1, last_id + 1 + count))


@event.listens_for(Session, "before_flush")
def _seal_new_events(session: Session, flush_context, instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    # The order record() was called in (insert_order), so ids follow the calls.
    new.sort(key=lambda obj: inspect(obj).insert_order)
    if any(obj.id is not None for obj in new):
        raise AuditChainError("audit event ids are given by the chain, never by the caller")
    conn = session.connection()
    _take_lock(conn)
    last = conn.execute(select(_table.c.id, _table.c.hash)
                        .order_by(_table.c.id.desc()).limit(1)).first()
    last_id, prev_hash = (last.id, last.hash) if last else (0, None)
    for obj, new_id in zip(new, _new_ids(conn, last_id, len(new)), strict=True):
        obj.id = new_id
        if obj.at is None:
            obj.at = utcnow()
        if obj.summary is None:
            obj.summary = ""
        obj.prev_hash = prev_hash
        obj.hash = prev_hash = event_hash({name: getattr(obj, name) for name in FIELDS},
                                          obj.prev_hash)


# Verifying.

@dataclass(frozen=True)
class ChainState:
    """What walking the chain found: `count` events checked, and the first broken link."""

    count: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(batch_size: int = 1000) -> ChainState:
    """Recompute every hash in id order; stop at the first event that does not match.

    Reads plain columns in batches (keyset on id), never ORM objects, so memory stays flat
    however long the trail is."""
    columns = [_table.c[name] for name in FIELDS] + [_table.c.hash, _table.c.prev_hash]
    count, prev_id, prev_hash = 0, None, None
    while True:
        query = select(*columns).order_by(_table.c.id).limit(batch_size)
        if prev_id is not None:
            query = query.where(_table.c.id > prev_id)
        rows = db.session.execute(query).all()
        for row in rows:
            if row.prev_hash != prev_hash:
                return ChainState(count, row.id, _link_broken(row.id, prev_id))
            if event_hash(row._mapping, prev_hash) != row.hash:
                return ChainState(count, row.id, (
                    f"Event #{row.id} was changed after it was recorded: its contents no "
                    "longer match its hash."))
            count, prev_id, prev_hash = count + 1, row.id, row.hash
        if len(rows) < batch_size:
            return ChainState(count)


def _link_broken(event_id: int, prev_id: int | None) -> str:
    if prev_id is None:
        return (f"Event #{event_id} follows an event that is gone: the events before it were "
                "changed or removed after they were recorded.")
    return (f"Event #{event_id} no longer follows event #{prev_id}: an event between them, or "
            f"event #{prev_id} itself, was changed or removed after it was recorded.")
