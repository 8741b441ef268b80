"""Components (one package version, identified by its purl) and the products (or services)
teams ship them in."""
from __future__ import annotations

from packageurl import PackageURL
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import Team
from governance.database import TimestampMixin, db


class Component(TimestampMixin, db.Model):
    __tablename__ = "components"
    # Empty strings, not NULL, for "no namespace" / "no version": NULLs never collide in a
    # unique constraint, which would let the same package appear twice.
    __table_args__ = (UniqueConstraint("type", "namespace", "name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    namespace: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[str] = mapped_column(String(100), default="")
    homepage_url: Mapped[str] = mapped_column(String(500), default="")
    repository_url: Mapped[str] = mapped_column(String(500), default="")

    @property
    def purl(self) -> str:
        return PackageURL(
            type=self.type, namespace=self.namespace or None, name=self.name,
            version=self.version or None,
        ).to_string()

    @property
    def full_name(self) -> str:
        """The name with its namespace (`@babel/core`, `org.apache.commons/commons-lang3`)."""
        return f"{self.namespace}/{self.name}" if self.namespace else self.name

    @property
    def display_name(self) -> str:
        return f"{self.full_name} {self.version}".strip()

    def __str__(self) -> str:
        return self.display_name


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # How the product uses what it contains: the context its SBOM is checked against.
    usage_context: Mapped[str] = mapped_column(String(40))

    team: Mapped[Team] = relationship()
