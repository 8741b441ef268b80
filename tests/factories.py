"""Small helpers that build rows through the services, so tests start from real states."""
from __future__ import annotations

import itertools

from governance import policies
from governance.adoption import services as adoption
from governance.auth import services as auth
from governance.auth.models import Team, User
from governance.auth.roles import Role
from governance.database import db
from governance.states import State
from governance.workflow import services as workflow

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)

ANSWERS = {"production-users": "Many companies.", "maintainers": "A foundation team.",
           "can-patch": "yes", "data-sensitivity": "No"}


def team(name: str | None = None) -> Team:
    created = auth.save_team(None, None, name=name or f"team-{next(_counter)}")
    db.session.commit()
    return created


def user(role: Role | str = Role.ENGINEER, *, teams=(), username: str | None = None) -> User:
    created = auth.create_user(None, username=username or f"user{next(_counter)}",
                               password=PASSWORD, role=role, full_name="",
                               team_ids=[t.id for t in teams])
    db.session.commit()
    return created


def adoption_input(team_: Team, **overrides) -> adoption.AdoptionInput:
    values = dict(team_id=team_.id, usage_context="internal", linking="dynamic",
                  purl=f"pkg:pypi/package-{next(_counter)}@1.0.0",
                  justification="We need it.", answers=dict(ANSWERS))
    values.update(overrides)
    return adoption.AdoptionInput(**values)


def request_in(state: State, requester: User, team_: Team, office: User | None = None,
               **overrides):
    """An adoption request brought to `state` by the normal steps."""
    rules = policies.request_rules()
    item = adoption.create(requester, adoption_input(team_, **overrides), rules)
    if state == State.DRAFT:
        db.session.commit()
        return item
    if state == State.WITHDRAWN:
        workflow.transition(item, requester, "withdraw")
        db.session.commit()
        return item
    workflow.transition(item, requester, "submit")
    if state == State.SUPERSEDED:  # approved, then an update's successor took its place
        review_and_decide(item, office, State.APPROVED)
        workflow.system_step(item, "supersede", reason="Updated (test fixture).")
    elif state != State.SUBMITTED:
        assert office is not None, "an office user is needed past submitted"
        review_and_decide(item, office, state)
    db.session.commit()
    assert item.state == state
    return item


# What the factories say when they approve a request that has no scan (nothing is approved
# blind: the office has to say why).
WITHOUT_SCAN = {"without_scan_reason": "Test fixture: the source is not scanned here."}


def maturity_review(item, office: User, score: int = 4):
    """A finished maturity review (every criterion scored), as the office saves it."""
    from governance.maturity_review import services as maturity

    criteria = policies.maturity_criteria()
    return maturity.save(item, office, [maturity.CriterionScore(c.id, score, "")
                                        for c in criteria.criteria],
                         criteria, policies.license_policy())


def ready_to_approve(item, office: User) -> None:
    """What an approval needs besides the decision: a maturity review where the office's
    rules require one."""
    rules = policies.clearing_rules()
    if rules.needs_maturity_review(item.kind, getattr(item, "usage_context", None)):
        maturity_review(item, office)


def review_and_decide(item, office: User, state: State) -> None:
    """Take a submitted request into review and on to `state` (in review or a decision)."""
    workflow.transition(item, office, "start_review")
    if state in (State.APPROVED, State.APPROVED_WITH_CONDITIONS):
        ready_to_approve(item, office)
    if state == State.APPROVED:
        workflow.transition(item, office, "approve", reason="Fine.", inputs=WITHOUT_SCAN)
    elif state == State.APPROVED_WITH_CONDITIONS:
        workflow.transition(item, office, "approve_with_conditions", reason="Fine.",
                            conditions="Keep notices.", inputs=WITHOUT_SCAN)
    elif state == State.REJECTED:
        workflow.transition(item, office, "reject", reason="No.")
    elif state == State.CHANGES_REQUESTED:
        workflow.transition(item, office, "request_changes", reason="More detail.")


def github_request_in(state: State, requester: User, team_: Team, office: User | None = None,
                      **overrides):
    """A GitHub request (join_org unless `kind` says otherwise) brought to `state`."""
    from datetime import date, timedelta

    from governance.github_requests import services as github

    values = dict(kind="join_org", team_id=team_.id, org="example-corp",
                  username=f"gh-user-{next(_counter)}", justification="Joins the team.")
    if overrides.get("kind") == "outside_collaborator":
        values.update(repository="rate-limiter", permission="push",
                      access_expires_on=date.today() + timedelta(days=30))
    values.update(overrides)
    item = github.create(requester, github.GitHubInput(**values), policies.github_policy())
    if state == State.DRAFT:
        db.session.commit()
        return item
    workflow.transition(item, requester, "submit")
    if state != State.SUBMITTED:
        review_and_decide(item, office, state)
    db.session.commit()
    assert item.state == state
    return item


def funding_proposal_in(state: State, requester: User, team_: Team, office: User | None = None,
                        **overrides):
    """A funding proposal (a donation to the PSF unless `overrides` say otherwise; a
    sponsorship for the states of a renewal) brought to `state`; approvals give an override
    reason, as no budget is set."""
    from datetime import date

    from governance.funding import services as funding
    from governance.states import PAID_STATES

    renewing = state in PAID_STATES - {State.PAID}
    values = dict(team_id=team_.id, foundation_id="psf",
                  funding_kind="sponsorship" if renewing else "donation",
                  recurrence="yearly" if renewing else "", amount="1000", currency="USD",
                  channel="invoice", rationale="Python runs our services.")
    values.update(overrides)
    item = funding.create(requester, funding.ProposalInput(**values),
                          policies.funding_policy())
    if state != State.DRAFT:
        workflow.transition(item, requester, "submit")
    if state == State.WITHDRAWN:
        workflow.transition(item, requester, "withdraw")
    elif state not in (State.DRAFT, State.SUBMITTED):
        workflow.transition(item, office, "start_review")
    if state == State.REJECTED:
        workflow.transition(item, office, "reject", reason="No.")
    elif state == State.CHANGES_REQUESTED:
        workflow.transition(item, office, "request_changes", reason="More detail.")
    elif state == State.APPROVED_WITH_CONDITIONS:
        workflow.transition(item, office, "approve_with_conditions", reason="Fine.",
                            conditions="Invoice first.",
                            inputs={"override_reason": "Test fixture: no budget is set."})
    if state == State.APPROVED or state in PAID_STATES:
        workflow.transition(item, office, "approve", reason="Fine.",
                            inputs={"override_reason": "Test fixture: no budget is set."})
    if state in PAID_STATES:
        workflow.transition(item, office, "record_payment",
                            inputs={"reference": "TEST-1", "paid_on": date.today()})
    if state in PAID_STATES - {State.PAID}:
        workflow.system_step(item, "open_renewal", reason="Test fixture: the term ends.")
    if state in (State.RENEWED, State.ENDED):
        workflow.transition(item, office, "renew" if state == State.RENEWED else "end_funding",
                            reason="Test fixture.")
    db.session.commit()
    assert item.state == state
    return item


def login(client, username: str, password: str = PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response
