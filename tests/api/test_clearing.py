"""/api/v1/components/{id}/conclusion, the license fields of a request, and approvals that
need a license verdict."""
from __future__ import annotations

from governance.database import db
from governance.states import State
from tests import factories as f
from tests.api.helpers import Api, assert_error
from tests.license_review.helpers import request_with_summary
from tests.license_review.test_clearing import HISTORY, TYPING_EXTENSIONS

BODY = {"expression": "PSF-2.0", "reason_code": "license-history-text",
        "reason": "license history text"}


def _scanned(context="distributed"):
    item, office = request_with_summary(TYPING_EXTENSIONS, context=context)
    return item, item.requester, office


def _put(api, component_id, body):
    return api.client.put(f"/api/v1/components/{component_id}/conclusion", json=body,
                          headers=api.headers)


def test_the_office_concludes_over_the_api_and_the_request_says_so(client):
    item, engineer, office = _scanned()
    as_office, as_engineer = Api(client, office), Api(client, engineer)
    answer = as_engineer.read(item.id)
    component_id = answer["component"]["id"]
    assert answer["declared"] == "PSF-2.0" and answer["concluded"] is None
    assert {d["expression"]: d["finding"] for d in answer["detected"]}[HISTORY] == "disagrees"
    assert answer["verdict"]["outcome"] == "review"
    assert answer["verdict"]["current"]["raised"]
    assert answer["verdict"]["recorded"] is None

    refused = _put(as_engineer, component_id, BODY)
    assert_error(refused, 403)
    bad = _put(as_office, component_id, dict(BODY, reason_code="nope"))
    assert_error(bad, 422, "reason_code")
    # A refused expression's error quotes at most 200 characters of it.
    long = _put(as_office, component_id, dict(BODY, expression="MIT AND (" + "x" * 1900))
    message = assert_error(long, 422, "expression")["errors"]["expression"]
    assert "x" * 150 in message and "x" * 250 not in message

    done = _put(as_office, component_id, BODY)
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["concluded"]["expression"] == "PSF-2.0"
    assert done.get_json()["concluded"]["concluded_by"] == office.username
    read = as_engineer.get(f"/components/{component_id}/conclusion").get_json()
    assert read["declared"] == "PSF-2.0" and read["concluded"]["reason_code"] == \
        "license-history-text"
    answer = as_engineer.read(item.id)
    assert answer["concluded"]["expression"] == "PSF-2.0"
    assert answer["verdict"]["outcome"] == "allow"
    assert answer["verdict"]["current"]["basis"] == "concluded"

    withdrawn = as_office.delete(f"/components/{component_id}/conclusion",
                                 json={"reason": "Concluded on the wrong version."})
    assert withdrawn.status_code == 200 and withdrawn.get_json()["concluded"] is None
    assert as_engineer.read(item.id)["verdict"]["outcome"] == "review"
    assert_error(Api(client, office).get("/components/999999/conclusion"), 404)


def test_an_approval_without_a_finished_scan_is_a_409_unless_the_office_says_why(client, api,
                                                                                   people):
    item = f.request_in(State.IN_REVIEW, people["requester"], people["team"], people["office"])
    blocked = api["office"].fire(item.id, "approve", reason="Fine.", without_scan_reason=None)
    body = assert_error(blocked, 409, "without_scan_reason")
    assert "no finished scan" in body["errors"]["without_scan_reason"]
    approved = api["office"].fire(item.id, "approve", reason="Fine.",
                                  without_scan_reason="The source is not downloadable.")
    assert approved.status_code == 200, approved.get_json()
    verdict = approved.get_json()["verdict"]
    assert verdict["outcome"] is None
    assert verdict["recorded"]["without_scan_reason"] == "The source is not downloadable."
    events = api["office"].events(item.id)
    assert events[-1]["after"]["without_scan_reason"] == "The source is not downloadable."


def test_an_approval_in_a_shipped_product_needs_the_maturity_review(client):
    item, _, office = _scanned()
    response = Api(client, office).fire(item.id, "approve", reason="Fine.")
    assert_error(response, 422, "maturity_review")
    f.maturity_review(item, office)
    db.session.commit()
    response = Api(client, office).fire(item.id, "approve", reason="Fine.")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["verdict"]["recorded"]["outcome"] == "review"
