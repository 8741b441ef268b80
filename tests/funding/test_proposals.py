"""Funding proposals over the API, as automation and the office use them: who may be paid and
how, the budget an approval must fit (or be overridden with a reason), the payment, the term's
renewal, and who sees what."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from governance.audit.models import AuditEvent
from governance.database import db
from governance.funding import renewals
from governance.funding.models import FundingProposal
from governance.states import State
from tests import factories as f
from tests.api.helpers import assert_error
from tests.funding.helpers import YEAR, approved, propose, step


def test_a_proposal_names_a_project_of_the_inventory_without_its_version(office):
    answer = propose(office["proposer"], office["teams"]["Platform"],
                      purl="pkg:npm/lodash@4.17.21", amount="2,500.50")
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["kind"] == "funding_proposal" and body["state"] == "submitted"
    assert body["purl"] == "pkg:npm/lodash" and body["beneficiary_name"] == "lodash"
    assert body["amount"] == "2500.50" and body["budget_amount"] == "2500.50"
    assert body["title"] == "Donation: lodash, FY2026"


@pytest.mark.parametrize("fields,named", [
    ({"purl": "pkg:pypi/never-approved"}, "purl"),
    ({"purl": "pkg:npm/%40example-corp/ui"}, "purl"),  # the company's own
    ({"purl": "not a purl"}, "purl"),
    ({"purl": "", "foundation": "cncf", "funding_kind": "membership"}, "tier_id"),
    ({"purl": "", "foundation": "nasa"}, "foundation_id"),
    ({"funding_kind": "membership"}, "funding_kind"),  # a project has no membership
    ({"purl": "", "foundation": "cncf", "tier": "silver", "funding_kind": "membership",
      "channel": "github_sponsors", "amount": ""}, "channel"),  # invoiced, never card-only
    ({"currency": "EUR"}, "rate"),
    ({"amount": "12.345"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"funding_kind": "donation", "recurrence": "monthly"}, "recurrence"),
    ({"rationale": ""}, "rationale"),
])
def test_bad_proposals_are_refused_with_the_field_named_and_nothing_saved(office, fields,
                                                                        named):
    answer = propose(office["proposer"], office["teams"]["Platform"], **fields)
    assert_error(answer, 422, named)
    assert db.session.query(FundingProposal).count() == 0


def test_a_membership_takes_its_tiers_fee_and_another_currency_its_rate(office):
    platform = office["teams"]["Platform"]
    silver = propose(office["proposer"], platform, purl="", foundation="cncf", tier="silver",
                      funding_kind="membership", amount="", channel="invoice")
    assert silver.status_code == 201, silver.get_json()
    assert silver.get_json()["amount"] == "30000.00"
    assert silver.get_json()["recurrence"] == "yearly"
    wrong_fee = propose(office["proposer"], platform, purl="", foundation="cncf",
                         tier="silver", funding_kind="membership", amount="100",
                         channel="invoice")
    assert "30,000.00 USD" in assert_error(wrong_fee, 422, "amount")["errors"]["amount"]
    yen = propose(office["proposer"], platform, currency="JPY", amount="1,000,000",
                   rate="0.0066667")
    assert yen.status_code == 201, yen.get_json()
    assert yen.get_json()["amount"] == "1000000" and yen.get_json()["budget_amount"] == "6666.70"
    assert_error(propose(office["proposer"], platform, currency="JPY", amount="10.5",
                          rate="0.0067"), 422, "amount")


def test_the_budget_counts_approvals_and_an_overspend_needs_the_offices_reason(office):
    decider = office["decider"]
    assert decider.get(f"/funding/budgets/{YEAR}").get_json()["set"] is False
    put = office["proposer"].put(f"/funding/budgets/{YEAR}",
                                 json={"amount": "10000", "currency": "USD"})
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["remaining"] == "10000.00"

    approved(office)  # 6,000
    budget = decider.get(f"/funding/budgets/{YEAR}").get_json()
    assert (budget["committed"], budget["paid"], budget["remaining"]) == (
        "6000.00", "0.00", "4000.00")
    assert budget["by_kind"]["donation"] == {"committed": "6000.00", "paid": "0.00"}
    assert budget["by_beneficiary"][0]["key"] == "pkg:npm/lodash"

    second = propose(office["proposer"], office["teams"]["Platform"],
                      purl="pkg:pypi/requests").get_json()
    second = step(decider, second, "start_review").get_json()
    refused = step(decider, second, "approve", reason="Also important.")
    message = assert_error(refused, 409, "override_reason")["errors"]["override_reason"]
    assert "4,000.00 USD remain" in message and "6,000.00 USD" in message
    assert "4,000.00 USD remain" in refused.get_json()["message"]
    assert decider.get(f"/funding-proposals/{second['id']}").get_json()["state"] == "in_review"

    overridden = step(decider, second, "approve", reason="Also important.",
                       override_reason="The board moved 2,000 from next year.")
    assert overridden.status_code == 200, overridden.get_json()
    assert overridden.get_json()["override_reason"] == "The board moved 2,000 from next year."
    assert decider.get(f"/funding/budgets/{YEAR}").get_json()["remaining"] == "-2000.00"
    event = db.session.query(AuditEvent).filter_by(object_id=second["id"],
                                                   action="approved").one()
    assert event.after["override_reason"] == "The board moved 2,000 from next year."
    assert event.after["budget_remaining"] == "4,000.00 USD"


def test_an_approval_without_a_budget_is_an_overspend(office):
    item = propose(office["proposer"], office["teams"]["Platform"]).get_json()
    item = step(office["decider"], item, "start_review").get_json()
    refused = assert_error(step(office["decider"], item, "approve", reason="x"), 409,
                           "override_reason")
    assert "No budget is set" in refused["errors"]["override_reason"]


def test_recording_the_payment_moves_committed_to_paid_and_starts_the_term(office):
    office["proposer"].put(f"/funding/budgets/{YEAR}", json={"amount": 50000, "currency": "USD"})
    item = approved(office, funding_kind="sponsorship", recurrence="monthly")
    decider = office["decider"]
    assert "record_payment" in item["allowed_transitions"]
    assert_error(step(decider, item, "record_payment"), 422, "reference", "paid_on")
    future = (date.today() + timedelta(days=2)).isoformat()
    assert_error(step(decider, item, "record_payment", reference="OC-1", paid_on=future),
                 422, "paid_on")
    paid_on = date(2026, 5, 31)
    paid = step(decider, item, "record_payment", reference="OC-1", paid_on=paid_on.isoformat())
    assert paid.status_code == 200, paid.get_json()
    body = paid.get_json()
    assert body["state"] == "paid" and body["payment_reference"] == "OC-1"
    assert body["paid_on"] == "2026-05-31" and body["term_ends_on"] == "2027-05-31"
    budget = decider.get(f"/funding/budgets/{YEAR}").get_json()
    assert (budget["committed"], budget["paid"], budget["remaining"]) == (
        "0.00", "6000.00", "44000.00")


def test_a_payment_is_a_step_only_funding_proposals_take(client, office, inventory_world):
    adoption = f.request_in(State.APPROVED, inventory_world["engineer"],
                            office["teams"]["Payments"], inventory_world["office"])
    db.session.commit()
    answer = office["decider"].post(f"/requests/{adoption.id}/transitions/record_payment",
                                    json={"version": adoption.version, "reference": "x",
                                          "paid_on": "2026-05-01"})
    assert_error(answer, 409)
    listed = office["decider"].get(f"/requests/{adoption.id}/events")
    assert listed.status_code == 200


def test_a_term_that_ends_soon_opens_its_renewal_and_renewing_proposes_the_next(office):
    office["proposer"].put(f"/funding/budgets/{YEAR}", json={"amount": 90000, "currency": "USD"})
    item = approved(office, purl="", foundation="cncf", tier="silver",
                     funding_kind="membership", amount="", channel="invoice")
    item = step(office["decider"], item, "record_payment", reference="INV-42",
                 paid_on="2026-04-10").get_json()
    assert item["term_ends_on"] == "2027-04-10"
    proposal = db.session.get(FundingProposal, item["id"])
    assert renewals.open_due(date(2027, 1, 1)) == []  # 99 days before: not yet
    assert [p.id for p in renewals.open_due(date(2027, 2, 20))] == [item["id"]]
    db.session.commit()
    assert proposal.state == State.RENEWAL_DUE
    event = db.session.query(AuditEvent).filter_by(object_id=item["id"],
                                                   action="renewal_opened").one()
    assert event.actor_id is None and "2027-04-10" in event.after["reason"]
    assert renewals.open_due(date(2027, 2, 21)) == []  # once

    item = office["decider"].get(f"/funding-proposals/{item['id']}").get_json()
    assert set(item["allowed_transitions"]) == {"renew", "end_funding"}
    assert_error(step(office["decider"], item, "renew"), 422, "reason")
    renewed = step(office["decider"], item, "renew", reason="Kubernetes is still our base.")
    assert renewed.status_code == 200, renewed.get_json()
    assert renewed.get_json()["state"] == "renewed"
    successor = db.session.query(FundingProposal).filter_by(renews_id=item["id"]).one()
    assert successor.state == State.SUBMITTED and successor.fiscal_year == 2027
    assert successor.amount_minor == 30000_00 and successor.tier_id == "silver"


def test_ending_a_renewal_needs_a_reason_and_closes_it(office):
    office["proposer"].put(f"/funding/budgets/{YEAR}", json={"amount": 90000, "currency": "USD"})
    item = approved(office, funding_kind="sponsorship", recurrence="yearly")
    item = step(office["decider"], item, "record_payment", reference="R",
                 paid_on="2026-04-10").get_json()
    renewals.open_due(date(2027, 3, 1))
    db.session.commit()
    item = office["decider"].get(f"/funding-proposals/{item['id']}").get_json()
    ended = step(office["decider"], item, "end_funding", reason="They found a sponsor.")
    assert ended.status_code == 200 and ended.get_json()["state"] == "ended"


def test_engineers_see_only_their_own_teams_proposals(office, inventory_world):
    office["proposer"].put(f"/funding/budgets/{YEAR}", json={"amount": 90000, "currency": "USD"})
    others = propose(office["proposer"], office["teams"]["Platform"]).get_json()
    engineer = office["engineer"]
    mine = propose(engineer, office["teams"]["Payments"], purl="pkg:pypi/requests")
    assert mine.status_code == 201, mine.get_json()
    assert_error(propose(engineer, office["teams"]["Platform"]), 422, "team")
    assert_error(engineer.get(f"/funding-proposals/{others['id']}"), 404)
    listed = engineer.get("/funding-proposals").get_json()
    assert [p["id"] for p in listed["items"]] == [mine.get_json()["id"]]
    assert_error(engineer.put(f"/funding/budgets/{YEAR}",
                              json={"amount": "1", "currency": "USD"}), 403)
    assert_error(engineer.get("/funding/pledge"), 403)
    assert_error(engineer.post("/funding/suggestions/drafts", json={"amount": 1000}), 403)


def test_a_budget_in_another_currency_or_not_an_amount_is_refused(office):
    proposer = office["proposer"]
    assert_error(proposer.put(f"/funding/budgets/{YEAR}",
                              json={"amount": "10000", "currency": "EUR"}), 422, "currency")
    assert_error(proposer.put(f"/funding/budgets/{YEAR}",
                              json={"amount": "ten", "currency": "USD"}), 422, "amount")
    assert_error(proposer.put(f"/funding/budgets/{YEAR}", json={}), 422)
    assert proposer.get(f"/funding/budgets/{YEAR}").get_json()["set"] is False


def test_the_suggestion_becomes_draft_proposals_in_onestep(office):
    answer = office["proposer"].post("/funding/suggestions/drafts",
                                     json={"amount": 5000, "top": 5, "year": YEAR})
    assert answer.status_code == 201, answer.get_json()
    drafted = answer.get_json()["proposals"]
    assert [p["purl"] for p in drafted] == ["pkg:npm/lodash", "pkg:pypi/requests"]
    assert all(p["state"] == "draft" and p["funding_kind"] == "donation" for p in drafted)
    assert sum(float(p["amount"]) for p in drafted) <= 5000
    assert drafted[0]["basis"]["signals"]["teams"] == 3
    assert "score" in drafted[0]["rationale"]
    # Drafted for the team that uses the project most.
    assert drafted[1]["team"]["name"] == "Payments"


def test_a_funding_approval_takes_no_expiry_date(office):
    office["proposer"].put(f"/funding/budgets/{YEAR}", json={"amount": 9000, "currency": "USD"})
    item = propose(office["proposer"], office["teams"]["Platform"]).get_json()
    item = step(office["decider"], item, "start_review").get_json()
    later = (date.today() + timedelta(days=30)).isoformat()
    assert_error(step(office["decider"], item, "approve", reason="x", expires_on=later), 422,
                 "expires_on")
