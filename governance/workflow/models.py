"""The shared request core: one `requests` row per request of any kind, plus its comments.

Kinds (adoption today; GitHub organization and funding requests later) extend `Request` by
joined-table inheritance and add their own table of fields.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import JSON, Column, Date, Enum, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import Team, User
from governance.database import Base, TimestampMixin, UTCDateTime, db, utcnow
from governance.states import State

request_alternatives = Table(
    "request_alternatives",
    Base.metadata,
    Column("request_id", Integer, ForeignKey("requests.id", ondelete="CASCADE"),
           primary_key=True),
    Column("alternative_id", Integer, ForeignKey("requests.id", ondelete="CASCADE"),
           primary_key=True),
)


class Request(TimestampMixin, db.Model):
    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(300))
    state: Mapped[State] = mapped_column(
        Enum(State, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e]),
        default=State.DRAFT, index=True,
    )
    # Optimistic locking: every UPDATE checks and bumps it, so of two concurrent decisions
    # exactly one wins.
    version: Mapped[int] = mapped_column(Integer, default=1)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Answers to the office's configured questions, stored with the question's label and type
    # so that later edits to policies/ never lose or reinterpret what was entered.
    answers: Mapped[list] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    conditions: Mapped[str] = mapped_column(Text, default="")
    approval_expires_on: Mapped[date | None] = mapped_column(Date)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    team: Mapped[Team] = relationship()
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="request", order_by="Comment.created_at", cascade="all, delete-orphan"
    )
    alternatives: Mapped[list["Request"]] = relationship(
        secondary=request_alternatives,
        primaryjoin=lambda: Request.id == request_alternatives.c.request_id,
        secondaryjoin=lambda: Request.id == request_alternatives.c.alternative_id,
        order_by=lambda: Request.id,
    )
    # The other side of `alternatives`: requests that list this one as a candidate.
    alternative_of: Mapped[list["Request"]] = relationship(
        secondary=request_alternatives,
        primaryjoin=lambda: Request.id == request_alternatives.c.alternative_id,
        secondaryjoin=lambda: Request.id == request_alternatives.c.request_id,
        order_by=lambda: Request.id, viewonly=True,
    )

    __mapper_args__ = {
        "polymorphic_on": "kind",
        "polymorphic_identity": "request",
        "version_id_col": version,
    }

    # What a kind exposes to the shared core; subclasses override.
    kind_label = "Request"
    # The roles that see every request of the kind beside its requester's side; None: all
    # signed-in users see it once submitted (a funding proposal's money is not for everyone).
    readers: ClassVar[frozenset | None] = None

    def missing_for_submission(self) -> dict[str, str]:
        """Fields that must be filled before the office sees the request: {field: message}."""
        return unanswered(self.answers)

    def snapshot(self) -> dict:
        """The fields an audit event records before and after an edit."""
        return {"title": self.title, "team": self.team.name if self.team else None,
                "answers": {a["id"]: a.get("value") for a in self.answers or []}}

    def is_expired(self, today: date) -> bool:
        return bool(self.approval_expires_on and self.approval_expires_on < today)


def unanswered(answers) -> dict[str, str]:
    """The required questions of `answers` (as stored) that have no answer: {field: message}."""
    return {f"q_{a['id']}": f"“{a['label']}” needs an answer."
            for a in answers or [] if a.get("required") and a.get("value") in (None, "", [])}


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[Request] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
