"""Loading policies/contexts.yaml and policies/questions.yaml, and refusing broken ones."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from governance.rules.loader import PolicyError
from governance.rules.request_rules import load_request_rules

POLICIES = Path(__file__).resolve().parent.parent.parent / "policies"


def test_the_shipped_policies_load():
    rules = load_request_rules(POLICIES)
    assert [c.id for c in rules.contexts] == ["internal", "saas", "distributed",
                                              "distributed-modified"]
    assert {q.type for q in rules.questions_for("adoption")} == {
        "paragraph", "yesno", "choice", "date"}
    assert rules.context_label("saas") == "SaaS service"
    assert rules.context_label("gone") == "gone"


@pytest.fixture
def policies(tmp_path):
    target = tmp_path / "policies"
    shutil.copytree(POLICIES, target)
    return target


def _break(policies, name, old, new):
    path = policies / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("name,old,new,reason", [
    ("contexts.yaml", "- id: saas", "- id: internal", "duplicate id 'internal'"),
    ("contexts.yaml", "- id: saas", "- id: SaaS!", "use lower-case letters"),
    ("contexts.yaml", "\nusage_contexts:", "\nusage_contexts: []\nold:", "non-empty list"),
    ("questions.yaml", "type: yesno", "type: maybe", "type must be one of"),
    ("questions.yaml", "required: true", "required: sometimes", "'required' is true or false"),
    ("questions.yaml", 'choices: ["No", "Yes, non-personal data", "Yes, personal data"]',
     "choices: []", "needs a list of 'choices'"),
    ("questions.yaml", "- id: maintainers", "- id: production-users", "duplicate question id"),
    ("questions.yaml", "\nrequest_kinds:", "\nrequest_kinds: [", "invalid YAML"),
    ("contexts.yaml", "\nlinking:", "\nlinking:\n  - id: x\n    label: X\n  - id: x\n",
     "duplicate"),
])
def test_broken_policies_name_file_line_and_reason(policies, name, old, new, reason):
    _break(policies, name, old, new)
    with pytest.raises(PolicyError) as caught:
        load_request_rules(policies)
    assert caught.value.path.endswith(name)
    assert reason in caught.value.reason
    assert caught.value.line is not None and caught.value.line > 0


def test_a_missing_file_is_named(policies):
    (policies / "questions.yaml").unlink()
    with pytest.raises(PolicyError, match="questions.yaml: file not found"):
        load_request_rules(policies)


def test_duplicate_yaml_keys_are_refused(policies):
    _break(policies, "contexts.yaml", "    label: SaaS service",
           "    label: SaaS service\n    label: Again")
    with pytest.raises(PolicyError, match="duplicate key 'label'"):
        load_request_rules(policies)
