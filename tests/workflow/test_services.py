"""Every transition, allowed and forbidden, per side and per state."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from governance.audit import services as audit
from governance.auth.roles import Role
from governance.database import db
from governance.errors import IllegalTransition, NotAllowed, NotFound, StaleObject, ValidationFailed
from governance.states import (
    KIND_SPECIFIC_STATES,
    PERSON_TRANSITIONS,
    TRANSITIONS,
    Actor,
    State,
)
from governance.workflow import kinds
from governance.workflow import services as workflow
from tests import factories as f

STEP_ARGS = {"reason": "Because.", "conditions": "Keep the notice."}


@pytest.fixture
def people():
    team = f.team("Payments")
    other_team = f.team("Data")
    return {
        "requester": f.user(Role.ENGINEER, teams=[team]),
        "teammate": f.user(Role.ENGINEER, teams=[team]),
        "outsider": f.user(Role.ENGINEER, teams=[other_team]),
        "office": f.user(Role.OSS_OFFICE),
        "office2": f.user(Role.OSS_OFFICE),
        "compliance": f.user(Role.COMPLIANCE),
        "admin": f.user(Role.ADMIN),
        "team": team,
    }


def _fire(item, actor, name):
    return workflow.transition(item, actor, name, expected_version=item.version, **STEP_ARGS,
                               inputs=f.WITHOUT_SCAN)


# Adoption requests: the shared steps, through the states they reach (a funding proposal's own
# steps and states are tested in tests/funding).
SHARED_STEPS = [n for n, t in PERSON_TRANSITIONS.items() if not t.kind_specific]
SHARED_STATES = [s for s in State if s not in KIND_SPECIFIC_STATES]
CASES = [(name, state) for name in SHARED_STEPS for state in SHARED_STATES]


@pytest.mark.parametrize("name,state", CASES, ids=[f"{n}-from-{s.value}" for n, s in CASES])
def test_transition_follows_the_state_table(people, name, state):
    step = TRANSITIONS[name]
    item = f.request_in(state, people["requester"], people["team"], people["office"])
    actor = people["requester"] if step.actor == Actor.REQUESTER else people["office2"]
    if state == State.DRAFT and step.actor == Actor.OFFICE:
        # Drafts are invisible to the office: the request does not exist for them.
        with pytest.raises(NotFound):
            _fire(item, actor, name)
        return
    if state in step.sources:
        _fire(item, actor, name)
        db.session.commit()
        assert item.state == step.target
        assert audit.events_for("request", item.id)[-1].action == step.event
    else:
        before = item.state
        with pytest.raises(IllegalTransition):
            _fire(item, actor, name)
        db.session.rollback()
        assert db.session.get(type(item), item.id).state == before


@pytest.mark.parametrize("name", [n for n, t in TRANSITIONS.items() if t.kind_specific])
def test_a_kind_specific_step_is_refused_to_the_kinds_without_it(people, name):
    state = next(iter(sorted(TRANSITIONS[name].sources & set(SHARED_STATES), key=str)),
                 State.APPROVED)
    # A kind without the step: adoption requests have their own (after an update) too.
    make = f.github_request_in if name in kinds.kind_of("adoption").own_steps else f.request_in
    item = make(state, people["requester"], people["team"], people["office"])
    assert name not in [t.name for t in workflow.allowed_transitions(item, people["office2"])]
    if TRANSITIONS[name].actor == Actor.SYSTEM:
        with pytest.raises(IllegalTransition):
            workflow.system_step(item, name, reason="x")
    else:
        with pytest.raises(IllegalTransition, match="has no step"):
            _fire(item, people["office2"], name)
    assert item.state == state


@pytest.mark.parametrize("state", SHARED_STATES, ids=lambda s: s.value)
def test_the_apps_reopen_step_follows_the_state_table(people, state):
    item = f.request_in(state, people["requester"], people["team"], people["office"])
    if state in TRANSITIONS["reopen"].sources:
        workflow.reopen(item, reason="The waiver expired.")
        db.session.commit()
        assert item.state == State.IN_REVIEW
        event = audit.events_for("request", item.id)[-1]
        assert (event.action, event.actor_id) == ("approval_reopened", None)
    else:
        with pytest.raises(IllegalTransition):
            workflow.reopen(item, reason="x")
        db.session.rollback()
        assert db.session.get(type(item), item.id).state == state


OFFICE_STEPS = [n for n, t in TRANSITIONS.items()
                if t.actor == Actor.OFFICE and not t.kind_specific]
REQUESTER_STEPS = [n for n, t in TRANSITIONS.items() if t.actor == Actor.REQUESTER]


def _state_allowing(name):
    order = [State.IN_REVIEW, State.SUBMITTED, State.CHANGES_REQUESTED, State.DRAFT]
    return next(s for s in order if s in TRANSITIONS[name].sources)


@pytest.mark.parametrize("who", ["requester", "teammate", "outsider", "compliance", "admin"])
@pytest.mark.parametrize("name", OFFICE_STEPS)
def test_only_the_office_takes_office_steps(people, who, name):
    item = f.request_in(_state_allowing(name), people["requester"], people["team"],
                        people["office"])
    with pytest.raises(NotAllowed):
        _fire(item, people[who], name)


@pytest.mark.parametrize("who", ["outsider", "office", "compliance", "admin"])
@pytest.mark.parametrize("name", REQUESTER_STEPS)
def test_only_the_requester_side_takes_requester_steps(people, who, name):
    state = _state_allowing(name)
    item = f.request_in(state, people["requester"], people["team"], people["office"])
    expected = NotFound if state == State.DRAFT else NotAllowed
    with pytest.raises(expected):
        _fire(item, people[who], name)


@pytest.mark.parametrize("name", REQUESTER_STEPS)
def test_a_teammate_may_take_requester_steps(people, name):
    item = f.request_in(_state_allowing(name), people["requester"], people["team"],
                        people["office"])
    _fire(item, people["teammate"], name)
    assert item.state == TRANSITIONS[name].target


@pytest.mark.parametrize("name", OFFICE_STEPS)
def test_an_office_member_never_decides_their_own_request(people, name):
    office = people["office"]
    office.teams.append(people["team"])
    db.session.commit()
    item = f.request_in(State.SUBMITTED, office, people["team"])
    if name != "start_review":
        workflow.transition(item, people["office2"], "start_review")
        db.session.commit()
    with pytest.raises(NotAllowed, match="your own"):
        _fire(item, office, name)


@pytest.mark.parametrize("name", ["approve", "approve_with_conditions", "reject",
                                  "request_changes"])
def test_decisions_need_a_reason(people, name):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(item, people["office"], name, expected_version=item.version,
                            conditions="x")
    assert "reason" in caught.value.errors


def test_approval_with_conditions_needs_conditions(people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(item, people["office"], "approve_with_conditions", reason="ok",
                            conditions=" ", inputs=f.WITHOUT_SCAN)
    assert "conditions" in caught.value.errors


def test_approval_records_reason_expiry_and_decider(people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    expiry = date.today() + timedelta(days=90)
    workflow.transition(item, people["office"], "approve", reason="Permissive and mature.",
                        expires_on=expiry, inputs=f.WITHOUT_SCAN)
    db.session.commit()
    assert item.decision_reason == "Permissive and mature."
    assert item.approval_expires_on == expiry
    assert item.decided_by_id == people["office"].id
    event = audit.events_for("request", item.id)[-1]
    assert event.before == {"state": "in_review"}
    assert event.after["state"] == "approved" and event.after["expires_on"] == expiry.isoformat()


def test_an_expiry_in_the_past_is_refused(people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(item, people["office"], "approve", reason="ok",
                         expires_on=date.today() - timedelta(days=1), inputs=f.WITHOUT_SCAN)
    assert "expires_on" in caught.value.errors


def test_submitting_needs_required_answers_and_justification(people, rules):
    item = f.request_in(State.DRAFT, people["requester"], people["team"], answers={},
                        justification="")
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(item, people["requester"], "submit")
    assert "justification" in caught.value.errors
    assert "q_production-users" in caught.value.errors
    db.session.rollback()
    assert db.session.get(type(item), item.id).state == State.DRAFT


def test_a_stale_version_is_refused_and_nothing_changes(people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    seen = item.version
    workflow.transition(item, people["office"], "request_changes", reason="Details please.",
                             expected_version=seen)
    db.session.commit()
    with pytest.raises(StaleObject):
        workflow.transition(item, people["office2"], "approve", reason="ok", expected_version=seen,
                            inputs=f.WITHOUT_SCAN)


def test_start_review_assigns_the_reviewer_when_none(people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    workflow.transition(item, people["office"], "start_review")
    assert item.reviewer_id == people["office"].id


def test_assigning_a_reviewer_is_office_only_and_audited(people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    with pytest.raises(NotAllowed):
        workflow.assign_reviewer(item, people["requester"], people["office"])
    with pytest.raises(ValidationFailed):
        workflow.assign_reviewer(item, people["office"], people["compliance"])
    version = item.version
    workflow.assign_reviewer(item, people["office"], people["office2"], expected_version=version)
    db.session.commit()
    assert item.reviewer_id == people["office2"].id
    assert item.version == version + 1
    assert audit.events_for("request", item.id)[-1].action == "reviewer_assigned"


def test_comments_are_threaded_and_audited_and_drafts_stay_private(people):
    draft = f.request_in(State.DRAFT, people["requester"], people["team"])
    with pytest.raises(NotFound):
        workflow.add_comment(draft, people["outsider"], "hello")
    workflow.add_comment(draft, people["teammate"], "Looks good")
    with pytest.raises(ValidationFailed):
        workflow.add_comment(draft, people["teammate"], "   ")
    db.session.commit()
    assert [c.body for c in draft.comments] == ["Looks good"]
    assert audit.events_for("request", draft.id)[-1].action == "commented"


def test_the_queue_holds_submitted_and_in_review_oldest_first(people):
    first = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    second = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    f.request_in(State.APPROVED, people["requester"], people["team"], people["office"])
    f.request_in(State.DRAFT, people["requester"], people["team"])
    queued = db.session.scalars(workflow.queue_query(people["office"])).all()
    assert [r.id for r in queued] == [first.id, second.id]
    mine = db.session.scalars(workflow.queue_query(people["office"], "mine")).all()
    assert [r.id for r in mine] == [second.id]
    unassigned = db.session.scalars(workflow.queue_query(people["office"], "unassigned")).all()
    assert [r.id for r in unassigned] == [first.id]
