"""Demo data for `flask demo load`: this fiscal year's budget (and last year's), the CNCF Silver
membership paid, a sponsorship whose term ends soon (its renewal due), a donation proposed."""
from __future__ import annotations

from datetime import date, timedelta

from governance import policies
from governance.funding import budgets, renewals
from governance.funding import services as funding
from governance.workflow import services as workflow


def _approved_and_paid(proposal, office, reference: str, paid_on: date) -> None:
    workflow.transition(proposal, office, "start_review")
    workflow.transition(proposal, office, "approve", reason="Within the year's budget; the "
                                                           "reasons are on record.")
    workflow.transition(proposal, office, "record_payment",
                        inputs={"reference": reference, "paid_on": paid_on})


def load_demo(users: dict, teams: dict, products: dict) -> None:
    # Oscar proposed the office's own payments and Olivia decided them, so that Olivia (the
    # first office account people try) can take the next steps on them.
    alice, olivia, oscar = users["alice"], users["olivia"], users["oscar"]
    policy = policies.funding_policy()
    today = date.today()
    year = funding.current_fiscal_year(policy, today)
    budgets.set_budget(olivia, year, "150000", policy.currency, policy,
                       note="Demo: the office's budget for donations and memberships.")
    budgets.set_budget(olivia, year - 1, "120000", policy.currency, policy)

    cncf = funding.create(oscar, funding.ProposalInput(
        team_id=teams["Platform"].id, foundation_id="cncf", tier_id="silver",
        funding_kind="membership", channel="invoice", recurrence="yearly", fiscal_year=year,
        rationale="Our platform runs on Kubernetes, Prometheus and Envoy; Silver membership "
                  "gives us a voice in the Governing Board election."), policy, submit=True)
    _approved_and_paid(cncf, olivia, "INV-CNCF-2026-0042", today - timedelta(days=20))

    # Paid eleven months ago for a year: its term ends within the notice period.
    paid_on = today - timedelta(days=330)
    sponsorship = funding.create(oscar, funding.ProposalInput(
        team_id=teams["Platform"].id, purl="pkg:npm/lodash", funding_kind="sponsorship",
        amount="6000", currency=policy.currency, channel="open_collective",
        recurrence="monthly", fiscal_year=funding.current_fiscal_year(policy, paid_on),
        rationale="lodash ships in our distributed front end; its two maintainers asked for "
                  "sponsors."), policy, submit=True)
    _approved_and_paid(sponsorship, olivia, "OC-2025-7781", paid_on)
    renewals.open_due(today)

    funding.create(alice, funding.ProposalInput(
        team_id=teams["Payments"].id, purl="pkg:pypi/requests", funding_kind="donation",
        amount="2,500", currency=policy.currency, channel="open_collective",
        fiscal_year=year,
        rationale="Every payment service calls out through requests; a thank-you for the "
                  "2.32 security fixes."), policy, submit=True)
