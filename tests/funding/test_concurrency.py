"""Two office members approving two proposals of one year at the same moment: each fits the
remaining budget alone, both together would overspend it. Exactly one wins; the other is
refused: as stale when both read the budget before either wrote, or for the smaller remainder
when the winner had committed first; tried again, it sees the smaller remainder."""
from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from governance import policies
from governance.auth.models import User
from governance.auth.roles import Role
from governance.database import db
from governance.errors import DecisionBlocked, StaleObject
from governance.funding import budgets
from governance.funding.models import FundingBudget, FundingProposal
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f


def _approve_in_own_session(app, proposal_id, user_id, barrier, results):
    with app.app_context():
        item = db.session.get(FundingProposal, proposal_id)
        actor = db.session.get(User, user_id)
        seen = item.version
        barrier.wait()
        try:
            workflow.transition(item, actor, "approve", reason="Fits.", expected_version=seen)
            db.session.commit()
            results[proposal_id] = "won"
        except Exception as exc:  # noqa: BLE001 - kept, so the assertion names what went wrong
            db.session.rollback()
            results[proposal_id] = exc
        finally:
            db.session.remove()


def test_two_approvals_at_once_cannot_both_spend_the_same_remainder(app):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    proposer, first, second = (f.user(Role.OSS_OFFICE) for _ in range(3))
    policy = policies.funding_policy()
    budgets.set_budget(proposer, 2026, "10000", "USD", policy)
    items = [f.funding_proposal_in(State.SUBMITTED, engineer, team, amount="6000",
                                   fiscal_year=2026) for _ in range(2)]
    for item in items:
        workflow.transition(item, proposer, "start_review")
    db.session.commit()

    barrier, results = threading.Barrier(2), {}
    threads = [threading.Thread(target=_approve_in_own_session,
                                args=(app, item.id, who.id, barrier, results))
               for item, who in zip(items, (first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    outcomes = sorted("won" if v == "won" else type(v).__name__ for v in results.values())
    assert outcomes in (["StaleObject", "won"], ["DecisionBlocked", "won"]), results
    db.session.expire_all()
    assert budgets.summary(2026, policy).remaining.minor == 4000_00
    loser = db.session.get(FundingProposal, next(k for k, v in results.items() if v != "won"))
    assert loser.state == State.IN_REVIEW
    try:
        workflow.transition(loser, first if loser.id == items[1].id else second, "approve",
                            reason="Fits?")
    except DecisionBlocked as exc:
        assert "4,000.00 USD remain" in exc.errors["override_reason"]
        db.session.rollback()
    else:
        raise AssertionError("the second approval must see the smaller remainder")


def test_an_approval_whose_budget_changed_since_it_was_read_is_stale(app):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    proposer, office = f.user(Role.OSS_OFFICE), f.user(Role.OSS_OFFICE)
    budgets.set_budget(proposer, 2026, "10000", "USD", policies.funding_policy())
    item = f.funding_proposal_in(State.SUBMITTED, engineer, team, amount="6000",
                                 fiscal_year=2026)
    workflow.transition(item, proposer, "start_review")
    db.session.commit()
    read = budgets.budget_of(2026)  # this session has read the budget at its version
    with Session(db.engine) as other:  # another approval against the year commits meanwhile
        other.get(FundingBudget, read.id).note = "changed elsewhere"
        other.commit()
    try:
        workflow.transition(item, office, "approve", reason="Fits.")
    except StaleObject:
        db.session.rollback()
    else:
        raise AssertionError("the approval must be refused: the budget changed under it")
    db.session.expire_all()
    assert db.session.get(FundingProposal, item.id).state == State.IN_REVIEW
