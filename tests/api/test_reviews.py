"""GET /api/v1/requests/{id}/review: the office's grounds for a request."""
from __future__ import annotations

from datetime import date, timedelta

from governance import policies
from governance.database import db
from governance.license_review import waivers
from governance.maturity_review import services as maturity
from governance.maturity_review.services import CriterionScore
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f
from tests.api.helpers import Api, assert_error
from tests.license_review.helpers import scanned_request


def test_the_review_of_a_request_approved_through_a_waiver(client, app):
    policy = policies.loaded(app).license_policy
    item, engineer, office = scanned_request("gpl-3.0", context="distributed")
    waiver = waivers.grant(item, office, waivers.WaiverInput(
        "PATENT_GRANT_EXCEPTION", "Covered by the patent pool agreement.",
        date.today() + timedelta(days=60)), policy)
    criteria = policies.loaded(app).maturity
    maturity.save(item, office, [CriterionScore(c.id, 4) for c in criteria.criteria],
                  criteria, policy)
    workflow.transition(item, office, "approve", reason="Covered.")
    db.session.commit()

    response = Api(client, engineer).get(f"/requests/{item.id}/review")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["license_verdict"]["verdict"] == "deny"
    assert body["license_verdict"]["expression"] == "GPL-3.0-only"
    assert body["license_verdict"]["evaluation"]["licenses"][0]["category"] == "Copyleft"
    recorded = body["recorded_verdict"]
    assert (recorded["verdict"], recorded["occasion"], recorded["waiver_id"]) == (
        "deny", "approved", waiver.id)
    assert recorded["policy_digest"] == policy.digest
    assert recorded["current_policy_differs"] is False
    assert body["waivers"][0]["reason_code"] == "PATENT_GRANT_EXCEPTION"
    assert body["waivers"][0]["active"] is True
    assert body["waivers"][0]["created_by"] == office.username
    assert body["maturity_review"]["recommendation"] == "recommended"
    assert body["maturity_review"]["weighted_score"] == 4.0


def test_an_unscanned_undecided_request_has_an_empty_review(client, api, people):
    item = f.request_in(State.SUBMITTED, people["requester"], people["team"])
    body = api["outsider"].get(f"/requests/{item.id}/review").get_json()
    assert body["license_verdict"]["verdict"] is None
    assert body["recorded_verdict"] is None and body["waivers"] == []
    assert body["maturity_review"] is None
    draft = f.request_in(State.DRAFT, people["requester"], people["team"])
    assert_error(api["outsider"].get(f"/requests/{draft.id}/review"), 404)
