"""A request's license verdict for its usage context, from its latest scan."""
from __future__ import annotations

import pytest

from governance import policies
from governance.auth.roles import Role
from governance.database import db
from governance.license_review.verdicts import verdict_for
from governance.scans.models import Scan, ScanState
from governance.states import State
from tests import factories as f


@pytest.fixture
def policy(app):
    return policies.loaded(app).license_policy


def _request_with_scan(context, declared, detected, state=ScanState.SUCCEEDED):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    item = f.request_in(State.SUBMITTED, engineer, team, usage_context=context)
    db.session.add(Scan(request=item, state=state, summary={
        "declared_license_expression": declared,
        "detected": [{"license_expression": e, "license_expression_spdx": s, "files": n}
                     for e, s, n in detected]}))
    db.session.commit()
    return item


def test_the_declared_license_is_judged_for_the_requests_context(policy):
    item = _request_with_scan("distributed", "gpl-2.0-plus",
                              [("gpl-2.0-plus", "GPL-2.0-or-later", 12), ("mit", "MIT", 2)])
    verdict = verdict_for(item, policy)
    assert verdict.basis == "declared" and verdict.verdict == "deny"
    assert verdict.evaluation["expression_spdx"] == "GPL-2.0-or-later"
    assert {d.expression_spdx: d.evaluation["verdict"] for d in verdict.detected} == {
        "GPL-2.0-or-later": "deny", "MIT": "allow"}
    assert verdict.worst_detected == "deny"


def test_an_or_relies_on_the_best_choice_and_says_so(policy):
    item = _request_with_scan("distributed", "mit OR gpl-3.0-plus", [])
    verdict = verdict_for(item, policy)
    assert verdict.verdict == "allow" and verdict.evaluation["chosen"] == "MIT"


def test_no_scan_or_no_declared_license_gives_no_verdict(policy):
    team = f.team()
    engineer = f.user(Role.ENGINEER, teams=[team])
    unscanned = f.request_in(State.SUBMITTED, engineer, team)
    assert verdict_for(unscanned, policy).basis == "none"
    assert verdict_for(unscanned, policy).verdict is None
    undeclared = _request_with_scan("saas", None, [("mit", "MIT", 3)])
    result = verdict_for(undeclared, policy)
    assert result.basis == "none" and result.scan_id and result.detected[0].evaluation["verdict"] \
        == "allow"


def test_a_failed_scan_is_not_used(policy):
    item = _request_with_scan("saas", "agpl-3.0", [], state=ScanState.FAILED)
    assert verdict_for(item, policy).basis == "none"
