"""Fixtures shared by the scanning tests."""
from __future__ import annotations

import pytest

from tests.scanning.fakeregistry import FakeRegistry


@pytest.fixture
def fake_registry():
    """A local PyPI and npm registry (see fakeregistry.py), fresh for each test."""
    with FakeRegistry() as registry:
        yield registry
