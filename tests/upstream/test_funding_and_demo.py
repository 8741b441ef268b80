"""What the ledger feeds: the funding suggestions count each project's contributions and its
current community roles (one grouped query each, whatever the number of projects); and the
demo's ledger, whose 2019 and 2020 match the talk's slide."""
from __future__ import annotations

from datetime import date

from sqlalchemy import event

from governance import policies
from governance.database import db
from governance.funding import suggestions
from governance.states import State
from governance.upstream import reports, roles
from tests import factories as f
from tests.upstream.conftest import TODAY, contribution


def test_suggestions_count_contributions_and_current_roles_per_project(world):
    engineer, payments = world["engineer"], world["payments"]
    for n in range(3):
        contribution(engineer, payments, url=f"https://e.org/{n}")
    contribution(engineer, payments, url="https://e.org/other", project="pkg:npm/lodash")
    for role, until in (("maintainer", None), ("reviewer", date(2023, 1, 1))):
        roles.record(world["office"], roles.RoleInput(
            project="pkg:pypi/requests", role=role, since=date(2020, 1, 1), until=until,
            person_name="Kenji Sato", team_id=payments.id), today=TODAY)
    db.session.commit()
    ranked = {p.purl: p for p in suggestions.projects(policies.funding_policy())}
    assert ranked["pkg:pypi/requests"].signals["upstream_contributions"] == 3
    assert ranked["pkg:pypi/requests"].signals["community_roles"] == 1  # the ended one not


def test_the_ledgers_counts_are_read_in_one_query_each(world, rules):
    for n in range(4):
        f.request_in(State.APPROVED, world["engineer"], world["payments"], world["office"],
                     purl=f"pkg:pypi/package-x{n}@1.0.0")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if "upstream_contributions" in statement or "community_roles" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        suggestions.projects(policies.funding_policy())
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2


def test_the_demo_ledger_matches_the_talks_slide(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    years = reports.summary()["years"]
    assert years["2019"] == {"issues": 22, "prs": 38}
    assert years["2020"] == {"issues": 38, "prs": 57}
    assert set(years) >= {str(y) for y in range(2019, date.today().year)}
    assert reports.current_roles_by_project()["pkg:pypi/requests"] == 1
    ranked = {p.purl: p for p in suggestions.projects(policies.funding_policy())}
    assert ranked["pkg:pypi/requests"].signals["upstream_contributions"] > 0
