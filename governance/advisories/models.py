"""Advisories as imported (the OSV record's fields, and its affected packages as lookup rows),
and the findings they open on the inventory's component versions."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.components.models import Component
from governance.database import TimestampMixin, UTCDateTime, db, utcnow

# Dependency-Track's analysis states; open ones need the office's attention.
FINDING_STATES = ("in_triage", "exploitable", "not_affected", "false_positive", "resolved")
OPEN_FINDING_STATES = ("in_triage", "exploitable")
FINDING_STATE_LABELS = {"in_triage": "In triage", "exploitable": "Exploitable",
                        "not_affected": "Not affected", "false_positive": "False positive",
                        "resolved": "Resolved"}


class Advisory(TimestampMixin, db.Model):
    __tablename__ = "advisories"

    id: Mapped[int] = mapped_column(primary_key=True)
    osv_id: Mapped[str] = mapped_column(String(200), unique=True)
    modified: Mapped[str] = mapped_column(String(40))
    published: Mapped[str] = mapped_column(String(40), default="")
    withdrawn: Mapped[str] = mapped_column(String(40), default="")
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[list] = mapped_column(JSON, default=list)
    # The database's own word where it gives one (GitHub's CRITICAL, HIGH, MODERATE, LOW).
    severity_name: Mapped[str] = mapped_column(String(20), default="")
    affected: Mapped[list] = mapped_column(JSON, default=list)
    references: Mapped[list] = mapped_column(JSON, default=list)
    # When the app first saw it: a finding's clock starts here.
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    packages: Mapped[list["AdvisoryPackage"]] = relationship(
        back_populates="advisory", cascade="all, delete-orphan")

    @property
    def severity_label(self) -> str:
        """The database's word for it, else the record's first CVSS vector."""
        return self.severity_name or next(
            (s.get("score", "") for s in self.severity or [] if s.get("score")), "")


class AdvisoryPackage(db.Model):
    """One affected package of an advisory, keyed as the inventory is looked up."""

    __tablename__ = "advisory_packages"
    __table_args__ = (Index("ix_advisory_packages_key", "purl_type", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_id: Mapped[int] = mapped_column(ForeignKey("advisories.id", ondelete="CASCADE"),
                                             index=True)
    purl_type: Mapped[str] = mapped_column(String(40))
    name_key: Mapped[str] = mapped_column(String(500))

    advisory: Mapped[Advisory] = relationship(back_populates="packages")


class Finding(TimestampMixin, db.Model):
    __tablename__ = "security_findings"
    __table_args__ = (UniqueConstraint("advisory_id", "component_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_id: Mapped[int] = mapped_column(ForeignKey("advisories.id", ondelete="CASCADE"),
                                             index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="in_triage", index=True)
    justification: Mapped[str] = mapped_column(Text, default="")
    # A not_affected analysis holds until this day, then the finding is triaged again.
    not_affected_until: Mapped[date | None] = mapped_column(Date)
    fixed: Mapped[list] = mapped_column(JSON, default=list)  # versions that fix it, lowest first
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    advisory: Mapped[Advisory] = relationship()
    component: Mapped[Component] = relationship()
    updated_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_FINDING_STATES

    @property
    def state_label(self) -> str:
        return FINDING_STATE_LABELS[self.state]
