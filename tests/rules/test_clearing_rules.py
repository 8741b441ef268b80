"""policies/clearing.yaml: validated at start-up, naming the file and line of a mistake."""
from __future__ import annotations

from pathlib import Path

import pytest

from governance.rules.clearing import load_clearing
from governance.rules.loader import PolicyError

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "clearing.yaml"
KINDS = ["adoption"]
CONTEXTS = ["internal", "saas", "distributed", "distributed-modified"]


def test_the_shipped_file_has_the_issues_reason_codes_and_reviews_shipping():
    rules = load_clearing(SHIPPED, KINDS, CONTEXTS)
    assert {"license-history-text", "dual-license-choice", "detection-false-positive",
            "vendored-third-party"} <= {r.id for r in rules.reason_codes}
    assert rules.needs_maturity_review("adoption", "distributed")
    assert rules.needs_maturity_review("adoption", "distributed-modified")
    assert not rules.needs_maturity_review("adoption", "internal")
    assert not rules.needs_maturity_review("funding", "distributed")  # a kind not listed


@pytest.mark.parametrize("text,line,reason", [
    ("reason_codes: []\n", 1, "non-empty list"),
    ("reason_codes:\n  - id: Bad Code\n    label: x\n", 2, "use a-z"),
    ("reason_codes:\n  - id: a\n    label: x\n  - id: a\n    label: y\n", 4, "listed twice"),
    ("reason_codes:\n  - id: a\n", 2, "'label' is required"),
    ("reason_codes:\n  - id: a\n    label: x\nmaturity_review_required:\n  travel: [internal]\n",
     5, "unknown request kind 'travel'"),
    ("reason_codes:\n  - id: a\n    label: x\nmaturity_review_required:\n  adoption: [shipped]\n",
     5, "unknown usage context 'shipped'"),
])
def test_a_broken_file_names_its_line(tmp_path, text, line, reason):
    path = tmp_path / "clearing.yaml"
    path.write_text(text)
    with pytest.raises(PolicyError, match=reason) as caught:
        load_clearing(path, KINDS, CONTEXTS)
    assert caught.value.line == line
