"""Importing real OSV records against the inventory: exactly the approved versions they affect
get a finding (and no others), re-importing changes nothing, a modified or withdrawn record
resolves what it no longer affects, and the office triages with a justification and an end."""
from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest

from governance.advisories import reports, services
from governance.advisories.models import Advisory, Finding
from governance.advisories_core import osv
from governance.audit.models import AuditEvent
from governance.database import db
from governance.errors import NotAllowed, ValidationFailed
from tests.advisories.conftest import RECORDS, record


def _findings() -> dict[str, Finding]:
    return {f"{x.component.name} {x.component.version}": x
            for x in db.session.query(Finding).all()}


def test_an_import_opens_findings_on_exactly_the_affected_inventory_versions(world):
    result = services.import_records(world["office"], osv.read_records(RECORDS))
    db.session.commit()
    assert (result.read, result.new, result.updated, result.skipped) == (2, 2, 0, [])
    assert result.findings_opened == 3
    found = _findings()
    assert set(found) == {"requests 2.30.0", "traverse 7.23.1", "babel-traverse 6.26.0"}
    assert found["requests 2.30.0"].fixed == ["2.31.0"]
    assert found["traverse 7.23.1"].fixed == ["7.23.2"]
    assert all(x.state == "in_triage" for x in found.values())
    kept = db.session.query(Advisory).filter_by(osv_id="PYSEC-2023-74").one()
    assert kept.aliases == ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"]
    assert [r["type"] for r in kept.affected[0]["ranges"]] == ["GIT", "ECOSYSTEM"]
    babel = db.session.query(Advisory).filter_by(osv_id="GHSA-67hx-6x53-jw92").one()
    assert babel.severity_label == "CRITICAL"
    event = db.session.query(AuditEvent).filter_by(action="advisories_imported").one()
    assert event.after["new"] == 2 and event.after["findings_opened"] == 3


def test_the_affected_list_names_teams_products_and_requests(world):
    services.import_records(world["office"], osv.read_records(RECORDS))
    rows = {(r["purl"], r["advisory"]): r for r in
            (row.to_dict() for row in reports.affected())}
    traverse = rows[("pkg:npm/%40babel/traverse@7.23.1", "GHSA-67hx-6x53-jw92")]
    assert traverse["teams"] == ["Platform"] and traverse["products"] == ["Console"]
    assert traverse["aliases"] == ["CVE-2023-45133"] and traverse["state"] == "in_triage"
    assert traverse["requests"] == [world["requests"]["traverse 7.23.1"].id]
    requests_row = rows[("pkg:pypi/requests@2.30.0", "PYSEC-2023-74")]
    assert requests_row["version"] == "2.30.0" and requests_row["fixed"] == ["2.31.0"]


def test_the_same_records_again_change_nothing(world):
    services.import_records(world["office"], osv.read_records(RECORDS))
    again = services.import_records(world["office"], osv.read_records(RECORDS))
    assert (again.new, again.updated, again.unchanged, again.findings_opened) == (0, 0, 2, 0)
    assert db.session.query(Finding).count() == 3


def test_a_modified_record_updates_and_resolves_what_it_no_longer_affects(world):
    services.import_records(world["office"], osv.read_records(RECORDS))
    modified = copy.deepcopy(record("PYSEC-2023-74"))
    modified["modified"] = "2026-11-30T00:00:00Z"
    modified["affected"][0]["ranges"][1]["events"] = [{"introduced": "2.3.0"},
                                                      {"fixed": "2.30.0"}]
    modified["affected"][0]["versions"] = []
    result = services.import_records(world["office"], [("PYSEC-2023-74.json", modified)])
    assert (result.updated, result.findings_resolved) == (1, 1)
    finding = _findings()["requests 2.30.0"]
    assert finding.state == "resolved" and "no longer affects" in finding.justification
    withdrawn = copy.deepcopy(record("GHSA-67hx-6x53-jw92"))
    withdrawn.update(modified="2026-12-01T00:00:00Z", withdrawn="2026-12-01T00:00:00Z")
    services.import_records(world["office"], [("w.json", withdrawn)])
    assert {k for k, v in _findings().items() if v.state == "resolved"} == set(_findings())


def test_bad_records_are_skipped_with_their_reasons_and_the_rest_kept(world):
    good = record("PYSEC-2023-74")
    records = [("a.json", {"modified": "2026"}), ("b.json", osv.OsvError("not JSON (x)")),
               ("c.json", good), ("d.json", good)]
    result = services.import_records(world["office"], records)
    assert result.new == 1
    assert result.skipped == [("a.json", "id must be non-empty text"),
                              ("b.json", "not JSON (x)"),
                              ("d.json", "PYSEC-2023-74 appears twice in this import")]


def test_only_the_office_imports_and_triages(world):
    with pytest.raises(NotAllowed):
        services.import_records(world["engineer"], [])
    services.import_records(world["office"], osv.read_records(RECORDS))
    finding = _findings()["requests 2.30.0"]
    with pytest.raises(NotAllowed):
        services.set_state(finding, world["engineer"], "exploitable")


def test_not_affected_needs_a_reason_and_may_hold_until_a_day(world):
    services.import_records(world["office"], osv.read_records(RECORDS))
    finding = _findings()["requests 2.30.0"]
    with pytest.raises(ValidationFailed) as caught:
        services.set_state(finding, world["office"], "not_affected")
    assert "justification" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        services.set_state(finding, world["office"], "exploitable",
                           until=date.today() + timedelta(days=5))
    assert "not_affected_until" in caught.value.errors
    until = date.today() + timedelta(days=30)
    services.set_state(finding, world["office"], "not_affected",
                       justification="We never send requests through a proxy.", until=until)
    db.session.commit()
    assert (finding.state, finding.not_affected_until) == ("not_affected", until)
    assert services.lapse_not_affected(until) == []
    assert services.lapse_not_affected(until + timedelta(days=1)) == [finding]
    assert finding.state == "in_triage" and finding.updated_by is None


def test_a_version_approved_after_the_import_is_matched_at_once(world):
    from governance.states import State
    from tests import factories as f

    services.import_records(world["office"], osv.read_records(RECORDS))
    db.session.commit()
    team = world["requests"]["requests 2.30.0"].team
    later = f.request_in(State.APPROVED, world["engineer"], team, world["office"],
                         purl="pkg:pypi/requests@2.28.0")
    assert "requests 2.28.0" in _findings()
    assert _findings()["requests 2.28.0"].fixed == ["2.31.0"]
    assert later.state == State.APPROVED
