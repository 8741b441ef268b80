"""policies/lifecycle.yaml: validated at start-up, naming the file and line of a mistake."""
from __future__ import annotations

from pathlib import Path

import pytest

from governance.rules.lifecycle import load_lifecycle_policy
from governance.rules.loader import PolicyError

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "lifecycle.yaml"
CONTEXTS = ["internal", "saas", "distributed", "distributed-modified"]


def load(path):
    return load_lifecycle_policy(path, contexts=CONTEXTS)


def test_the_shipped_file_updates_quarterly_and_fixes_shipped_code_within_a_week():
    policy = load(SHIPPED)
    shipped = policy.level_for("distributed-modified")
    assert (shipped.id, shipped.regular_update_months, shipped.security_fix_days) == (
        "shipped", 3, 7)
    assert policy.level_for("internal").security_fix_days == 30
    assert policy.level_for("saas").regular_update_months == 3
    assert policy.patch_review_months == 12


def test_a_context_the_file_does_not_know_is_treated_as_the_most_critical():
    assert load(SHIPPED).level_for("embedded-firmware").id == "shipped"


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text()
    assert old in text, old
    path = tmp_path / "lifecycle.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old, new, message", [
    ("security_fix_days: 7", "security_fix_days: 0", "'security_fix_days' must be a whole"),
    ("regular_update_months: 6", "regular_update_months: six", "'regular_update_months'"),
    ("contexts: [saas]", "contexts: [saas, mainframe]", "unknown usage context(s) mainframe"),
    ("contexts: [saas]", "contexts: [saas, internal]", "'internal' is in both"),
    ("contexts: [internal]", "contexts: []", "'contexts' must list usage contexts"),
    ("  - id: service", "  - id: Service!", "use a-z"),
    ("patch_review_months: 12", "patch_review_months: -1", "'patch_review_months'"),
])
def test_a_broken_file_is_refused_with_its_line(tmp_path, old, new, message):
    with pytest.raises(PolicyError) as caught:
        load(_with(tmp_path, old, new))
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "lifecycle.yaml"))


def test_a_context_left_out_is_refused(tmp_path):
    path = _with(tmp_path, "contexts: [saas]\n", "contexts: [saas]\n    # (none)\n")
    path.write_text(path.read_text().replace("contexts: [internal]", "contexts: [saas]"))
    with pytest.raises(PolicyError, match="'saas' is in both"):
        load(path)
    path.write_text(SHIPPED.read_text().replace(
        "    contexts: [internal]\n", "    contexts: [distributed]\n").replace(
        "contexts: [distributed, distributed-modified]", "contexts: [distributed-modified]"))
    with pytest.raises(PolicyError, match="internal have no criticality level"):
        load(path)
