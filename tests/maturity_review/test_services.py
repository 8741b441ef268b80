"""The maturity review: scores per criterion, the weighted score, the recommendation."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from governance import policies
from governance.audit.models import AuditEvent
from governance.auth.roles import Role
from governance.database import db
from governance.errors import IllegalTransition, NotAllowed, StaleObject, ValidationFailed
from governance.maturity_review import services
from governance.maturity_review.services import CriterionScore
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f
from tests.license_review.helpers import scanned_request


@pytest.fixture
def criteria(app):
    return policies.loaded(app).maturity


@pytest.fixture
def policy(app):
    return policies.loaded(app).license_policy


def _all(score, **notes):
    return [CriterionScore(c, score, notes.get(c, "seen"))
            for c in ("users", "maintenance", "license", "modification", "security")]


def test_a_complete_review_gets_the_weighted_score_and_a_recommendation(criteria, policy):
    item, _, office = scanned_request("mit")
    entries = [CriterionScore("users", 5), CriterionScore("maintenance", 4),
               CriterionScore("license", 5), CriterionScore("modification", 3),
               CriterionScore("security", 3)]
    review = services.save(item, office, entries, criteria, policy)
    db.session.commit()
    weights = {c.id: c.weight for c in criteria.criteria}
    expected = round(sum(weights[e.criterion] * e.score for e in entries)
                     / sum(weights.values()), 2)
    assert review.weighted_score == expected
    assert review.recommendation == ("recommended" if expected >= criteria.threshold
                                     else "not_recommended")
    assert review.maturity_digest == criteria.digest and review.policy_digest == policy.digest
    # The criteria's labels and weights are kept with the scores.
    assert review.score_of("users") == {"criterion": "users", "label": "Users and track record",
                                        "weight": weights["users"], "score": 5, "note": ""}
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "maturity_reviewed")).one()
    assert event.after["scores"]["users"] == 5 and event.before is None


def test_below_the_threshold_is_not_recommended(criteria, policy):
    item, _, office = scanned_request("mit")
    review = services.save(item, office, _all(2), criteria, policy)
    assert review.weighted_score == 2.0 and review.recommendation == "not_recommended"


def test_an_unscored_criterion_leaves_the_review_incomplete(criteria, policy):
    item, _, office = scanned_request("mit")
    review = services.save(item, office, [CriterionScore("users", 4)], criteria, policy)
    assert review.weighted_score == 4.0 and review.recommendation == "incomplete"


def test_editing_replaces_the_scores_and_records_before_and_after(criteria, policy):
    item, _, office = scanned_request("mit")
    first = services.save(item, office, _all(4), criteria, policy)
    db.session.commit()
    second = services.save(item, office, _all(5), criteria, policy,
                           expected_version=first.version)
    db.session.commit()
    assert second.id == first.id and second.weighted_score == 5.0
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "maturity_reviewed").order_by(AuditEvent.id)).all()
    assert events[1].before["scores"]["users"] == 4 and events[1].after["scores"]["users"] == 5


def test_a_stale_form_does_not_overwrite_someone_elses_review(criteria, policy):
    item, _, office = scanned_request("mit")
    review = services.save(item, office, _all(4), criteria, policy)
    db.session.commit()
    seen = review.version
    services.save(item, f.user(Role.OSS_OFFICE), _all(3), criteria, policy,
                  expected_version=seen)
    db.session.commit()
    with pytest.raises(StaleObject):
        services.save(item, office, _all(5), criteria, policy, expected_version=seen)


@pytest.mark.parametrize("entries, field, message", [
    ([CriterionScore("users", 7)], "score_users", "1 to 5"),
    ([CriterionScore("users", 0)], "score_users", "1 to 5"),
    ([CriterionScore("users", 1, "")], "note_users", "why"),
    ([CriterionScore("users", 4, "x" * 5001)], "note_users", "5,000"),
    ([CriterionScore("users", None)], "scores", "at least one"),
    ([CriterionScore("nonsense", 3)], "scores", "Unknown criteria"),
])
def test_bad_scores_are_refused_with_the_field_named(criteria, policy, entries, field, message):
    item, _, office = scanned_request("mit")
    with pytest.raises(ValidationFailed) as caught:
        services.save(item, office, entries, criteria, policy)
    assert message in caught.value.errors[field]
    assert services.review_of(item) is None


def test_only_the_office_reviews_and_not_its_own_request(criteria, policy):
    item, engineer, office = scanned_request("mit")
    for who in (engineer, f.user(Role.COMPLIANCE), f.user(Role.ADMIN)):
        with pytest.raises(NotAllowed):
            services.save(item, who, _all(4), criteria, policy)
    item.requester_id = office.id
    with pytest.raises(NotAllowed, match="own request"):
        services.save(item, office, _all(4), criteria, policy)
    db.session.rollback()


def test_the_decision_freezes_the_review(criteria, policy):
    item, _, office = scanned_request("mit")
    services.save(item, office, _all(4), criteria, policy)
    workflow.transition(item, office, "approve", reason="Mature.", inputs=f.WITHOUT_SCAN)
    db.session.commit()
    with pytest.raises(IllegalTransition, match="frozen"):
        services.save(item, office, _all(1, users="no"), criteria, policy)
    assert services.review_of(item).weighted_score == 4.0
    assert item.state == State.APPROVED
