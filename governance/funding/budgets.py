"""The budget of each fiscal year, and what is committed (approved, not yet paid) and paid
against it, by kind and by beneficiary. Every figure is in the budget currency, exact."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import User
from governance.database import db
from governance.errors import ValidationFailed
from governance.funding.models import FUNDING_KINDS, FundingBudget, FundingProposal
from governance.funding_core.money import Money, MoneyError, check_currency, parse
from governance.rules.funding import FundingPolicy
from governance.states import APPROVED_STATES, PAID_STATES


@dataclass
class Line:
    """Committed and paid for one kind or one beneficiary."""

    key: str
    label: str
    committed: Money
    paid: Money

    @property
    def total(self) -> Money:
        return self.committed + self.paid


@dataclass
class BudgetSummary:
    year: int
    currency: str
    budget: FundingBudget | None
    committed: Money
    paid: Money
    by_kind: list[Line] = field(default_factory=list)
    by_beneficiary: list[Line] = field(default_factory=list)

    @property
    def amount(self) -> Money:
        return self.budget.amount if self.budget else Money(0, self.currency)

    @property
    def remaining(self) -> Money:
        return self.amount - self.committed - self.paid

    def share(self, money: Money) -> float:
        """Of the budget (0 to 1, for the chart), never above 1."""
        return min(1.0, money.minor / self.amount.minor) if self.amount.minor > 0 else 0.0


def budget_of(year: int) -> FundingBudget | None:
    return db.session.scalar(select(FundingBudget).where(FundingBudget.fiscal_year == year))


def set_budget(actor: User, year: int, amount_text, currency: str, policy: FundingPolicy, *,
               note: str = "") -> FundingBudget:
    may.manage_funding.require(actor)
    errors = {}
    if not 2000 <= int(year) <= 2100:
        errors["year"] = "Give the fiscal year, e.g. 2026."
    try:
        currency = check_currency(currency or policy.currency)
        if currency != policy.currency:
            errors["currency"] = (f"The budget currency is {policy.currency} "
                                  "(policies/funding.yaml); proposals in other currencies are "
                                  "converted at their own rate.")
    except MoneyError as exc:
        errors["currency"] = str(exc)
    try:
        amount = parse(str(amount_text if amount_text is not None else ""), policy.currency)
    except MoneyError as exc:
        errors["amount"] = str(exc)
    if len(note or "") > 5000:
        errors["note"] = "The note is limited to 5,000 characters."
    if errors:
        raise ValidationFailed(errors)
    budget = budget_of(year)
    before = {"amount": str(budget.amount), "note": budget.note} if budget else {}
    if budget is None:
        budget = FundingBudget(fiscal_year=year, amount_minor=0, currency=policy.currency)
        db.session.add(budget)
    budget.amount_minor, budget.note, budget.updated_by = amount.minor, (note or "").strip(), \
        actor
    db.session.flush()
    audit.record(actor, "funding_budget", year, "budget_set",
                 summary=f"Budget FY{year}: {amount}", before=before,
                 after={"amount": str(amount), "note": budget.note})
    return budget


def counted(year: int) -> list[FundingProposal]:
    """The proposals of the year that count against its budget: approved or paid."""
    return list(db.session.scalars(
        select(FundingProposal).where(FundingProposal.fiscal_year == year,
                                      FundingProposal.state.in_(APPROVED_STATES | PAID_STATES))
        .order_by(FundingProposal.id)))


def summary(year: int, policy: FundingPolicy, *, leave_out: int | None = None) -> BudgetSummary:
    """The year's figures; `leave_out` a proposal (the one being approved, to see what is
    left for it)."""
    zero = Money(0, policy.currency)
    result = BudgetSummary(year, policy.currency, budget_of(year), zero, zero)
    kinds = {k: Line(k, k.capitalize(), zero, zero) for k in FUNDING_KINDS}
    beneficiaries: dict[str, Line] = {}
    for proposal in counted(year):
        if proposal.id == leave_out or proposal.budget_currency != policy.currency:
            continue
        money = proposal.budget_amount
        paid = proposal.state in PAID_STATES
        key = proposal.purl or proposal.foundation_id
        line = beneficiaries.setdefault(key, Line(key, proposal.beneficiary_name, zero, zero))
        for target in (kinds[proposal.funding_kind], line):
            if paid:
                target.paid += money
            else:
                target.committed += money
        if paid:
            result.paid += money
        else:
            result.committed += money
    result.by_kind = list(kinds.values())
    result.by_beneficiary = sorted(beneficiaries.values(),
                                   key=lambda line: (-line.total.minor, line.label.lower()))
    return result


def to_dict(result: BudgetSummary) -> dict:
    """As the API answers: amounts as exact decimal text in the budget currency."""
    def money(m: Money) -> str:
        return f"{m.decimal}"

    def line(entry: Line) -> dict:
        return {"key": entry.key, "label": entry.label, "committed": money(entry.committed),
                "paid": money(entry.paid)}
    return {"year": result.year, "amount": money(result.amount), "currency": result.currency,
            "set": result.budget is not None,
            "committed": money(result.committed), "paid": money(result.paid),
            "remaining": money(result.remaining),
            "by_kind": {entry.key: {"committed": money(entry.committed),
                                    "paid": money(entry.paid)} for entry in result.by_kind},
            "by_beneficiary": [line(entry) for entry in result.by_beneficiary]}
