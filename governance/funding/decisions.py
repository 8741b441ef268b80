"""What the office's steps on a funding proposal rest on and keep: an approval fits the year's
budget or carries the office's reason for overspending; a payment has its reference and date,
and starts the term a membership or sponsorship renews after; a renewal proposes the next
term."""
from __future__ import annotations

from datetime import date

from governance import policies
from governance.audit import services as audit
from governance.database import utcnow
from governance.funding import budgets, renewals
from governance.funding.models import FundingProposal
from governance.funding_core import fiscal

# The field that lifts the block names it: the form shows the message under it.
BUDGET = "override_reason"
BLOCKING = frozenset({BUDGET})


def budget_check(proposal: FundingProposal) -> dict:
    """What approving would leave: {message, overspends, remaining} (for the page and the
    rule)."""
    policy = policies.funding_policy()
    summary = budgets.summary(proposal.fiscal_year, policy, leave_out=proposal.id)
    year = fiscal.label(proposal.fiscal_year, policy.fiscal_year_start_month)
    need = proposal.budget_amount
    if summary.budget is None:
        return {"overspends": True, "remaining": summary.remaining,
                "message": f"No budget is set for {year}: set it on the Budget page, or give "
                           "the reason to approve without one."}
    after = summary.remaining - need
    if after.minor < 0:
        return {"overspends": True, "remaining": summary.remaining,
                "message": f"This approval would overspend the {year} budget: "
                           f"{summary.remaining} remain and it needs {need}. Give the reason "
                           "to approve beyond the budget."}
    return {"overspends": False, "remaining": summary.remaining,
            "message": f"{year}: {summary.remaining} remain; {after} after this approval."}


def check(proposal: FundingProposal, step, inputs: dict) -> dict[str, str]:
    errors = {}
    if step.approves:
        found = budget_check(proposal)
        if found["overspends"] and not (inputs.get("override_reason") or "").strip():
            errors[BUDGET] = found["message"]
    if step.name == "record_payment":
        if not (inputs.get("reference") or "").strip():
            errors["reference"] = "Give the payment's reference (invoice, transfer, receipt)."
        paid_on = inputs.get("paid_on")
        if paid_on is None:
            errors["paid_on"] = "Give the day it was paid."
        elif paid_on > date.today():
            errors["paid_on"] = "A payment is recorded once it is made: not a future day."
    return errors


def _touch_budget(proposal: FundingProposal) -> None:
    """Bump the year's budget row: two steps at once against one year conflict (stale)."""
    budget = budgets.budget_of(proposal.fiscal_year)
    if budget is not None:
        budget.updated_at = utcnow()


def record(proposal: FundingProposal, step, actor, inputs: dict) -> dict:
    if step.approves:
        found = budget_check(proposal)
        _touch_budget(proposal)
        kept = {"budget_remaining": str(found["remaining"]),
                "budget_amount": str(proposal.budget_amount)}
        override = (inputs.get("override_reason") or "").strip()
        proposal.override_reason = override if found["overspends"] else ""
        if proposal.override_reason:
            kept["override_reason"] = override
        return kept
    if step.name == "record_payment":
        proposal.payment_reference = inputs["reference"].strip()
        proposal.paid_on = inputs["paid_on"]
        kept = {"reference": proposal.payment_reference, "paid_on": proposal.paid_on.isoformat(),
                "amount": str(proposal.budget_amount)}
        if proposal.has_term:
            proposal.term_ends_on = fiscal.add_months(proposal.paid_on, term_months(proposal))
            kept["term_ends_on"] = proposal.term_ends_on.isoformat()
        _touch_budget(proposal)
        return kept
    return {}


def term_months(proposal: FundingProposal) -> int:
    foundation = policies.funding_policy().foundation(proposal.foundation_id) \
        if proposal.foundation_id else None
    return foundation.term_months if foundation else 12


def after(proposal: FundingProposal, step, actor, inputs: dict) -> None:
    if step.name == "renew":
        successor = renewals.propose_next_term(proposal, actor)
        audit.record(actor, "request", proposal.id, "renewal_proposed",
                     summary=f"Next term proposed: #{successor.id}",
                     after={"successor": successor.id})
