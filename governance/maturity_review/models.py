"""The office's maturity review of a request: a score and a note per criterion."""
from __future__ import annotations

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.database import TimestampMixin, db
from governance.workflow.models import Request


class MaturityReview(TimestampMixin, db.Model):
    __tablename__ = "maturity_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), unique=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # [{criterion, label, weight, score, note}]: label and weight copied from maturity.yaml
    # as they were, so editing the criteria later never reinterprets a review.
    scores: Mapped[list] = mapped_column(JSON, default=list)
    weighted_score: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    # recommended | not_recommended | incomplete
    recommendation: Mapped[str] = mapped_column(String(20))
    maturity_digest: Mapped[str] = mapped_column(String(64))
    policy_digest: Mapped[str] = mapped_column(String(64))
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    request: Mapped[Request] = relationship()
    reviewer: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def score_of(self, criterion_id: str) -> dict | None:
        return next((s for s in self.scores if s["criterion"] == criterion_id), None)
