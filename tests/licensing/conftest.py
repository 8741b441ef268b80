"""The default policy as the app loaded it, and broken copies of it in tmp_path."""
from __future__ import annotations

from pathlib import Path

import pytest

from governance import policies

POLICY_FILE = Path(__file__).resolve().parents[2] / "policies" / "license-policy.yaml"
CONTEXTS = ("internal", "saas", "distributed", "distributed-modified")


@pytest.fixture
def policy(app):
    return policies.loaded(app).license_policy


@pytest.fixture
def policy_copy(tmp_path):
    """policy_copy(old, new): the default policy with `old` replaced by `new` once."""

    def make(old: str = "", new: str = "") -> Path:
        text = POLICY_FILE.read_text(encoding="utf-8")
        assert old in text, f"the default policy no longer holds {old!r}"
        path = tmp_path / "license-policy.yaml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return make
