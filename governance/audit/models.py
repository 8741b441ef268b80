"""The append-only audit trail: who did what to which object, with the values before and after."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
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
    actor: Mapped[User | None] = relationship("User")


class AuditTrailIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailIsAppendOnly("audit events are never changed or deleted")
