"""Two people acting on the same request at once: exactly one wins."""
from __future__ import annotations

import threading

from sqlalchemy.orm import Session

from governance.adoption import services as adoption
from governance.adoption.models import AdoptionRequest
from governance.audit.models import AuditEvent
from governance.auth.models import User
from governance.auth.roles import Role
from governance.database import db
from governance.errors import StaleObject
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f


def _decide_in_own_session(app, request_id, user_id, decision, barrier, results):
    """Load the request, wait until both have loaded it, then decide and commit."""
    with app.app_context():
        item = db.session.get(AdoptionRequest, request_id)
        actor = db.session.get(User, user_id)
        seen = item.version
        barrier.wait()
        try:
            if decision == "approve":
                workflow.transition(item, actor, "approve", reason="Fine.", expected_version=seen,
                                    inputs=f.WITHOUT_SCAN)
            else:
                workflow.transition(item, actor, "reject", reason="No.", expected_version=seen)
            db.session.commit()
            results[decision] = "won"
        except Exception as exc:  # noqa: BLE001 - kept, so the assertion names what went wrong
            db.session.rollback()
            results[decision] = exc
        finally:
            db.session.remove()


def test_two_office_users_deciding_at_once_exactly_one_wins(app):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    first, second = f.user(Role.OSS_OFFICE), f.user(Role.OSS_OFFICE)
    item = f.request_in(State.IN_REVIEW, engineer, team, first)
    barrier, results = threading.Barrier(2), {}
    threads = [threading.Thread(target=_decide_in_own_session,
                                args=(app, item.id, who.id, decision, barrier, results))
               for who, decision in ((first, "approve"), (second, "reject"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    outcomes = sorted(str(type(v).__name__) if v != "won" else "won" for v in results.values())
    assert outcomes == ["StaleObject", "won"], results
    loser = next(v for v in results.values() if v != "won")
    assert "changed by someone else" in loser.message
    db.session.expire_all()
    stored = db.session.get(AdoptionRequest, item.id)
    winner = next(k for k, v in results.items() if v == "won")
    assert stored.state == (State.APPROVED if winner == "approve" else State.REJECTED)
    decisions = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.object_id == item.id, AuditEvent.action.in_(["approved", "rejected"]))).all()
    assert len(decisions) == 1  # the loser's audit event rolled back with its change


def test_a_requester_editing_while_the_office_decides_is_told(app, rules):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    f.user(Role.OSS_OFFICE)
    item = f.request_in(State.SUBMITTED, engineer, team)
    seen_by_requester = item.version

    # The office starts the review in another session while the requester's form is open.
    with Session(db.engine) as other:
        office_copy = other.get(AdoptionRequest, item.id)
        office_copy.state = State.IN_REVIEW
        other.commit()

    db.session.expire_all()
    fresh = db.session.get(AdoptionRequest, item.id)
    data = f.adoption_input(team, justification="Edited after the office moved.")
    try:
        adoption.update(fresh, engineer, data, rules, expected_version=seen_by_requester)
    except StaleObject:
        db.session.rollback()
    else:
        raise AssertionError("a stale edit must be refused")
    db.session.expire_all()
    assert db.session.get(AdoptionRequest, item.id).justification == "We need it."


def test_the_database_refuses_a_lost_update_even_without_a_version_check(app):
    """The version column also guards writes that skip the explicit check."""
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    office = f.user(Role.OSS_OFFICE)
    item = f.request_in(State.IN_REVIEW, engineer, team, office)
    stale = db.session.get(AdoptionRequest, item.id)  # loaded at version N
    with Session(db.engine) as other:
        other.get(AdoptionRequest, item.id).decision_reason = "changed elsewhere"
        other.commit()
    try:
        workflow.transition(stale, office, "approve", reason="Fine.",
                            inputs=f.WITHOUT_SCAN)  # no expected_version given
    except StaleObject:
        db.session.rollback()
    else:
        raise AssertionError("the flush must detect the concurrent update")
