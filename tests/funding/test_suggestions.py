"""Suggestions from the company's own usage: the projects of the approved inventory scored by
the signals of policies/funding.yaml, the company's own projects left out, an amount allocated
across the top N; over the API and `flask funding suggest` in a fresh process."""
from __future__ import annotations

import json

from governance import policies
from governance.funding import suggestions
from tests import factories as f
from tests.api.helpers import Api, assert_error


def test_projects_are_ranked_by_how_much_we_depend_on_them(inventory_world):
    ranked = suggestions.projects(policies.funding_policy())
    assert [p.purl for p in ranked] == ["pkg:npm/lodash", "pkg:pypi/requests"]
    lodash = ranked[0]
    assert lodash.signals["teams"] == 3 and lodash.signals["products"] == 1
    assert lodash.signals["approved_versions"] == 2
    assert lodash.signals["usage_contexts"] == 1 + 3 + 2  # internal, distributed, saas
    assert lodash.signals["no_security_policy"] == 1 and lodash.signals["few_maintainers"] == 1
    assert lodash.signals["low_activity"] == 0
    assert 0 < ranked[1].score < lodash.score <= 1


def test_an_amount_is_allocated_across_the_top_n(inventory_world):
    policy = policies.funding_policy()
    chosen = suggestions.suggest(policy, 5000, top=5)
    assert [p.purl for p in chosen] == ["pkg:npm/lodash", "pkg:pypi/requests"]
    assert sum(p.amount for p in chosen) <= 5000
    assert chosen[0].amount > chosen[1].amount >= policy.allocation_minimum
    assert [p.purl for p in suggestions.suggest(policy, 5000, top=1)] == ["pkg:npm/lodash"]
    assert suggestions.suggest(policy, 5000, top=1)[0].amount == 5000


def test_the_api_answers_the_office_and_refuses_engineers(client, inventory_world):
    office, engineer = Api(client, inventory_world["office"]), Api(client,
                                                                   inventory_world["engineer"])
    answer = office.get("/funding/suggestions", query_string={"amount": 5000, "top": 5,
                                                              "year": 2026})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["currency"] == "USD" and body["year"] == 2026
    first = body["suggestions"][0]
    assert set(first) == {"project", "purl", "score", "amount", "signals"}
    assert first["project"] == "lodash" and first["signals"]["teams"] == 3
    assert_error(engineer.get("/funding/suggestions", query_string={"amount": 5}), 403)
    assert_error(office.get("/funding/suggestions"), 422, "amount")
    assert_error(office.get("/funding/suggestions", query_string={"amount": -1}), 422)


def test_flask_funding_suggest_in_a_fresh_process(inventory_world, flask_cli):
    result = flask_cli("funding", "suggest", "--year", "2026", "--amount", "5000", "--top", "5",
                       "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["purl"] for r in rows] == ["pkg:npm/lodash", "pkg:pypi/requests"]
    assert rows[0]["score"] >= rows[1]["score"] and sum(r["amount"] for r in rows) <= 5000
    text = flask_cli("funding", "suggest", "--amount", "5000")
    assert text.returncode == 0 and "lodash" in text.stdout and "USD" in text.stdout
    refused = flask_cli("funding", "suggest", "--amount", "-5")
    assert refused.returncode != 0


def test_the_suggestions_page_shows_scores_signals_and_amounts(app, inventory_world):
    client = app.test_client()
    f.login(client, inventory_world["office"].username)
    page = client.get("/funding/suggestions?amount=5000&top=5")
    assert page.status_code == 200
    assert "lodash" in page.text and "Teams using it: 3" in page.text
    assert "example-corp/ui" not in page.text  # the company's own library
    bad = client.get("/funding/suggestions?amount=lots")
    assert bad.status_code == 200 and "a whole number" in bad.text
    engineer = app.test_client()
    f.login(engineer, inventory_world["engineer"].username)
    assert engineer.get("/funding/suggestions").status_code == 403
