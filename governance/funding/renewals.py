"""A membership or sponsorship is paid for a term. Before the term ends (renewal_notice_days,
policies/funding.yaml) the app opens its renewal (the system step `open_renewal`, on record);
the office then renews it, which proposes the next term for approval against that year's
budget, or ends it, saying why."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from governance import policies
from governance.database import db
from governance.funding import services
from governance.funding.models import TERM_KINDS, FundingProposal
from governance.funding_core import fiscal
from governance.states import State
from governance.workflow import services as workflow


def open_due(today: date | None = None) -> list[FundingProposal]:
    """Open the renewal of every paid term that ends within the notice period."""
    today = today or date.today()
    notice = policies.funding_policy().renewal_notice_days
    due = db.session.scalars(select(FundingProposal).where(
        FundingProposal.state == State.PAID, FundingProposal.funding_kind.in_(TERM_KINDS),
        FundingProposal.term_ends_on.is_not(None),
        FundingProposal.term_ends_on <= today + timedelta(days=notice))
        .order_by(FundingProposal.id)).all()
    for proposal in due:
        workflow.system_step(proposal, "open_renewal", reason=(
            f"The term of this {proposal.funding_kind} ends on "
            f"{proposal.term_ends_on.isoformat()}: do the reasons still hold? Renew it (the "
            "next term is proposed for approval) or end it."))
    return list(due)


def propose_next_term(proposal: FundingProposal, actor) -> FundingProposal:
    """The next term as a submitted proposal in the fiscal year it starts in (a membership at
    its tier's fee today)."""
    policy = policies.funding_policy()
    data = services.input_of(proposal)
    starts = proposal.term_ends_on or date.today()
    data.fiscal_year = fiscal.fiscal_year_of(starts, policy.fiscal_year_start_month)
    data.title = ""
    if proposal.funding_kind == "membership":
        data.amount = ""
    data.rationale = f"Renewal of #{proposal.id}, whose term ends on {starts.isoformat()}.\n\n" \
                     f"{proposal.rationale}"[:20_000]
    successor = services.create(actor, data, policy, submit=True, basis=proposal.basis)
    successor.renews_id = proposal.id
    return successor
