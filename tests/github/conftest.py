"""Fixtures of the GitHub request tests: people, a fake GitHub on loopback that holds every
call to GitHub's published description, and a way to run background tasks by hand."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from governance.auth.roles import Role
from governance.github_requests import services as github
from tests import factories as f
from tests.github.fake_github import FakeGitHub


@pytest.fixture
def people():
    team = f.team("Platform")
    return {"team": team, "engineer": f.user(Role.ENGINEER, teams=[team]),
            "teammate": f.user(Role.ENGINEER, teams=[team]),
            "outsider": f.user(Role.ENGINEER, teams=[f.team("Data")]),
            "office": f.user(Role.OSS_OFFICE)}


@pytest.fixture
def fake_github(app, monkeypatch):
    """The fake GitHub, and the app configured to call it with a token (not dry-run)."""
    with FakeGitHub() as fake:
        monkeypatch.setitem(app.config, "GITHUB_API_URL", fake.url)
        monkeypatch.setitem(app.config, "GITHUB_TOKEN", fake.token)
        yield fake
    assert fake.violations == [], fake.violations


def publication(team, **overrides) -> github.GitHubInput:
    values = dict(kind="publish_repository", team_id=team.id, org="example-corp",
                  repository="rate-limiter", description="A token bucket", license="MIT",
                  visibility="public", github_teams=[{"slug": "platform", "permission": "push"}],
                  maintainers=["alice-gh", "bob-gh"], security_contact="security@example.org",
                  contributor_terms="dco", team_wrote_all=True,
                  justification="Other teams and customers asked for it.")
    values.update(overrides)
    return github.GitHubInput(**values)


def collaborator(team, **overrides) -> github.GitHubInput:
    values = dict(kind="outside_collaborator", team_id=team.id, org="example-corp",
                  repository="rate-limiter", username="vendor-dev", permission="push",
                  access_expires_on=date.today() + timedelta(days=90),
                  justification="The vendor fixes the bucket's edge cases under contract.")
    values.update(overrides)
    return github.GitHubInput(**values)
