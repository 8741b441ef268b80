"""An adoption request: may this team use this package version, in this context?"""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.components.models import Component, Product
from governance.workflow.models import Request

JUSTIFICATION_NEEDED = "Explain why your team needs this package."


class AdoptionRequest(Request):
    __tablename__ = "adoption_requests"

    id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"),
                                    primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"), index=True)
    usage_context: Mapped[str] = mapped_column(String(40), index=True)
    will_modify: Mapped[bool] = mapped_column(default=False)
    linking: Mapped[str] = mapped_column(String(40))
    justification: Mapped[str] = mapped_column(Text, default="")
    # The requester's own links: they never change the shared component row, whose facts come
    # from the registry's metadata (a scan's package data) or the office.
    homepage_url: Mapped[str] = mapped_column(String(500), default="")
    repository_url: Mapped[str] = mapped_column(String(500), default="")
    # The product (of the requesting team) it goes into; empty for team-wide use.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)

    component: Mapped[Component] = relationship()
    product: Mapped[Product | None] = relationship()

    __mapper_args__ = {"polymorphic_identity": "adoption"}
    kind_label = "Adoption"

    def missing_for_submission(self) -> dict[str, str]:
        missing = super().missing_for_submission()
        if not (self.justification or "").strip():
            missing["justification"] = JUSTIFICATION_NEEDED
        return missing

    def snapshot(self) -> dict:
        data = super().snapshot()
        data.update({
            "component": self.component.purl if self.component else None,
            "usage_context": self.usage_context, "will_modify": self.will_modify,
            "linking": self.linking, "justification": self.justification,
            "homepage_url": self.homepage_url, "repository_url": self.repository_url,
            "product": self.product.name if self.product else None,
            "alternatives": sorted(a.id for a in self.alternatives),
        })
        return data
