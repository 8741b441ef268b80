"""policies/github.yaml: validated at start-up, naming the file and line of a mistake."""
from __future__ import annotations

from pathlib import Path

import pytest

from governance.licensing.expressions import categories
from governance.policies import _is_spdx_id
from governance.rules.github import load_github_policy
from governance.rules.loader import PolicyError

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "github.yaml"


def load(path):
    return load_github_policy(path, categories(), _is_spdx_id)


def test_the_shipped_file_governs_example_corp():
    policy = load(SHIPPED)
    assert policy.orgs == ("example-corp",)
    assert policy.governs("Example-Corp") and not policy.governs("someone-else")
    assert not policy.needs_legal_review("MIT") and not policy.needs_legal_review("apache-2.0")
    assert policy.needs_legal_review("GPL-3.0-only")
    assert policy.internal_host("build.corp.example.com")
    assert not policy.internal_host("example.com.evil.org")
    assert policy.is_company_holder("Example Corp.") and not policy.is_company_holder("Jane")
    assert policy.trademark_in("my-ExampleCorp-tool") == "examplecorp"
    assert policy.fast_path is True and policy.collaborator_max_days == 365


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text()
    assert old in text
    path = tmp_path / "github.yaml"
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize("old,new,reason", [
    ("orgs: [example-corp]", "orgs: []", "at least one"),
    ("orgs: [example-corp]", "orgs: [not an org!]", "GitHub organization login"),
    ("allowed_licenses: [MIT,", "allowed_licenses: [Not-A-License,", "not an SPDX license id"),
    ("    Copyleft: fail\n", "", "no outcome for the category 'Copyleft'"),
    ("    Copyleft: fail\n", "    Copyleft: maybe\n", "'maybe' is not one of"),
    ("    Copyleft: fail\n", "    Copyleft: fail\n    Sorta Free: pass\n", "unknown 'Sorta Free'"),
    ("  GPL-3.0-only:\n", "  GPL-9.9:\n", "not an SPDX license id"),
    ("  license_file: fail", "  license_file: pass", "'pass' is not one of warn, fail"),
    ("  readme: warn", "  readme_typo: warn", "unknown 'readme_typo'"),
    ("fast_path: true", "fast_path: sometimes", "true or false"),
    ("collaborator_max_days: 365", "collaborator_max_days: 0", "from 1 to 3650"),
    ("email_domains: [corp.example.com", "email_domains: [not a domain", "not a domain name"),
])
def test_a_broken_file_names_its_file_line_and_reason(tmp_path, old, new, reason):
    with pytest.raises(PolicyError) as caught:
        load(_with(tmp_path, old, new))
    assert reason in caught.value.reason
    assert str(caught.value).startswith(str(tmp_path / "github.yaml"))
    assert caught.value.line is not None


def test_the_app_refuses_to_start_with_a_broken_github_policy(tmp_path):
    from governance import create_app

    policies_dir = tmp_path / "policies"
    policies_dir.mkdir()
    for shipped in SHIPPED.parent.glob("*.yaml"):
        (policies_dir / shipped.name).write_text(shipped.read_text())
    (policies_dir / "github.yaml").write_text("orgs: 3\n")
    with pytest.raises(PolicyError, match="github.yaml"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"),
                    "POLICIES_DIR": str(policies_dir), "SECRET_KEY": "x",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
