"""The maturity review page: criteria beside their signals; the card on the request page."""
from __future__ import annotations

from governance.database import db
from governance.maturity_review import services
from governance.workflow import services as workflow
from tests import factories as f
from tests.license_review.helpers import scanned_request

HEALTH = [
    {"id": "contributors", "label": "Contributors", "found": True, "polarity": "good",
     "value": 14, "where": [".git"], "detail": "14 authors in the last year"},
    {"id": "security_policy", "label": "Security policy", "found": True, "polarity": "good",
     "value": None, "where": ["SECURITY.md"], "detail": "found"},
    {"id": "tests", "label": "Tests", "found": False, "polarity": "good", "value": None,
     "where": [], "detail": "no test files"},
]


def _scores(**values):
    data = {}
    for criterion in ("users", "maintenance", "license", "modification", "security"):
        data[f"score_{criterion}"] = str(values.get(criterion, ""))
        data[f"note_{criterion}"] = ""
    return data


def test_the_office_reviews_beside_the_signals_and_the_request_shows_the_result(client):
    item, _, office = scanned_request("mit", health=HEALTH)
    f.login(client, office.username)
    detail = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "Maturity review" in detail and "Review maturity" in detail

    page = client.get(f"/adoption/{item.id}/maturity").get_data(as_text=True)
    maintenance = page[page.index("Maintenance structure"):page.index("Ease of modification")]
    assert "Contributors" in maintenance and "14 authors" in maintenance
    assert "SECURITY.md" in maintenance
    assert "Tests" in page[page.index("Ease of modification"):]
    assert "Who else runs it in production" in page  # the guidance

    data = _scores(users=5, maintenance=4, license=5, modification=4, security=3)
    data["note_security"] = "No fuzzing."
    response = client.post(f"/adoption/{item.id}/maturity", data=data)
    assert response.status_code == 302 and response.location.endswith("#maturity")
    review = services.review_of(item)
    assert review.recommendation == "recommended"
    detail = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert f"{review.weighted_score:.2f}" in detail and "Recommended" in detail
    assert "No fuzzing." in detail


def test_a_bad_review_is_shown_again_with_what_was_typed(client):
    item, _, office = scanned_request("mit")
    f.login(client, office.username)
    data = _scores(users=1)
    data["note_maintenance"] = "Kept text."
    response = client.post(f"/adoption/{item.id}/maturity", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why the score is this low." in body and "Kept text." in body
    assert services.review_of(item) is None


def test_engineers_read_the_review_but_cannot_post_one(client):
    item, engineer, office = scanned_request("mit", health=HEALTH)
    f.login(client, engineer.username)
    page = client.get(f"/adoption/{item.id}/maturity")
    assert page.status_code == 200 and "Save the review" not in page.get_data(as_text=True)
    assert client.post(f"/adoption/{item.id}/maturity",
                       data=_scores(users=5)).status_code == 403
    assert services.review_of(item) is None


def test_a_decided_request_shows_its_frozen_review(client):
    item, _, office = scanned_request("mit", context="internal")
    f.login(client, office.username)
    client.post(f"/adoption/{item.id}/maturity", data=_scores(users=4, maintenance=4))
    workflow.transition(item, office, "approve", reason="Fine.")
    db.session.commit()
    page = client.get(f"/adoption/{item.id}/maturity").get_data(as_text=True)
    assert "Save the review" not in page and "Score: <strong>4</strong>" in page
    assert client.post(f"/adoption/{item.id}/maturity",
                       data=_scores(users=1)).status_code == 403


def test_a_review_under_older_criteria_says_so(client, app):
    item, _, office = scanned_request("mit")
    f.login(client, office.username)
    client.post(f"/adoption/{item.id}/maturity", data=_scores(users=4))
    review = services.review_of(item)
    review.maturity_digest = "0" * 64  # as if maturity.yaml changed since
    db.session.commit()
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "older version of the maturity criteria" in page


def test_the_compare_view_shows_each_candidates_maturity_score(client):
    reviewed, _, office = scanned_request("mit")
    other, _, _ = scanned_request("gpl-3.0")
    f.login(client, office.username)
    client.post(f"/adoption/{reviewed.id}/maturity", data=_scores(
        users=5, maintenance=5, license=5, modification=5, security=5))
    page = client.get(f"/adoption/compare?ids={reviewed.id}&ids={other.id}").get_data(
        as_text=True)
    row = page[page.index("Maturity score"):page.index("Scan summary")]
    assert "<strong>5.00</strong> of 5 · Recommended" in row
    assert "not reviewed yet" in row  # the other candidate
    assert "GPL-3.0-only" in page and "MIT" in page
