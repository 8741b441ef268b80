"""The Open Source Pledge for a fiscal year: the developer head count × 2,000 USD against what
was actually paid (paid_on within the year) to eligible projects and foundations. Payments to
projects the company controls, or to its own employees, are left out, each with its reason.
The Pledge compares members in USD, so an amount counts in USD when it was paid in USD or the
budget is in USD; anything else is left out as not convertible, never guessed."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import select

from governance.audit import services as audit
from governance.database import db
from governance.funding.models import FundingProposal
from governance.funding_core import fiscal
from governance.funding_core.money import Money
from governance.rules.funding import FundingPolicy
from governance.states import PAID_STATES

USD = "USD"
AUDIT_OBJECT = "pledge_report"


@dataclass
class Exclusion:
    proposal: FundingProposal
    amount: Money | None
    reason: str


@dataclass
class PledgeSummary:
    year: int
    developers: int | None
    target: Money
    paid: Money
    eligible_paid: Money
    excluded: list[Exclusion] = field(default_factory=list)
    counted: list[FundingProposal] = field(default_factory=list)
    year_ends: date | None = None
    due_on: date | None = None
    downloaded_on: date | None = None

    @property
    def met(self) -> bool:
        return self.developers is not None and self.eligible_paid >= self.target

    def share(self) -> float:
        return min(1.0, self.eligible_paid.minor / self.target.minor) if self.target.minor else 0.0


def _usd(proposal: FundingProposal) -> Money | None:
    if proposal.currency == USD:
        return proposal.amount
    if proposal.budget_currency == USD:
        return proposal.budget_amount
    return None


def due_date(year: int, policy: FundingPolicy) -> date:
    """The last day of the first report_due_month after the fiscal year ends."""
    _, ends = fiscal.bounds(year, policy.fiscal_year_start_month)
    month = policy.pledge_report_due_month
    due_year = ends.year if month > ends.month else ends.year + 1
    next_month = fiscal.add_months(date(due_year, month, 1), 1)
    return date.fromordinal(next_month.toordinal() - 1)


def summary(year: int, policy: FundingPolicy) -> PledgeSummary:
    developers = policy.pledge_developers.get(year)
    target = Money((developers or 0) * policy.pledge_per_developer_usd * 100, USD)
    starts, ends = fiscal.bounds(year, policy.fiscal_year_start_month)
    paid_in_year = db.session.scalars(select(FundingProposal).where(
        FundingProposal.state.in_(PAID_STATES), FundingProposal.paid_on >= starts,
        FundingProposal.paid_on <= ends).order_by(FundingProposal.paid_on,
                                                  FundingProposal.id)).all()
    zero = Money(0, USD)
    result = PledgeSummary(year, developers, target, zero, zero, year_ends=ends,
                           due_on=due_date(year, policy), downloaded_on=downloaded_on(year))
    for proposal in paid_in_year:
        usd = _usd(proposal)
        if usd is None:
            result.excluded.append(Exclusion(proposal, None, (
                f"paid in {proposal.currency} with a budget in {proposal.budget_currency}: no "
                "USD amount is recorded")))
            continue
        result.paid += usd
        if proposal.purl and policy.is_own_project(proposal.purl):
            reason = "a project the company controls itself (policies/funding.yaml, own_projects)"
        elif proposal.paid_to_employee:
            reason = "paid to one of the company's own employees"
        else:
            result.eligible_paid += usd
            result.counted.append(proposal)
            continue
        result.excluded.append(Exclusion(proposal, usd, reason))
    return result


def whole_usd(money: Money) -> int:
    return int(money.decimal.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def to_dict(result: PledgeSummary) -> dict:
    def text(m: Money | None) -> str | None:
        return None if m is None else f"{m.decimal}"
    return {"year": result.year, "developers": result.developers, "currency": USD,
            "target": text(result.target), "paid": text(result.paid),
            "eligible_paid": text(result.eligible_paid), "met": result.met,
            "year_ends": result.year_ends.isoformat(), "report_due": result.due_on.isoformat(),
            "excluded": [{"proposal": e.proposal.id, "beneficiary": e.proposal.beneficiary_name,
                          "amount": text(e.amount), "reason": e.reason}
                         for e in result.excluded]}


def report(result: PledgeSummary, policy: FundingPolicy) -> dict:
    """The year's entry of the Pledge's report (whole USD, as the Pledge's schema has them)."""
    return {"year": result.year, "dateYearEnding": result.year_ends.isoformat(),
            "averageNumberOfDevs": result.developers or 0,
            "usdAmountPaid": whole_usd(result.eligible_paid),
            "monetaryPayments": [_payment(p, policy) for p in result.counted],
            "url": policy.pledge_report_url}


def _payment(proposal: FundingProposal, policy: FundingPolicy) -> dict:
    entry = {"amount": whole_usd(_usd(proposal))}
    foundation = policy.foundation(proposal.foundation_id) if proposal.foundation_id else None
    if foundation is not None and foundation.url:
        entry["urlDetails"] = foundation.url
    return entry


def record_download(actor, year: int) -> None:
    audit.record(actor, AUDIT_OBJECT, year, "pledge_report_downloaded",
                 summary=f"Open Source Pledge report FY{year} downloaded")


def downloaded_on(year: int) -> date | None:
    events = audit.events_for(AUDIT_OBJECT, year)
    return events[-1].at.date() if events else None


def reminder(result: PledgeSummary, today: date | None = None) -> str | None:
    """What the office is reminded of: the report from the year's end until downloaded."""
    today = today or date.today()
    if result.downloaded_on is not None or today <= result.year_ends:
        return None
    if today > result.due_on:
        return (f"The Open Source Pledge report for FY{result.year} was due on "
                f"{result.due_on:%B %d, %Y}: download it below and publish it.")
    return (f"The Open Source Pledge report for FY{result.year} is due by "
            f"{result.due_on:%B %d, %Y}: download it below and publish it.")
