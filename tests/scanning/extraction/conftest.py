"""Fixtures of the extraction tests: a sandbox per test, and no app (the pure core needs
neither the app nor the database)."""
from __future__ import annotations

import pytest

from tests.scanning.extraction.kit import Sandbox, make_sandbox


@pytest.fixture(autouse=True)
def _app_context():
    """Overrides the suite's app-and-database fixture."""
    yield


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    return make_sandbox(tmp_path)
