"""Fixtures of the API tests: the people, and an API client per person with their own token."""
from __future__ import annotations

import pytest

from governance.auth.roles import Role
from tests import factories as f
from tests.api.helpers import Api


@pytest.fixture
def people():
    team = f.team("Payments")
    other_team = f.team("Data")
    return {
        "team": team,
        "other_team": other_team,
        "requester": f.user(Role.ENGINEER, teams=[team]),
        "teammate": f.user(Role.ENGINEER, teams=[team]),
        "outsider": f.user(Role.ENGINEER, teams=[other_team]),
        "office": f.user(Role.OSS_OFFICE),
        "office2": f.user(Role.OSS_OFFICE),
        # Someone from the OSS office who also belongs to a team and requests packages.
        "office_member": f.user(Role.OSS_OFFICE, teams=[team]),
        "compliance": f.user(Role.COMPLIANCE),
        "admin": f.user(Role.ADMIN),
    }


@pytest.fixture
def api(client, people):
    """api["requester"] etc.: an Api client per person, each with their own token."""
    cache = {}

    class Clients(dict):
        def __missing__(self, key):
            cache[key] = Api(client, people[key])
            return cache[key]

    return Clients()
