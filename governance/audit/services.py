"""Recording and querying audit events, and the chain's state for the pages and the CLI.
Callers flush; the boundary commits."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from sqlalchemy import Select, select

from governance.audit import chain
from governance.audit.models import AuditEvent
from governance.database import db


def record(actor, obj_type: str, obj_id: int, action: str, summary: str = "",
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Add one event to the current transaction; it commits or rolls back with the change.

    Its id, `prev_hash` and `hash` are set when it is flushed (governance.audit.chain), under
    a lock held until the transaction ends."""
    entry = AuditEvent(
        actor_id=getattr(actor, "id", None), object_type=obj_type, object_id=obj_id,
        action=action, summary=summary, before=before, after=after,
    )
    db.session.add(entry)
    return entry


def chain_state() -> chain.ChainState:
    """Walk the whole chain (in batches of plain columns) and say whether it is intact."""
    return chain.verify()


def events_for(obj_type: str, obj_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == obj_type, AuditEvent.object_id == obj_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ))


# Sessions begin and end all day long: the audit page leaves them out unless asked.
SESSION_ACTIONS = ("signed_in", "signed_out")


def search_query(*, actor_id: int | None = None, object_type: str | None = None,
                 object_id: int | None = None, action: str | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 sessions: bool = True) -> Select:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if not sessions and action not in SESSION_ACTIONS:
        query = query.where(AuditEvent.action.not_in(SESSION_ACTIONS))
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    return query


def known_actions() -> list[str]:
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return list(db.session.scalars(query))


def known_object_types() -> list[str]:
    query = select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)
    return list(db.session.scalars(query))


def action_label(action: str) -> str:
    """How an action reads to a person: `approved_by_recheck` is "Approved by recheck"."""
    text = (action or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def changes(before: dict | None, after: dict | None) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field either side names, in a stable order."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    return [(k, before.get(k), after.get(k)) for k in keys]


def _defuse(cell: str) -> str:
    # Spreadsheets run cells that start with these characters as formulas.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def export_csv(query: Select) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "object_type", "object_id", "action", "summary",
                     "before", "after"])
    for ev in db.session.scalars(query):
        writer.writerow([_defuse(str(v)) for v in (
            ev.id, ev.at.isoformat(), ev.actor.username if ev.actor else "system",
            ev.object_type, ev.object_id, ev.action, ev.summary,
            json.dumps(ev.before, sort_keys=True) if ev.before is not None else "",
            json.dumps(ev.after, sort_keys=True) if ev.after is not None else "",
        )])
    return out.getvalue()
