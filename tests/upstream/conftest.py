"""The upstream tests' world: two teams with an engineer each, the office, compliance and an
administrator, and one approved package version (requests, Payments') to enter work from."""
from __future__ import annotations

from datetime import date

import pytest

from governance.auth.roles import Role
from governance.database import db
from governance.states import State
from governance.upstream import services
from tests import factories as f

TODAY = date(2026, 12, 7)
HEADER = "url,project,team,kind,state,opened_on,closed_on,title"


@pytest.fixture
def world(rules):
    payments, platform = f.team("Payments"), f.team("Platform")
    office = f.user(Role.OSS_OFFICE)
    engineer = f.user(Role.ENGINEER, teams=[payments])
    other = f.user(Role.ENGINEER, teams=[platform])
    approved = f.request_in(State.APPROVED, engineer, payments, office,
                            purl="pkg:pypi/requests@2.32.3")
    world = {"payments": payments, "platform": platform, "office": office,
             "engineer": engineer, "other": other, "admin": f.user(Role.ADMIN),
             "compliance": f.user(Role.COMPLIANCE), "request": approved,
             "component": approved.component}
    db.session.commit()
    return world


def contribution(actor, team, url="https://github.com/psf/requests/pull/1", **values):
    """A contribution recorded through the service (a merged pull request unless told)."""
    data = dict(url=url, team_id=team.id, kind="pr", state="merged",
                project="pkg:pypi/requests", opened_on=date(2024, 5, 2),
                closed_on=date(2024, 5, 20))
    data.update(values)
    item = services.record(actor, services.ContributionInput(**data), today=TODAY)
    db.session.commit()
    return item
