"""The registry of request kinds: one registration makes a kind; an unknown kind is never
decided (the workflow fails closed)."""
from __future__ import annotations

import pytest

from governance.audit import services as audit
from governance.auth import services as auth
from governance.auth.roles import Role
from governance.database import db
from governance.errors import IllegalTransition, ValidationFailed
from governance.states import State
from governance.workflow import kinds
from governance.workflow import services as workflow
from governance.workflow.models import Request
from tests import factories as f


class TravelRequest(Request):
    """A kind that exists only in this test: single-table, so it adds no table to the schema."""

    __mapper_args__ = {"polymorphic_identity": "test_travel"}
    kind_label = "Travel"


def _within_budget(request, step, inputs) -> dict[str, str]:
    """The kind's own decision rule: an approval needs a costed title."""
    if step.approves and "€" not in request.title:
        return {"cost": "State the cost in the title before approving."}
    return {}


def _record(request, step, actor, inputs) -> dict:
    return {"budget_checked_by": getattr(actor, "username", None)}


TRAVEL = kinds.RequestKind(
    name="test_travel", label="Travel", model=TravelRequest,
    decision_rules=kinds.DecisionRules(check=_within_budget, record=_record),
    detail_endpoint="workflow.show", render_detail=lambda item, **panel: item.title)


@pytest.fixture
def travel_kind(app):
    kinds.register(app, TRAVEL)
    yield TRAVEL
    app.extensions[kinds.EXTENSION].pop(TRAVEL.name)


@pytest.fixture
def people():
    team = f.team("Field")
    return {"requester": f.user(Role.ENGINEER, teams=[team]), "office": f.user(Role.OSS_OFFICE),
            "team": team}


def _travel(people, title: str) -> TravelRequest:
    item = TravelRequest(title=title, requester=people["requester"], team=people["team"],
                         answers=[])
    db.session.add(item)
    db.session.flush()
    return item


def _to_review(item, people):
    workflow.transition(item, people["requester"], "submit")
    workflow.transition(item, people["office"], "start_review")


def test_a_kind_registered_once_goes_from_draft_to_approved_through_its_own_rule(
        travel_kind, people):
    item = _travel(people, "Conference trip, 900 €")
    _to_review(item, people)
    workflow.transition(item, people["office"], "approve", reason="Within the budget.")
    db.session.commit()
    assert item.state == State.APPROVED
    assert item.reviewer_id == people["office"].id  # start_review claimed the review
    decided = [e for e in audit.events_for("request", item.id) if e.action == "approved"]
    assert decided[0].after["budget_checked_by"] == people["office"].username


def test_the_kinds_rule_refuses_an_approval_it_does_not_allow(travel_kind, people):
    item = _travel(people, "Conference trip")
    _to_review(item, people)
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(item, people["office"], "approve", reason="Looks fine.")
    assert "cost" in caught.value.errors
    # A rejection is a decision the rule does not object to.
    workflow.transition(item, people["office"], "reject", reason="No budget this year.")
    assert item.state == State.REJECTED


@pytest.mark.parametrize("step", ["approve", "approve_with_conditions", "reject"])
def test_a_decision_on_a_kind_without_registered_rules_is_refused(people, step):
    item = _travel(people, "Conference trip, 900 €")  # TravelRequest is mapped, not registered
    _to_review(item, people)
    with pytest.raises(IllegalTransition, match="not known to this app"):
        workflow.transition(item, people["office"], step, reason="Fine.", conditions="None.")
    assert item.state == State.IN_REVIEW


def test_a_kind_is_registered_once_and_under_its_models_identity(app):
    with pytest.raises(ValueError, match="identity"):
        kinds.register(app, kinds.RequestKind(
            name="other", label="Other", model=TravelRequest,
            decision_rules=TRAVEL.decision_rules, detail_endpoint="workflow.show",
            render_detail=TRAVEL.render_detail))
    adoption = kinds.registered()["adoption"]
    with pytest.raises(ValueError, match="twice"):
        kinds.register(app, adoption)


def test_the_app_registers_the_adoption_kind_with_its_license_rules(app):
    adoption = kinds.registered()["adoption"]
    assert adoption.reviews_license and adoption.detail_endpoint == "adoption.detail"
    from governance.license_review import services as license_review

    assert adoption.decision_rules.check.__module__ == "governance.adoption"
    assert adoption.decision_rules.record is license_review.record_decision
    assert adoption.decision_rules.blocking == {"without_scan_reason"}


def test_the_shared_api_steps_answer_with_the_kinds_own_schema(travel_kind, people, client):
    item = _travel(people, "Conference trip, 900 €")
    _, token = auth.create_token(people["requester"], "travel-bot")
    db.session.commit()
    answer = client.post(f"/api/v1/requests/{item.id}/transitions/submit",
                         json={"version": item.version},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert (body["kind"], body["state"], body["title"]) == (
        "test_travel", "submitted", "Conference trip, 900 €")
    assert "component" not in body  # the kind declared no schema: the shared fields only
    assert body["allowed_transitions"] == ["withdraw"]


def test_the_api_refuses_a_decision_on_a_kind_it_does_not_know(people, client):
    item = _travel(people, "Conference trip, 900 €")
    _to_review(item, people)
    _, token = auth.create_token(people["office"], "office-bot")
    db.session.commit()
    answer = client.post(f"/api/v1/requests/{item.id}/transitions/approve",
                         json={"version": item.version, "reason": "Fine."},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 409 and "not known to this app" in answer.json["message"]


def test_package_pages_refuse_a_kind_that_names_no_package(travel_kind, people, client):
    item = _travel(people, "Conference trip, 900 €")
    _to_review(item, people)
    db.session.commit()
    f.login(client, people["office"].username)
    assert client.get(f"/adoption/{item.id}/maturity").status_code == 404
    assert client.get(f"/adoption/{item.id}").status_code == 404
