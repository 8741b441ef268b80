"""The append-only audit trail: who did what to which object, with the values before and after.

Owns the `audit_events` table: its columns (with the hash chain's `hash` and `prev_hash`, which
`governance.audit.chain` fills in), the ORM guard that refuses changes and deletions, and on
PostgreSQL the trigger that refuses them in the database too (raw SQL included).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DDL, JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from governance.database import UTCDateTime, db, utcnow

if TYPE_CHECKING:  # the audit trail sits below accounts: auth records its events here
    from governance.auth.models import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(String(60), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # sha256 (hex) of this event's fields and prev_hash; set at flush by governance.audit.chain.
    hash: Mapped[str] = mapped_column(String(64))
    # The hash of the event before (by id); None for the first. Unique: two events can never
    # follow the same one, so even a bug in the chain's locking fails loudly instead of forking.
    prev_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    actor: Mapped[User | None] = relationship("User")


class AuditTrailIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailIsAppendOnly("audit events are never changed or deleted")


# On PostgreSQL the database itself refuses UPDATE and DELETE on audit_events, whoever sends
# them (the chain would only show them afterwards). TRUNCATE fires no row trigger: it needs the
# table owner's privilege, as dropping the trigger does. Migration 0006 installs the same SQL;
# the after_create hooks below install it wherever the table is made by create_all().
APPEND_ONLY_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit events are never changed or deleted (' || TG_OP || ' refused)',
        ERRCODE = 'insufficient_privilege';
END
$$
"""
APPEND_ONLY_TRIGGER_SQL = """
CREATE TRIGGER audit_events_append_only
BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()
"""
DROP_APPEND_ONLY_SQL = (
    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events",
    "DROP FUNCTION IF EXISTS audit_events_append_only()",
)

for _sql in (APPEND_ONLY_FUNCTION_SQL, APPEND_ONLY_TRIGGER_SQL):
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
event.listen(AuditEvent.__table__, "after_drop",
             DDL(DROP_APPEND_ONLY_SQL[1]).execute_if(dialect="postgresql"))
