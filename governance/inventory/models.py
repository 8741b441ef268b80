"""The SBOMs imported for a product (governance.components.models.Product).

What a product uses is not stored twice: it is the approved adoption requests that name it
(see inventory.services). An import keeps each component's status as it was on that day.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
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
    # [{name, version, purl, license, status, verdict, explanation, reason, requests}]
    components: Mapped[list] = mapped_column(JSON, default=list)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship()
    imported_by: Mapped[User] = relationship()
