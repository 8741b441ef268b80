"""Which requests a proposed policy would flip; verdicts kept with decisions stay as made."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from governance import policies
from governance.auth.roles import Role
from governance.database import db
from governance.license_review.policy_diff import diff_verdicts
from governance.licensing.policy import load_policy_text
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f
from tests.license_review.helpers import scanned_request


@pytest.fixture
def policy(app):
    return policies.loaded(app).license_policy


def _loosened(policy) -> str:
    """The current policy with Copyleft reviewed rather than denied when distributed."""
    text = Path(policy.path).read_text(encoding="utf-8")
    start = text.index("  Copyleft:")
    end = text.index("\n", text.index("}", start))
    changed = ("  Copyleft: {internal: allow, saas: review, distributed: review, "
               "distributed-modified: review}")
    return (text[:start] + changed + text[end:]).replace("version: 1", "version: 2", 1)


def test_the_diff_names_the_requests_whose_verdict_would_change(policy):
    gpl, _, _ = scanned_request("gpl-3.0", context="distributed")
    mit, _, _ = scanned_request("mit", context="distributed")
    team = f.team()
    draft = f.request_in(State.DRAFT, f.user(teams=[team]), team)
    candidate = load_policy_text(_loosened(policy), policy.contexts)
    result = diff_verdicts(policy, candidate)
    assert [(c.request.id, c.before.verdict, c.after.verdict, c.direction)
            for c in result.changes] == [(gpl.id, "deny", "review", "looser")]
    assert result.compared == 2 and result.unchanged == 1  # the draft is left out
    assert draft.id not in [c.request.id for c in result.changes] and mit.id


def test_the_same_policy_flips_nothing(policy):
    scanned_request("gpl-3.0", context="distributed")
    text = Path(policy.path).read_text(encoding="utf-8")
    result = diff_verdicts(policy, load_policy_text(text, policy.contexts))
    assert result.changes == [] and result.candidate.digest == policy.digest


def test_the_page_shows_the_flips_and_refuses_a_broken_policy_with_its_line(client, policy):
    gpl, _, office = scanned_request("gpl-3.0", context="distributed")
    f.login(client, office.username)
    page = client.get("/policies/diff").get_data(as_text=True)
    assert "categories:" in page  # the current policy, ready to edit
    # Browsers send CRLF line ends; the diff must read them as the file's.
    response = client.post("/policies/diff",
                           data={"candidate": _loosened(policy).replace("\n", "\r\n")})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 of 1 requests would change" in body
    assert f"#{gpl.id}" in body and "looser" in body
    broken = client.post("/policies/diff", data={"candidate": "version: 1\ncategories: [\n"})
    assert broken.status_code == 422 and "line" in broken.get_data(as_text=True)
    wrong = client.post("/policies/diff", data={"candidate": "version: 0\n"})
    assert wrong.status_code == 422 and "not valid" in wrong.get_data(as_text=True)


def test_engineers_cannot_use_the_diff_page(client):
    engineer = f.user(Role.ENGINEER)
    f.login(client, engineer.username)
    assert client.get("/policies/diff").status_code == 403


def test_the_cli_prints_the_flips_and_exits_1(runner, policy, tmp_path):
    gpl, _, _ = scanned_request("gpl-3.0", context="distributed")
    candidate = tmp_path / "proposed.yaml"
    candidate.write_text(_loosened(policy), encoding="utf-8")
    result = runner.invoke(args=["policies", "diff", str(candidate), "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["changes"][0]["request"] == gpl.id
    assert (data["changes"][0]["before"], data["changes"][0]["after"]) == ("deny", "review")
    same = runner.invoke(args=["policies", "diff", policy.path])
    assert same.exit_code == 0 and "0 of 1 requests would change" in same.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: one\n", encoding="utf-8")
    bad = runner.invoke(args=["policies", "diff", str(broken)])
    assert bad.exit_code == 3 and "broken.yaml" in bad.output


def test_a_decision_keeps_its_verdict_and_says_when_the_policy_changed_since(client, app,
                                                                             policy):
    item, _, office = scanned_request("gpl-3.0", context="distributed")
    workflow.transition(item, office, "reject", reason="Copyleft in a shipped product.")
    db.session.commit()
    f.login(client, office.username)
    page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    assert "Recorded with the decision" in page and "older license policy" not in page
    policies.loaded(app).license_policy = load_policy_text(
        _loosened(policy), policy.contexts)
    try:
        page = client.get(f"/adoption/{item.id}").get_data(as_text=True)
    finally:
        policies.loaded(app).license_policy = policy
    assert "DENY" in page  # the recorded verdict, not today's
    assert "older license policy (version 1" in page
    assert 'data-testid="current-verdict"' in page and "the license policy changed" in page
    assert 'data-testid="verdict-today">REVIEW<' in page
