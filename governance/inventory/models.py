"""The SBOMs imported for a product (governance.components.models.Product).

What a product uses is not stored twice: it is the approved adoption requests that name it
(see inventory.services). An import keeps each component's status as it was on that day.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.components.models import Product
from governance.database import UTCDateTime, db, utcnow


class SbomImport(db.Model):
    __tablename__ = "sbom_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    filename: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(30))
    spec_version: Mapped[str] = mapped_column(String(20), default="")
    # The name the SBOM gives the software it describes.
    subject: Mapped[str] = mapped_column(String(300), default="")
    context: Mapped[str] = mapped_column(String(40))
    policy_digest: Mapped[str] = mapped_column(String(64))
    # How many components have each status; the components are rows of their own
    # (SbomImportComponent): an SBOM may list 100,000 of them.
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    imported_by: Mapped[User] = relationship()

    @property
    def total(self) -> int:
        """How many components the SBOM lists."""
        return sum(self.counts.values())


class SbomImportComponent(db.Model):
    """One component of an imported SBOM with its status on the day of the import.

    Text columns throughout: what an SBOM says is kept as written, whatever its length."""

    __tablename__ = "sbom_import_components"
    __table_args__ = (UniqueConstraint("import_id", "position"),
                      Index("ix_sbom_import_components_status", "import_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("sbom_imports.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # the order of the SBOM, from 0
    name: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[str] = mapped_column(Text, default="")
    purl: Mapped[str | None] = mapped_column(Text)
    license: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(30))
    verdict: Mapped[str | None] = mapped_column(String(10))
    explanation: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    requests: Mapped[list] = mapped_column(JSON, default=list)  # request ids it names
