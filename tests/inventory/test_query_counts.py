"""The inventory, the request lists and the list API run a fixed number of SQL statements,
whatever the number of packages, teams, products and scans behind them."""
from __future__ import annotations

import pytest

from governance.auth import services as auth
from governance.auth.roles import Role
from governance.database import db
from governance.inventory import services as inventory
from governance.states import State
from tests import factories as f
from tests.inventory.conftest import approved
from tests.sql_counter import statements

PAGES = ["/inventory/", "/inventory/?view=licenses", "/inventory/?view=products",
         "/adoption/", "/adoption/?scope=team&sort=name", "/queue"]
API = ["/api/v1/requests?per_page=100"]


def _grow(world, rules, n: int, start: int) -> None:
    """n more teams, each with a product and an approved, scanned package in it, and one
    request in review."""
    for i in range(start, start + n):
        team = f.team(f"Team {i}")
        engineer = f.user(Role.ENGINEER, teams=[team])
        product = inventory.save_product(None, None, name=f"Product {i}", team_id=team.id,
                                         usage_context="distributed", description="",
                                         rules=rules)
        approved(engineer, world["office"], team, f"pkg:npm/package-{i}@1.0.{i}",
                 "mit" if i % 2 else "apache-2.0", product=product, sha256=f"{i:064x}")
        f.request_in(State.IN_REVIEW, engineer, team, world["office"],
                     purl=f"pkg:pypi/candidate-{i}@2.{i}")


def _counts(client, token: str) -> dict[str, int]:
    result = {}
    for page in PAGES + API:
        with statements() as seen:
            response = client.get(page, headers={"Authorization": f"Bearer {token}"}
                                  if page in API else {})
        assert response.status_code == 200, page
        result[page] = len(seen)
    return result


@pytest.mark.parametrize("who", ["olivia"])
def test_pages_run_the_same_statements_for_3_and_for_30_packages(client, world, rules, who):
    _grow(world, rules, 3, 0)
    f.login(client, who)
    _, token = auth.create_token(world["office"], "counting")
    db.session.commit()
    client.get("/")  # the process's first request stores missing verdicts once
    small = _counts(client, token)
    _grow(world, rules, 27, 3)
    large = _counts(client, token)
    assert large == small, {p: (small[p], large[p]) for p in small if large[p] != small[p]}
    assert max(large.values()) <= 30, large
