"""Funding proposals (a request kind: the company pays a project or joins a foundation) and the
budget of each fiscal year they are counted against. Money is integers in minor units."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.auth.models import User
from governance.auth.roles import Role
from governance.database import TimestampMixin, db
from governance.funding_core.money import Money
from governance.workflow.models import Request

KIND = "funding_proposal"
FUNDING_KINDS = ("donation", "sponsorship", "membership", "contract")
FUNDING_KIND_LABELS = {"donation": "Donation", "sponsorship": "Sponsorship",
                       "membership": "Membership", "contract": "Contract"}
FUNDING_KIND_HELP = {
    "donation": "a one-off payment to a project",
    "sponsorship": "a recurring payment to a project or foundation, for a term",
    "membership": "a foundation membership at one of its tiers, for a term",
    "contract": "paid upstream work on a project (a feature, a fix, maintenance)",
}
RECURRENCES = ("once", "monthly", "quarterly", "yearly")
# Kinds whose term ends and comes back for renewal.
TERM_KINDS = ("sponsorship", "membership")
BENEFICIARY_TYPES = ("project", "foundation")


def missing_to_submit(values: dict) -> dict[str, str]:
    """What the office needs before it looks, beyond what the form refuses at once."""
    missing = {}
    if not (values.get("rationale") or "").strip():
        missing["rationale"] = ("Say why the company should pay: how it depends on the project "
                                "or what the membership brings.")
    if not values.get("channel"):
        missing["channel"] = "Choose how it is paid."
    if not values.get("amount_minor"):
        missing["amount"] = "Give the amount."
    return missing


class FundingProposal(Request):
    __tablename__ = "funding_proposals"

    id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"),
                                    primary_key=True)
    beneficiary_type: Mapped[str] = mapped_column(String(20))  # project | foundation
    purl: Mapped[str] = mapped_column(String(500), default="", index=True)  # no version
    foundation_id: Mapped[str] = mapped_column(String(50), default="", index=True)
    tier_id: Mapped[str] = mapped_column(String(50), default="")
    beneficiary_name: Mapped[str] = mapped_column(String(300))
    funding_kind: Mapped[str] = mapped_column(String(20), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    # Budget currency per unit of `currency`, as typed (exact text of a Decimal); "1" when the
    # proposal is in the budget's currency.
    rate: Mapped[str] = mapped_column(String(32), default="1")
    budget_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    budget_currency: Mapped[str] = mapped_column(String(3))
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    channel: Mapped[str] = mapped_column(String(50), default="")
    recurrence: Mapped[str] = mapped_column(String(20), default="once")
    rationale: Mapped[str] = mapped_column(Text, default="")
    # The payment goes to one of the company's own employees (left out of the Pledge).
    paid_to_employee: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the suggestion that drafted it said: {"score", "signals"}; {} when typed in.
    basis: Mapped[dict] = mapped_column(JSON, default=dict)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    payment_reference: Mapped[str] = mapped_column(String(200), default="")
    paid_on: Mapped[date | None] = mapped_column(Date)
    term_ends_on: Mapped[date | None] = mapped_column(Date, index=True)
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("funding_proposals.id"))

    renews: Mapped["FundingProposal | None"] = relationship(
        remote_side=[id], foreign_keys=[renews_id])

    __mapper_args__ = {"polymorphic_identity": KIND}

    kind_label = "Funding proposal"
    readers = frozenset({Role.OSS_OFFICE, Role.COMPLIANCE, Role.ADMIN})

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor or 0, self.currency)

    @property
    def budget_amount(self) -> Money:
        return Money(self.budget_minor or 0, self.budget_currency)

    @property
    def exchange_rate(self) -> Decimal:
        return Decimal(self.rate or "1")

    @property
    def converted(self) -> bool:
        return self.currency != self.budget_currency

    @property
    def has_term(self) -> bool:
        return self.funding_kind in TERM_KINDS

    def missing_for_submission(self) -> dict[str, str]:
        return {**super().missing_for_submission(),
                **missing_to_submit({"rationale": self.rationale, "channel": self.channel,
                                     "amount_minor": self.amount_minor})}

    def snapshot(self) -> dict:
        return {**super().snapshot(), "beneficiary": self.purl or
                f"{self.foundation_id}{'/' + self.tier_id if self.tier_id else ''}",
                "funding_kind": self.funding_kind, "amount": str(self.amount),
                "rate": self.rate, "budget_amount": str(self.budget_amount),
                "fiscal_year": self.fiscal_year, "channel": self.channel,
                "recurrence": self.recurrence, "rationale": self.rationale,
                "paid_to_employee": self.paid_to_employee}


class FundingBudget(TimestampMixin, db.Model):
    """The office's budget for one fiscal year, in the budget currency."""

    __tablename__ = "funding_budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, unique=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # Every approval and payment against the year bumps it: of two approvals at once that
    # each fit but together overspend, one is refused as stale.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)
