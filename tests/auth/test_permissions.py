"""The permission rules: each rule's yes/no and its raising twin always agree, and the rules
say what the services enforce."""
from __future__ import annotations

import pytest

from governance.auth import permissions as may
from governance.auth.roles import Role
from governance.components.models import Product
from governance.database import db
from governance.errors import DomainError, NotAllowed, NotFound
from governance.states import KIND_SPECIFIC_STATES, TRANSITIONS, State
from tests import factories as f

RULES_OF_THE_USER = [may.work_the_queue, may.manage_waivers, may.preview_policy_change,
                     may.manage_products, may.administer, may.read_audit]


@pytest.fixture
def people():
    team, other = f.team("Payments"), f.team("Data")
    return {"requester": f.user(Role.ENGINEER, teams=[team]),
            "teammate": f.user(Role.ENGINEER, teams=[team]),
            "outsider": f.user(Role.ENGINEER, teams=[other]),
            "office": f.user(Role.OSS_OFFICE), "compliance": f.user(Role.COMPLIANCE),
            "admin": f.user(Role.ADMIN), "team": team}


def _agree(rule, user, *args) -> bool:
    """rule(user, ...) is True exactly when rule.require(user, ...) raises nothing."""
    try:
        rule.require(user, *args)
    except DomainError:
        assert not rule(user, *args)
        return False
    assert rule(user, *args)
    return True


@pytest.mark.parametrize("rule", RULES_OF_THE_USER, ids=lambda r: r.__name__)
def test_the_predicate_and_the_raising_check_agree_for_every_role(rule, people):
    for who in ("requester", "office", "compliance", "admin"):
        _agree(rule, people[who])


# Adoption requests in every state they reach (an updated one superseded); funding proposals
# in all of theirs.
KIND_STATES = ([("adoption", s) for s in State
                if s not in KIND_SPECIFIC_STATES or s == State.SUPERSEDED]
               + [("funding", s) for s in State if s != State.SUPERSEDED])


@pytest.mark.parametrize("kind,state", KIND_STATES, ids=[f"{k}-{s.value}" for k, s in KIND_STATES])
def test_request_rules_agree_in_every_state(kind, state, people):
    make = f.request_in if kind == "adoption" else f.funding_proposal_in
    item = make(state, people["requester"], people["team"], people["office"])
    for who in ("requester", "teammate", "outsider", "office", "compliance", "admin"):
        user = people[who]
        _agree(may.view_request, user, item)
        _agree(may.edit_request, user, item)
        _agree(may.start_scan, user, item)
        _agree(may.office_work, user, item, "review maturity")
        for step in TRANSITIONS.values():
            _agree(may.take_step, user, item, step)


def test_drafts_are_hidden_from_outsiders_as_not_found(people):
    draft = f.request_in(State.DRAFT, people["requester"], people["team"])
    with pytest.raises(NotFound):
        may.view_request.require(people["outsider"], draft)
    assert may.view_request(people["teammate"], draft)


def test_the_office_never_decides_its_own_request(people):
    team = people["team"]
    officer = f.user(Role.OSS_OFFICE, teams=[team])
    item = f.request_in(State.SUBMITTED, officer, team)
    with pytest.raises(NotAllowed, match="your own request"):
        may.take_step.require(officer, item, TRANSITIONS["start_review"])
    assert may.take_step(people["office"], item, TRANSITIONS["start_review"])
    assert not may.take_step(people["office"], item, TRANSITIONS["reopen"])  # the app's alone


def test_a_products_team_checks_its_sboms_and_others_do_not(people):
    product = Product(name="Billing", team=people["team"], usage_context="internal")
    db.session.add(product)
    db.session.flush()
    assert may.check_sbom(people["teammate"], product)
    assert may.check_sbom(people["compliance"], product)
    with pytest.raises(NotAllowed, match="Billing"):
        may.check_sbom.require(people["outsider"], product)


def test_anonymous_visitors_are_allowed_nothing(people):
    class Anonymous:
        is_authenticated = False
    assert not may.read_audit(Anonymous())
    assert not may.read_audit(None)
