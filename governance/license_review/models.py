"""License verdicts: stored per scan, recorded with decisions; and the waivers that let a deny
through.

A stored verdict (LicenseVerdict) is computed once per scan, usage context and policy digest,
when the scan finishes or the policy changes, and every page, export and check reads it.
A recorded verdict is a copy, not a reference: it keeps the expression, the explanation and
the policy's digest as they were, so a later policy change never rewrites a past decision.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.components.models import Component
from governance.database import UTCDateTime, db, utcnow
from governance.workflow.models import Request


class LicenseVerdict(db.Model):
    """The policy's verdict on what one scan found, for one usage context, under one policy."""

    __tablename__ = "license_verdicts"
    # Named: the convention's name would pass PostgreSQL's 63-character limit.
    __table_args__ = (UniqueConstraint("scan_id", "context", "policy_digest", "clearing_digest",
                                       name="uq_license_verdicts_scan_context_policy_clearing"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    context: Mapped[str] = mapped_column(String(40))
    policy_digest: Mapped[str] = mapped_column(String(64), index=True)
    # Clearing.digest of the office's conclusion and dismissals it was judged under; "" none.
    clearing_digest: Mapped[str] = mapped_column(String(64), default="")
    # "concluded" when the office concluded the license, "declared" when the scan found a
    # declared license; "none" when there is nothing to judge.
    basis: Mapped[str] = mapped_column(String(20))
    # Evaluation.to_dict() of the basis's expression, or {"error": ...} when it is unreadable.
    evaluation: Mapped[dict | None] = mapped_column(JSON)
    # [{"expression_spdx", "files", "evaluation", "finding"}] for every expression detected
    # in files; finding is agrees | unidentified | disagrees | dismissed (licensing.clearing).
    detected: Mapped[list] = mapped_column(JSON, default=list)
    # Why the verdict is worse than the basis's own (a disagreeing finding, not concluded).
    raised: Mapped[str] = mapped_column(Text, default="")
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Waiver(db.Model):
    """The office's permission to approve a request although its license verdict is deny."""

    __tablename__ = "waivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"),
                                            index=True)
    reason_code: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    # Valid through this day; the first run of the expiry job after it lapses the waiver.
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    # What it waives: the denied expression for the request's context, under which policy.
    context: Mapped[str] = mapped_column(String(40))
    expression_spdx: Mapped[str] = mapped_column(Text)
    policy_digest: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lapsed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[Request] = relationship()
    created_by: Mapped[User] = relationship()

    def is_active(self, today: date) -> bool:
        return self.lapsed_at is None and self.expires_on >= today

    def covers(self, context: str, expression_spdx: str, today: date) -> bool:
        return (self.is_active(today) and self.context == context
                and self.expression_spdx == expression_spdx)


class RecordedVerdict(db.Model):
    """The license verdict a decision was made on, frozen with the policy's version."""

    __tablename__ = "recorded_verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"),
                                            index=True)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    # The decision step it was recorded for ("approved", "rejected", ...).
    occasion: Mapped[str] = mapped_column(String(40))
    context: Mapped[str] = mapped_column(String(40))
    # allow | review | deny; None when there was nothing to judge (no scan, no license)
    verdict: Mapped[str | None] = mapped_column(String(10))
    expression_spdx: Mapped[str] = mapped_column(Text, default="")
    # Evaluation.to_dict() as it was: licenses, choices, obligations, or the parse error.
    evaluation: Mapped[dict | None] = mapped_column(JSON)
    policy_version: Mapped[int] = mapped_column(Integer)
    policy_digest: Mapped[str] = mapped_column(String(64))
    waiver_id: Mapped[int | None] = mapped_column(ForeignKey("waivers.id"))
    # concluded | declared | none, as in LicenseVerdict; and the clearing it was judged under.
    basis: Mapped[str] = mapped_column(String(20), default="")
    clearing_digest: Mapped[str] = mapped_column(String(64), default="")
    # An approval the office gave without a finished scan, and why (e.g. no source to fetch).
    without_scan_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    waiver: Mapped[Waiver | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class LicenseConclusion(db.Model):
    """The license the office concluded for one package version, and why (FOSSology's
    clearing decision). One per component; changing it is audited."""

    __tablename__ = "license_conclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), unique=True)
    expression_spdx: Mapped[str] = mapped_column(Text)
    # For an OR: the option the company takes ("license in play"); "" when none was chosen.
    option_spdx: Mapped[str] = mapped_column(Text, default="")
    reason_code: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    # What the scan it was concluded on found (licensing.clearing.findings_digest): a later
    # version with the same findings is offered this conclusion as a suggestion.
    findings_digest: Mapped[str] = mapped_column(String(64), default="", index=True)
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    concluded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    concluded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    component: Mapped[Component] = relationship()
    concluded_by: Mapped[User] = relationship()


class DetectionDismissal(db.Model):
    """A detected expression the office marked as not applying to a package version."""

    __tablename__ = "detection_dismissals"
    __table_args__ = (UniqueConstraint("component_id", "expression_spdx"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), index=True)
    expression_spdx: Mapped[str] = mapped_column(String(1000))
    reason_code: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[User] = relationship()
