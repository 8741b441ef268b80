"""Archives stored once by sha256, scans with their state on the row, per-file findings, and
the per-file result cache shared by every scan."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.database import TimestampMixin, UTCDateTime, db, utcnow
from governance.workflow.models import Request


class ScanState(str, enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Archive(db.Model):
    __tablename__ = "archives"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Scan(TimestampMixin, db.Model):
    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    archive_id: Mapped[int | None] = mapped_column(ForeignKey("archives.id"), index=True)
    # Where the archive comes from when it still has to be fetched: a purl or a URL.
    source: Mapped[str] = mapped_column(String(1000), default="")
    state: Mapped[ScanState] = mapped_column(
        Enum(ScanState, native_enum=False, length=20,
             values_callable=lambda e: [m.value for m in e]),
        default=ScanState.QUEUED, index=True)
    # fetching | extracting | scanning | summarizing: what a running scan is doing now.
    phase: Mapped[str] = mapped_column(String(20), default="")
    files_total: Mapped[int] = mapped_column(Integer, default=0)
    files_done: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[dict | None] = mapped_column(JSON)
    notes: Mapped[list | None] = mapped_column(JSON)
    scancode_version: Mapped[str] = mapped_column(String(20), default="")
    options_digest: Mapped[str] = mapped_column(String(20), default="")
    # An identical archive scanned before: its findings are this scan's findings.
    reused_from_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    request: Mapped[Request | None] = relationship(
        backref=db.backref("scans", order_by="Scan.id", cascade="all, delete-orphan"))
    archive: Mapped[Archive | None] = relationship()
    reused_from: Mapped["Scan | None"] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship()

    @property
    def findings_scan_id(self) -> int:
        return self.reused_from_id or self.id

    @property
    def is_finished(self) -> bool:
        return self.state in (ScanState.SUCCEEDED, ScanState.FAILED)

    @property
    def percent(self) -> int:
        if self.state == ScanState.SUCCEEDED:
            return 100
        return int(100 * self.files_done / self.files_total) if self.files_total else 0


class ScanFile(db.Model):
    __tablename__ = "scan_files"
    __table_args__ = (Index("ix_scan_files_scan_license", "scan_id", "license_expression"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(2000))
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    # one of governance.scanning.outcomes.FILE_OUTCOMES
    status: Mapped[str] = mapped_column(String(20))
    seconds: Mapped[float] = mapped_column(default=0.0)
    close_call: Mapped[bool] = mapped_column(default=False)
    errors: Mapped[list | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(300), default="")
    result_key: Mapped[str] = mapped_column(String(120), default="")
    # Copied from the results so the findings can be filtered in SQL.
    license_expression: Mapped[str] = mapped_column(String(1000), default="")
    license_expression_spdx: Mapped[str] = mapped_column(String(1000), default="")
    holders: Mapped[str] = mapped_column(Text, default="")
    # This scan's detections where following license references ("see LICENSE") changed
    # the file's own: [{"license_expression_spdx", "from_files": [...], "rule", "score"}];
    # None when the cached per-file result stands.
    license_detections: Mapped[list | None] = mapped_column(JSON)


class FileResult(db.Model):
    """scancode's results for one file content, scancode version and option set."""

    __tablename__ = "file_results"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    results: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
