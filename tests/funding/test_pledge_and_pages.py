"""The Open Source Pledge figure (what counts, what is left out and why, the report JSON), the
CSV of a year's decisions and payments, and the funding pages as the office uses them."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from governance import policies
from governance.funding import pledge
from governance.funding.models import FundingProposal
from tests import factories as f
from tests.api.helpers import Api
from tests.funding.helpers import YEAR, approved, step


@pytest.fixture
def paid(client, office):
    """Two payments in FY2026 (April 2026 to March 2027): lodash and one to an employee."""
    office["proposer"].put(f"/funding/budgets/{YEAR}", json={"amount": 90000, "currency": "USD"})
    lodash = approved(office, rationale="=HYPERLINK(\"http://evil\")")
    step(office["decider"], lodash, "record_payment", reference="OC-1", paid_on="2026-05-01")
    employee = approved(office, purl="pkg:pypi/requests", amount="1000",
                         paid_to_employee=True)
    step(office["decider"], employee, "record_payment", reference="PAY-2",
          paid_on="2026-06-01")
    # Approved, not paid: not in the Pledge.
    approved(office, purl="pkg:pypi/requests", amount="500")
    return office


def test_the_pledge_counts_eligible_payments_and_names_what_it_leaves_out(paid):
    body = paid["decider"].get("/funding/pledge", query_string={"year": YEAR}).get_json()
    assert body["developers"] == 200 and body["target"] == "400000.00"
    assert body["paid"] == "7000.00" and body["eligible_paid"] == "6000.00"
    assert body["met"] is False
    assert [(e["beneficiary"], e["amount"]) for e in body["excluded"]] == [("requests",
                                                                           "1000.00")]
    assert "employees" in body["excluded"][0]["reason"]
    assert body["report_due"] == "2027-06-30"  # June after the fiscal year ends in March


def test_a_project_the_company_controls_is_left_out_with_its_reason(paid, monkeypatch):
    policy = policies.funding_policy()
    monkeypatch.setattr(type(policy), "is_own_project", lambda self, purl: "lodash" in purl)
    result = pledge.summary(YEAR, policy)
    assert result.eligible_paid.minor == 0
    assert any("controls" in e.reason for e in result.excluded)


def test_the_pledge_report_is_the_pledges_json_and_the_download_is_on_record(paid):
    answer = paid["decider"].get("/funding/pledge/report", query_string={"year": YEAR})
    assert answer.status_code == 200
    assert 'filename="open-source-pledge-FY2026.json"' in answer.headers["Content-Disposition"]
    report = json.loads(answer.get_data(as_text=True))
    assert report["year"] == YEAR and report["averageNumberOfDevs"] == 200
    assert report["usdAmountPaid"] == 6000 and report["dateYearEnding"] == "2027-03-31"
    assert report["monetaryPayments"] == [{"amount": 6000}]
    assert report["url"] == "https://opensourcepledge.com/"
    assert pledge.downloaded_on(YEAR) == date.today()


def test_the_reminder_runs_from_the_years_end_until_the_report_is_downloaded():
    policy = policies.funding_policy()
    result = pledge.summary(2025, policy)  # FY2025 ended on 2026-03-31
    assert pledge.reminder(result, date(2026, 3, 1)) is None
    assert "due by June 30, 2026" in pledge.reminder(result, date(2026, 4, 2))
    assert "was due on June 30, 2026" in pledge.reminder(result, date(2026, 7, 2))
    result.downloaded_on = date(2026, 5, 1)
    assert pledge.reminder(result, date(2026, 7, 2)) is None


def test_the_csv_holds_the_years_decisions_and_payments_safe_for_spreadsheets(client, paid):
    f.login(client, paid["decider"].user.username)
    answer = client.get("/funding/export.csv", query_string={"year": YEAR})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [r["state"] for r in rows] == ["paid", "paid", "approved"]
    assert rows[0]["payment_reference"] == "OC-1" and rows[0]["paid_on"] == "2026-05-01"
    assert rows[2]["payment_reference"] == "" and rows[2]["budget_amount"] == "500.00"
    assert all(not r["decision_reason"].startswith("=") for r in rows)


def test_the_funding_pages_show_the_budget_the_pledge_and_the_proposals(client, paid):
    f.login(client, paid["decider"].user.username)
    budget = client.get("/funding/", query_string={"year": YEAR}).get_data(as_text=True)
    assert "7,000.00 USD" in budget and "500.00 USD" in budget and "82,500.00 USD" in budget
    assert 'data-testid="chart-budget"' in budget
    pledge_page = client.get("/funding/pledge", query_string={"year": YEAR}).get_data(
        as_text=True)
    assert "400,000.00 USD" in pledge_page and "paid to one of the company" in pledge_page
    listed = client.get("/funding/proposals", query_string={"state": "paid"}).get_data(
        as_text=True)
    assert listed.count("data-proposal=") == 2
    item = FundingProposal.query.filter_by(payment_reference="OC-1").one()
    detail = client.get(f"/funding/proposals/{item.id}").get_data(as_text=True)
    assert "OC-1" in detail and "2026-05-01" in detail


def test_an_engineer_cannot_open_the_office_pages_nor_anothers_proposal(client, paid,
                                                                       inventory_world):
    f.login(client, inventory_world["engineer"].username)
    for path in ("/funding/", "/funding/pledge", "/funding/export.csv",
                 "/funding/pledge/report.json", "/funding/suggestions"):
        assert client.get(path).status_code == 403, path
    item = FundingProposal.query.filter_by(payment_reference="OC-1").one()
    assert client.get(f"/funding/proposals/{item.id}").status_code == 404
    assert client.get("/funding/proposals").status_code == 200


def test_the_office_sets_the_budget_on_its_page(client, office):
    f.login(client, office["proposer"].user.username)
    page = client.get("/funding/", query_string={"year": YEAR}).get_data(as_text=True)
    assert 'data-testid="no-budget"' in page
    answer = client.post(f"/funding/budgets/{YEAR}", data={"amount": "ten", "note": "Q3"})
    assert answer.status_code == 422
    again = answer.get_data(as_text=True)
    assert "is not an amount" in again and 'value="ten"' in again and 'value="Q3"' in again
    assert Api(client, office["proposer"].user).get(
        f"/funding/budgets/{YEAR}").get_json()["set"] is False
    client.post(f"/funding/budgets/{YEAR}", data={"amount": "125,000.50"})
    page = client.get("/funding/", query_string={"year": YEAR}).get_data(as_text=True)
    assert "125,000.50 USD" in page



def test_the_form_names_every_problem_and_keeps_what_was_typed(client, office):
    f.login(client, office["proposer"].user.username)
    platform = office["teams"]["Platform"]
    answer = client.post("/funding/proposals/new", data={
        "team": platform.id, "funding_kind": "donation", "purl": "pkg:pypi/never-approved",
        "amount": "12.345", "currency": "USD", "fiscal_year": "2026", "channel": "",
        "rationale": "Typed with care.", "submit": "1"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "not in the approved inventory" in page and "decimal places" in page
    assert "Choose how it is paid." in page and "Typed with care." in page
    assert FundingProposal.query.count() == 0


def test_a_membership_is_proposed_from_the_form_at_its_tiers_fee(client, office):
    f.login(client, office["proposer"].user.username)
    answer = client.post("/funding/proposals/new", data={
        "team": office["teams"]["Platform"].id, "funding_kind": "membership",
        "foundation_id": "cncf/silver", "currency": "USD", "fiscal_year": "2026",
        "channel": "invoice", "recurrence": "yearly", "rationale": "A Board seat.",
        "submit": "1"})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    item = FundingProposal.query.one()
    assert (item.foundation_id, item.tier_id, item.amount_minor) == ("cncf", "silver",
                                                                    30000_00)
    assert item.state.value == "submitted"


def test_the_budget_page_shows_the_pledge_and_the_foundations_to_propose(client, paid):
    f.login(client, paid["decider"].user.username)
    page = client.get("/funding/", query_string={"year": YEAR}).get_data(as_text=True)
    assert "6,000.00 USD</strong> of 400,000.00 USD (200 developers" in page
    assert 'data-testid="foundations"' in page and "Cloud Native Computing Foundation" in page
    link = "/funding/proposals/new?funding_kind=membership&amp;foundation=cncf/silver"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert '<option selected value="cncf/silver">' in form
    assert '<option selected value="membership">' in form


def test_the_audit_trail_links_the_budgets_changes(client, paid):
    f.login(client, paid["decider"].user.username)
    page = client.get("/audit/", query_string={"object_type": "funding_budget"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text[:500]
    assert f'href="/funding/?year={YEAR}">budget FY{YEAR}</a>' in text
    assert "Budget FY2026: 90,000.00 USD" in text
