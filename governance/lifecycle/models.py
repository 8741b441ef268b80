"""What follows an approval: the updates teams record (each starting its successor's quick
re-check) and the local patches they carry on a package until upstream takes the fix."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import Team, User
from governance.components.models import Component
from governance.database import TimestampMixin, UTCDateTime, db, utcnow
from governance.upstream.models import Contribution
from governance.workflow.models import Request

# Where an update's quick re-check stands.
RECHECK_STATES = {
    "draft": "Saved as a draft: the successor needs answers before it can be submitted",
    "scanning": "Waiting for the new version's scan",
    "approved": "Approved by the quick re-check: nothing changed in licenses or obligations",
    "office": "Sent to the office: licenses or obligations changed",
    "decided": "Decided by the office",
}
PATCH_KINDS = {"temporary": "Temporary (an upstream pull request is waiting)",
               "permanent": "Permanent (upstream declined it)"}
# DEP-3's Forwarded / Applied-Upstream, as one status.
PATCH_STATUSES = {"not-forwarded": "Not forwarded yet", "forwarded": "Forwarded upstream",
                  "not-needed": "Not needed upstream (local only)",
                  "applied-upstream": "Applied upstream"}


class ComponentUpdate(db.Model):
    """A team moved one approved use of a component from one version to another."""

    __tablename__ = "component_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    to_request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), unique=True)
    from_component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    to_component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    updated_on: Mapped[date] = mapped_column(Date)
    release_notes_url: Mapped[str] = mapped_column(String(500), default="")
    test_run_url: Mapped[str] = mapped_column(String(500), default="")
    recheck: Mapped[str] = mapped_column(String(20), default="scanning")
    # The quick re-check's comparison of the two versions' license findings (recheck.compare).
    changes: Mapped[dict | None] = mapped_column(JSON)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    from_request: Mapped[Request] = relationship(foreign_keys=[from_request_id])
    to_request: Mapped[Request] = relationship(foreign_keys=[to_request_id])
    from_component: Mapped[Component] = relationship(foreign_keys=[from_component_id])
    to_component: Mapped[Component] = relationship(foreign_keys=[to_component_id])
    recorded_by: Mapped[User] = relationship()

    @property
    def recheck_label(self) -> str:
        return RECHECK_STATES.get(self.recheck, self.recheck)


class LocalPatch(TimestampMixin, db.Model):
    """A change a team applies to a package on top of upstream's release."""

    __tablename__ = "local_patches"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The package without its version (pkg:pypi/requests): a patch follows it across updates.
    project: Mapped[str] = mapped_column(String(300), index=True)
    # The version it was last confirmed to apply to.
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    patch_filename: Mapped[str] = mapped_column(String(255), default="")
    patch_text: Mapped[str] = mapped_column(Text, default="")
    patch_url: Mapped[str] = mapped_column(String(500), default="")
    upstream_url: Mapped[str] = mapped_column(String(500), default="")
    contribution_id: Mapped[int | None] = mapped_column(
        ForeignKey("upstream_contributions.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(30), default="not-forwarded")
    applied_upstream_version: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20), default="active")  # active | removed
    removed_reason: Mapped[str] = mapped_column(Text, default="")
    # A permanent patch: pending until the office approves it, then reviewed yearly.
    approval: Mapped[str] = mapped_column(String(20), default="not_needed")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    # Set by a recorded update of the package: the team says whether it still applies.
    confirm_for_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("component_updates.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    component: Mapped[Component] = relationship()
    team: Mapped[Team] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    confirm_for_update: Mapped[ComponentUpdate | None] = relationship()
    # The upstream pull request (or issue) the patch waits for, from the ledger.
    contribution: Mapped[Contribution | None] = relationship()

    @property
    def kind_label(self) -> str:
        return PATCH_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        label = PATCH_STATUSES.get(self.status, self.status)
        if self.status == "applied-upstream" and self.applied_upstream_version:
            label += f" in {self.applied_upstream_version}"
        return label

    @property
    def is_active(self) -> bool:
        return self.state == "active"
