"""Advisories as automation and the office use them: one record posted to the API, what is
affected read back, the office's analysis over the API and on its page, an upload of a zip,
the request's page flagging its finding; engineers read and never triage."""
from __future__ import annotations

import io
import zipfile

from governance.advisories.models import Finding
from governance.database import db
from tests import factories as f
from tests.advisories.conftest import RECORDS, record
from tests.api.helpers import Api, assert_error


def test_the_office_posts_a_record_and_reads_what_it_affects(client, world):
    office, engineer = Api(client, world["office"]), Api(client, world["engineer"])
    answer = office.post("/advisories", json=record("PYSEC-2023-74"))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["new"] == 1 and answer.get_json()["findings_opened"] == 1
    again = office.post("/advisories", json=record("PYSEC-2023-74")).get_json()
    assert again["unchanged"] == 1 and again["findings_opened"] == 0
    rows = engineer.get("/advisories/affected").get_json()
    assert [(r["advisory"], r["purl"], r["fixed"], r["teams"], r["state"]) for r in rows] == [
        ("PYSEC-2023-74", "pkg:pypi/requests@2.30.0", ["2.31.0"], ["Payments"], "in_triage")]
    assert set(rows[0]) >= {"advisory", "aliases", "purl", "version", "fixed", "teams",
                            "products", "state"}


def test_bad_posts_are_refused_with_the_reason(client, world):
    office, engineer = Api(client, world["office"]), Api(client, world["engineer"])
    assert_error(office.post("/advisories", json={}), 422, "record")
    refused = assert_error(office.post("/advisories", json={"id": "X"}), 422, "record")
    assert "modified" in refused["errors"]["record"]
    assert_error(engineer.post("/advisories", json=record("PYSEC-2023-74")), 403)


def test_the_office_records_its_analysis_over_the_api(client, world):
    office, engineer = Api(client, world["office"]), Api(client, world["engineer"])
    office.post("/advisories", json=record("PYSEC-2023-74"))
    finding = db.session.query(Finding).one()
    assert_error(office.patch(f"/findings/{finding.id}", json={"state": "not_affected"}), 422,
                 "justification")
    assert_error(engineer.patch(f"/findings/{finding.id}", json={"state": "exploitable"}), 403)
    done = office.patch(f"/findings/{finding.id}", json={
        "state": "not_affected", "justification": "No proxies in our deployment.",
        "not_affected_until": "2099-01-01"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "not_affected"
    assert done.get_json()["not_affected_until"] == "2099-01-01"
    assert office.get("/advisories/affected", query_string={"open": "true"}).get_json() == []
    assert_error(office.patch("/findings/999999", json={"state": "resolved"}), 404)


def test_the_office_uploads_a_zip_and_the_request_page_flags_the_finding(client, world):
    f.login(client, world["office"].username)
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        for path in RECORDS.glob("*.json"):
            archive.write(path, path.name)
    bundle.seek(0)
    answer = client.post("/advisories/import", data={"records": (bundle, "all.zip")},
                         content_type="multipart/form-data", follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "2 record(s) read: 2 new" in page and "3 finding(s) opened" in page
    assert page.count("data-finding=") == 3
    request = world["requests"]["requests 2.30.0"]
    detail = client.get(f"/requests/{request.id}", follow_redirects=True).get_data(as_text=True)
    assert 'data-testid="security-findings"' in detail and "PYSEC-2023-74" in detail
    unaffected = world["requests"]["requests 2.32.3"]
    detail = client.get(f"/requests/{unaffected.id}", follow_redirects=True).get_data(
        as_text=True)
    assert 'data-testid="security-findings"' not in detail


def test_the_office_triages_on_the_findings_page_and_keeps_what_it_typed(client, world):
    Api(client, world["office"]).post("/advisories", json=record("GHSA-67hx-6x53-jw92"))
    finding = next(x for x in db.session.query(Finding).all()
                   if x.component.version == "7.23.1")
    f.login(client, world["office"].username)
    refused = client.post(f"/advisories/findings/{finding.id}", data={
        "state": "false_positive", "justification": "", "not_affected_until": "2099-01-01"})
    assert refused.status_code == 422
    assert "Only a not-affected analysis takes an end date" in refused.get_data(as_text=True)
    saved = client.post(f"/advisories/findings/{finding.id}", data={
        "state": "exploitable", "justification": "We compile user-supplied code."},
        follow_redirects=True)
    assert "Analysis saved: Exploitable." in saved.get_data(as_text=True)
    client.post("/logout")
    f.login(client, world["engineer"].username)
    page = client.get(f"/advisories/findings/{finding.id}").get_data(as_text=True)
    assert "We compile user-supplied code." in page and "Save analysis" not in page
    assert client.post(f"/advisories/findings/{finding.id}",
                       data={"state": "resolved"}).status_code == 403


def test_the_product_page_flags_its_component_with_an_open_finding(client, world):
    from governance.advisories import services as advisories

    advisories.import_records(world["office"], [("t", record("GHSA-67hx-6x53-jw92"))])
    db.session.commit()
    product = world["requests"]["traverse 7.23.1"].product
    f.login(client, world["office"].username)
    page = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert 'data-testid="product-finding"' in page and "1 security finding" in page
    finding = db.session.query(Finding).filter_by(
        component_id=world["requests"]["traverse 7.23.1"].component_id).one()
    advisories.set_state(finding, world["office"], "false_positive",
                         justification="Never parses untrusted code.")
    db.session.commit()
    assert "security finding" not in client.get(f"/products/{product.id}").get_data(
        as_text=True)
