"""The upstream ledger's demo data for `flask demo load`: eight years of issues and pull
requests against packages of the demo inventory, imported as the office would import a CSV
(2019: 22 issues and 38 pull requests, 2020: 38 and 57, as on the talk's slide), a few entered
one by one from a component, and some community roles.

The addresses are on github.example.org, never github.com: demo data must not attribute
real people's issues to the demo's teams."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import select

from governance.components.models import Component
from governance.database import db
from governance.upstream import roles, services

# Issues and pull requests opened per year.
YEARS = {2019: (22, 38), 2020: (38, 57), 2021: (41, 63), 2022: (36, 71), 2023: (45, 79),
         2024: (40, 86), 2025: (48, 92), 2026: (27, 49)}
# The demo inventory's packages, the repository their project lives in, the team using it.
PROJECTS = [
    ("pkg:pypi/requests", "psf/requests", "Payments"),
    ("pkg:npm/lodash", "lodash/lodash", "Platform"),
    ("pkg:pypi/celery", "celery/celery", "Payments"),
    ("pkg:npm/express", "expressjs/express", "Data"),
    ("pkg:pypi/six", "benjaminp/six", "Data"),
    ("pkg:npm/is-number", "jonschlinkert/is-number", "Platform"),
    ("pkg:pypi/typing-extensions", "python/typing_extensions", "Data"),
    ("pkg:cargo/serde", "serde-rs/serde", "Data"),
    ("pkg:maven/org.apache.commons/commons-lang3", "apache/commons-lang", "Platform"),
]
ISSUES = ("Timeout ignored behind a proxy", "Docs: retry example out of date",
          "Memory grows with long-lived connections", "Crash on an empty configuration file",
          "Type hints missing for the public API", "Regression after the last minor release")
PRS = ("Fix proxy authentication on redirect", "Add type hints to the public API",
       "Document the retry settings", "Handle an empty configuration file",
       "Speed up the hot path by caching the parser", "Test on the newest runtime")
HOST = "https://github.example.org"


def _rows(today: date):
    """(url, project, team, kind, state, opened_on, closed_on, title) for every demo year up
    to today, spread over each year, deterministic."""
    number = 1000
    for year, (issues, prs) in YEARS.items():
        last = min(date(year, 12, 31), today - timedelta(days=1))
        if last < date(year, 1, 1):
            continue
        span = (last - date(year, 1, 1)).days + 1
        for kind, count, titles in (("issue", issues, ISSUES), ("pr", prs, PRS)):
            for k in range(count):
                number += 1
                project, repo, team = PROJECTS[(k * 5 + year) % len(PROJECTS)]
                opened = date(year, 1, 1) + timedelta(days=(k * 53 + year) % span)
                closed = min(opened + timedelta(days=3 + (k * 11) % 60), today)
                state = ("open" if k % 7 == 0 else "closed") if kind == "issue" else \
                    ("open" if k % 9 == 0 else "closed" if k % 6 == 0 else "merged")
                path = "issues" if kind == "issue" else "pull"
                yield (f"{HOST}/{repo}/{path}/{number}", project, team, kind, state,
                       opened.isoformat(), "" if state == "open" else closed.isoformat(),
                       f"{titles[k % len(titles)]} ({repo.split('/')[1]})")


def ledger_csv(today: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("url", "project", "team", "kind", "state", "opened_on", "closed_on",
                     "title"))
    writer.writerows(_rows(today))
    return out.getvalue()


def _component(type_: str, name: str) -> Component | None:
    return db.session.scalar(select(Component).where(Component.type == type_,
                                                     Component.name == name).limit(1))


def load_demo(users: dict, teams: dict) -> None:
    today = date.today()
    alice, bob, olivia = users["alice"], users["bob"], users["olivia"]
    services.import_csv(olivia, ledger_csv(today), today=today)
    # Entered one by one by the teams, from a component of the inventory, this month.
    requests, lodash = _component("pypi", "requests"), _component("npm", "lodash")
    recent = max(date(today.year, today.month, 1), today - timedelta(days=3))
    if requests is not None:
        services.record(alice, services.ContributionInput(
            url=f"{HOST}/psf/requests/pull/7001", team_id=teams["Payments"].id, kind="pr",
            component_id=requests.id, title="Keep the proxy's Authorization on redirect",
            opened_on=recent), today=today)
    if lodash is not None:
        services.record(alice, services.ContributionInput(
            url=f"{HOST}/lodash/lodash/issues/7002", team_id=teams["Platform"].id,
            kind="issue", component_id=lodash.id, title="merge() is slow on deep objects",
            opened_on=recent), today=today)
    for person, name, project, role, since, until, team in (
            (alice, "", "pkg:pypi/requests", "reviewer", date(2021, 3, 1), None, "Payments"),
            (None, "Kenji Sato", "pkg:pypi/celery", "maintainer", date(2020, 6, 15), None,
             "Payments"),
            (bob, "", "pkg:cargo/serde", "committer", date(2022, 9, 1), None, "Data"),
            (None, "Mei Lin", "pkg:npm/lodash", "member", date(2019, 11, 1),
             date(2023, 5, 31), "Platform"),
            (alice, "", "pkg:npm/is-number", "maintainer", date(2024, 2, 1), None,
             "Platform")):
        roles.record(olivia, roles.RoleInput(
            project=project, role=role, since=since, until=until,
            person_id=person.id if person else None, person_name=name,
            team_id=teams[team].id), today=today)
