"""Stored license verdicts: computed once per scan, usage context and policy digest, when a
scan succeeds, when a context changes or when the policy changes; then only read."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from governance import policies
from governance.adoption import services as adoption
from governance.auth.roles import Role
from governance.database import db
from governance.license_review import verdicts
from governance.license_review.models import LicenseVerdict
from governance.scanning.scancode_adapter import options_digest, scancode_version
from governance.scanning.summary import SUMMARY_VERSION
from governance.scans import services as scans
from governance.scans.models import Archive, Scan, ScanState
from governance.states import State
from tests import factories as f
from tests.license_review.helpers import scanned_request


@pytest.fixture
def policy(app):
    return policies.loaded(app).license_policy


def _rows(**where) -> list[LicenseVerdict]:
    query = select(LicenseVerdict)
    for name, value in where.items():
        query = query.where(getattr(LicenseVerdict, name) == value)
    return list(db.session.scalars(query))


def test_a_succeeded_scan_stores_its_verdict_with_it(app, policy, tmp_path):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    item = f.request_in(State.SUBMITTED, engineer, team, usage_context="distributed")
    # An identical archive scanned before: run_scan reuses it and succeeds without scancode.
    archive = Archive(sha256="b" * 64, size=1, filename="pkg.tar.gz")
    db.session.add_all([archive, Scan(archive=archive, state=ScanState.SUCCEEDED,
                                      scancode_version=scancode_version(),
                                      options_digest=options_digest(),
                                      summary={"summary_version": SUMMARY_VERSION,
                                               "declared_license_expression": "gpl-3.0",
                                               "detected": []})])
    queued = Scan(request=item, archive=archive)
    db.session.add(queued)
    db.session.commit()
    scans.run_scan(queued.id, scans.ScanConfig.from_mapping(app.config), pool=None)
    [row] = _rows(scan_id=queued.id)
    assert (row.context, row.policy_digest, row.evaluation["verdict"]) == (
        "distributed", policy.digest, "deny")


def test_pages_and_services_read_the_stored_row_rather_than_judge_again(policy):
    item, _, _ = scanned_request("mit")
    scan = scans.latest_finished_scan(item)
    row = verdicts.store(scan, item.usage_context, policy)
    # Were the verdict judged again on reading, this marker would be gone.
    row.evaluation = dict(row.evaluation, verdict="review", marker="stored")
    db.session.commit()
    read = verdicts.verdict_for(item, policy)
    assert read.verdict == "review" and read.evaluation["marker"] == "stored"


def test_a_missing_row_is_judged_for_the_read_and_not_stored_by_it(policy):
    item, _, _ = scanned_request("gpl-3.0")
    assert verdicts.verdict_for(item, policy).verdict == "deny"
    assert _rows() == []


def test_a_new_policy_computes_exactly_the_rows_it_lacks(policy):
    first, _, _ = scanned_request("mit")
    second, _, _ = scanned_request("gpl-3.0", context="internal")
    team = f.team()
    unscanned = f.request_in(State.SUBMITTED, f.user(Role.ENGINEER, teams=[team]), team)
    assert verdicts.refresh(policy) == 2
    assert verdicts.refresh(policy) == 0  # nothing lacks a row now
    stored_at = {r.scan_id: r.computed_at for r in _rows()}
    changed = dataclasses.replace(policy, digest="0" * 64)
    assert verdicts.refresh(changed) == 2
    assert {r.scan_id for r in _rows(policy_digest="0" * 64)} == set(stored_at)
    # The rows of the first policy are kept as they were (decisions name their digest).
    assert {r.scan_id: r.computed_at for r in _rows(policy_digest=policy.digest)} == stored_at
    assert verdicts.verdict_for(unscanned, policy).basis == "none"
    assert first.id != second.id


def test_a_changed_usage_context_stores_the_verdict_for_the_new_one(policy, rules):
    item, engineer, _ = scanned_request("gpl-3.0", context="internal", state=State.SUBMITTED)
    verdicts.store_for(item, policy)
    data = adoption.AdoptionInput(
        team_id=item.team_id, usage_context="distributed", linking=item.linking,
        purl=item.component.purl, justification=item.justification,
        answers={a["id"]: a.get("value") for a in item.answers})
    adoption.update(item, engineer, data, rules, expected_version=item.version)
    db.session.commit()
    contexts = {r.context: r.evaluation["verdict"] for r in _rows()}
    assert contexts == {"internal": "allow", "distributed": "deny"}


def test_the_first_request_after_start_up_stores_what_the_policy_lacks(app, client, policy):
    scanned_request("mit")
    app.extensions["governance.verdicts_refreshed"].discard(policy.digest)
    client.get("/login")
    assert db.session.scalar(select(func.count(LicenseVerdict.id))) == 1
    client.get("/login")  # and not again per page view
    assert db.session.scalar(select(func.count(LicenseVerdict.id))) == 1


def test_flask_verdicts_refresh_stores_what_the_policy_lacks(flask_cli, policy):
    scanned_request("mit")
    scanned_request("gpl-3.0")
    first = flask_cli("verdicts", "refresh")
    assert first.returncode == 0, first.stderr
    assert f"Stored 2 license verdict(s) for policy version {policy.version}" in first.stdout
    assert len(_rows(policy_digest=policy.digest)) == 2
    again = flask_cli("verdicts", "refresh")
    assert "Stored 0 license verdict(s)" in again.stdout
