"""policies/maturity.yaml: the criteria, their validation, and the weighted score."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from governance.rules.loader import PolicyError
from governance.rules.maturity import load_maturity

SHIPPED = Path(__file__).resolve().parent.parent.parent / "policies" / "maturity.yaml"


def test_the_shipped_criteria_are_the_offices_four_plus_security():
    maturity = load_maturity(SHIPPED)
    assert [c.id for c in maturity.criteria] == ["users", "maintenance", "license",
                                                 "modification", "security"]
    assert all(sorted(c.scale) == [1, 2, 3, 4, 5] for c in maturity.criteria)
    assert len(maturity.digest) == 64


def test_the_weighted_score_and_the_recommendation():
    maturity = load_maturity(SHIPPED)
    # weights 3, 3, 2, 2, 2: (5x3 + 4x3 + 3x2 + 3x2 + 2x2) / 12 = 43 / 12
    scores = {"users": 5, "maintenance": 4, "license": 3, "modification": 3, "security": 2}
    assert maturity.weighted_score(scores) == 3.58
    assert maturity.recommends(scores) is True
    assert maturity.recommends({"users": 1, "maintenance": 2}) is False
    assert maturity.weighted_score({}) is None and maturity.recommends({}) is None


@pytest.mark.parametrize("old,new,reason", [
    ("threshold: 3.5", "threshold: 9", "'threshold' must be a number from 1 to 5"),
    ("    weight: 3\n", "    weight: -1\n", "'weight' must be a positive number"),
    ("      5: An industry standard", "      6: An industry standard", "what each of 1 to 5"),
    ("  - id: license\n", "  - id: users\n", "duplicate criterion id 'users'"),
])
def test_a_broken_file_names_its_line_and_reason(tmp_path, old, new, reason):
    broken = tmp_path / "maturity.yaml"
    shutil.copy(SHIPPED, broken)
    text = broken.read_text()
    assert old in text
    broken.write_text(text.replace(old, new, 1))
    with pytest.raises(PolicyError) as caught:
        load_maturity(broken)
    assert reason in caught.value.reason and caught.value.line
