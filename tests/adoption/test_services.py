"""Creating, editing, listing, searching and comparing adoption requests."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from governance.adoption import services as adoption
from governance.audit import services as audit
from governance.auth.roles import Role
from governance.components.models import Component
from governance.database import db
from governance.errors import IllegalTransition, NotAllowed, NotFound, ValidationFailed
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f


@pytest.fixture
def team():
    return f.team("Payments")


@pytest.fixture
def engineer(team):
    return f.user(Role.ENGINEER, teams=[team], username="erin")


def test_a_request_is_created_as_a_draft_with_its_component_and_answers(engineer, team, rules):
    item = adoption.create(engineer, f.adoption_input(team, purl="pkg:pypi/Flask@3.1.3"), rules)
    db.session.commit()
    assert item.state == State.DRAFT and item.title == "Adopt flask 3.1.3"
    assert item.component.purl == "pkg:pypi/flask@3.1.3"
    answers = {a["id"]: a["value"] for a in item.answers}
    assert answers["can-patch"] is True and answers["data-sensitivity"] == "No"
    assert audit.events_for("request", item.id)[0].action == "created"


def test_the_same_package_version_is_one_component_row(engineer, team, rules):
    for purl in ("pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.21"):
        adoption.create(engineer, f.adoption_input(team, purl=purl), rules)
    adoption.create(engineer, f.adoption_input(team, purl="", type="npm", name="lodash",
                                               version="4.17.21"), rules)
    adoption.create(engineer, f.adoption_input(team, purl="pkg:npm/lodash@4.17.20"), rules)
    db.session.commit()
    count = db.session.scalar(select(func.count(Component.id)).where(Component.name == "lodash"))
    assert count == 2


def test_scoped_packages_keep_their_namespace(engineer, team, rules):
    item = adoption.create(engineer, f.adoption_input(
        team, purl="pkg:npm/%40angular/core@17.3.0"), rules)
    assert item.component.namespace == "@angular"
    assert item.component.purl == "pkg:npm/%40angular/core@17.3.0"


def test_every_problem_is_reported_at_once_and_nothing_is_saved(engineer, team, rules):
    other = f.team("Data")
    data = f.adoption_input(other, purl="not a purl", usage_context="moon", linking="glue",
                            homepage_url="javascript:alert(1)",
                            answers={"can-patch": "perhaps", "needed-by": "soon",
                                     "data-sensitivity": "Lots", "nope": "x"})
    with pytest.raises(ValidationFailed) as caught:
        adoption.create(engineer, data, rules)
    assert set(caught.value.errors) == {
        "team", "purl", "usage_context", "linking", "homepage_url", "q_can-patch",
        "q_needed-by", "q_data-sensitivity", "answers"}
    db.session.rollback()
    assert db.session.scalar(select(func.count(Component.id))) == 0


def test_submitting_at_once_goes_straight_to_the_office(engineer, team, rules):
    item = adoption.create(engineer, f.adoption_input(team), rules, submit=True)
    assert item.state == State.SUBMITTED and item.submitted_at is not None


def test_edits_are_audited_with_before_and_after(engineer, team, rules):
    item = f.request_in(State.DRAFT, engineer, team)
    adoption.update(item, engineer, f.adoption_input(team, purl=item.component.purl,
                                                     justification="Better reason."),
                    rules, expected_version=item.version)
    db.session.commit()
    event = audit.events_for("request", item.id)[-1]
    assert event.action == "edited"
    assert event.before["justification"] == "We need it."
    assert event.after["justification"] == "Better reason."


def test_decided_requests_can_no_longer_be_edited(engineer, team, rules):
    office = f.user(Role.OSS_OFFICE)
    item = f.request_in(State.APPROVED, engineer, team, office)
    with pytest.raises(IllegalTransition):
        adoption.update(item, engineer, f.adoption_input(team), rules,
                        expected_version=item.version)


def test_only_the_requester_side_edits(engineer, team, rules):
    item = f.request_in(State.SUBMITTED, engineer, team)
    outsider = f.user(Role.ENGINEER, teams=[f.team()])
    with pytest.raises(NotAllowed):
        adoption.update(item, outsider, f.adoption_input(team), rules,
                        expected_version=item.version)


def test_answers_to_removed_questions_are_kept(engineer, team, rules):
    item = f.request_in(State.DRAFT, engineer, team)
    item.answers = item.answers + [{"id": "old-question", "label": "Old?", "type": "text",
                                    "required": True, "value": "kept"}]
    db.session.commit()
    adoption.update(item, engineer, f.adoption_input(team), rules,
                    expected_version=item.version)
    kept = next(a for a in item.answers if a["id"] == "old-question")
    assert kept["value"] == "kept" and kept["required"] is False


def test_alternatives_link_visible_requests_only(engineer, team, rules):
    first = f.request_in(State.SUBMITTED, engineer, team)
    other_team = f.team()
    hidden = f.request_in(State.DRAFT, f.user(Role.ENGINEER, teams=[other_team]), other_team)
    second = adoption.create(engineer, f.adoption_input(team, alternative_ids=[first.id]), rules)
    assert [a.id for a in second.alternatives] == [first.id]
    with pytest.raises(ValidationFailed) as caught:
        adoption.create(engineer, f.adoption_input(team, alternative_ids=[hidden.id]), rules)
    assert "alternatives" in caught.value.errors


def _listed(user, **filters):
    return [r.id for r in db.session.scalars(
        adoption.list_query(user, adoption.ListFilters(**filters)))]


def test_lists_filter_search_and_hide_other_teams_drafts(engineer, team, rules):
    office = f.user(Role.OSS_OFFICE)
    other_team = f.team("Data")
    other = f.user(Role.ENGINEER, teams=[other_team])
    flask_req = f.request_in(State.SUBMITTED, engineer, team, purl="pkg:pypi/flask@3.1.3",
                             justification="Web framework for the billing UI")
    redis_req = f.request_in(State.APPROVED, other, other_team, office,
                             purl="pkg:pypi/redis@5.0.0", usage_context="saas")
    draft = f.request_in(State.DRAFT, other, other_team, purl="pkg:pypi/secret@1.0")

    assert draft.id not in _listed(engineer)
    assert draft.id in _listed(other)
    assert _listed(engineer, q="billing") == [flask_req.id]
    assert _listed(engineer, q="REDIS") == [redis_req.id]
    assert _listed(engineer, q="web billing") == [flask_req.id]
    assert _listed(engineer, states=["approved"]) == [redis_req.id]
    assert _listed(engineer, usage_context="saas") == [redis_req.id]
    assert _listed(engineer, team_id=team.id) == [flask_req.id]
    assert _listed(engineer, scope="mine") == [flask_req.id]
    assert _listed(engineer, states=["bogus"]) == _listed(engineer)


def test_compare_takes_two_to_four_visible_requests(engineer, team):
    items = [f.request_in(State.SUBMITTED, engineer, team) for _ in range(5)]
    ids = [i.id for i in items]
    assert [r.id for r in adoption.for_compare(engineer, ids[:3])] == ids[:3]
    for bad in (ids[:1], ids):
        with pytest.raises(ValidationFailed):
            adoption.for_compare(engineer, bad)
    other_team = f.team()
    hidden = f.request_in(State.DRAFT, f.user(Role.ENGINEER, teams=[other_team]), other_team)
    with pytest.raises(NotFound):
        adoption.for_compare(engineer, [ids[0], hidden.id])


def test_get_for_hides_other_teams_drafts(engineer, team):
    draft = f.request_in(State.DRAFT, engineer, team)
    assert workflow.get_for(engineer, draft.id) is draft
    with pytest.raises(NotFound):
        workflow.get_for(f.user(Role.OSS_OFFICE), draft.id)
