"""The rules page: the policy in readable form, and an expression tried against it."""
from __future__ import annotations

from governance.auth.roles import Role
from tests import factories as f


def test_the_rules_page_shows_categories_overrides_obligations_and_criteria(client):
    f.user(Role.ENGINEER, username="erin")
    f.login(client, "erin")
    page = client.get("/policies/").get_data(as_text=True)
    for text in ("Verdicts by license category", "Copyleft", "Overrides for single licenses",
                 "AGPL-3.0", "Obligations", "source offer", "Maturity criteria",
                 "Users and track record"):
        assert text in page, text


def test_an_expression_is_evaluated_with_its_explanation(client):
    f.user(Role.ENGINEER, username="erin")
    f.login(client, "erin")
    page = client.get("/policies/?expression=MIT+OR+GPL-3.0-or-later&context=distributed"
                      ).get_data(as_text=True)
    assert "ALLOW" in page and "relies on <code>MIT</code>" in page
    bad = client.get("/policies/?expression=MIT+OR&context=nowhere")
    assert bad.status_code == 200 and "cannot read" in bad.get_data(as_text=True)
