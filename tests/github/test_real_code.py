"""The checks on real projects' code as their registries serve it (jszip from npm,
typing-extensions from PyPI): real layouts, real false-positive bait."""
from __future__ import annotations

from pathlib import Path

from governance.code_checks.run import Publication, check_code
from governance.policies import load
from governance.scanning.extraction import extract_safely
from tests.clearing.real_archives import real_archive

ROOT = Path(__file__).resolve().parents[2]


def checked(purl: str, tmp_path: Path):
    path, name = real_archive(purl)
    extracted = extract_safely(path, tmp_path / "work", original_name=name)
    return check_code(extracted.root, [], Publication("x", "MIT", name_taken=False),
                      load(ROOT / "policies").github)


def test_jszip_fails_only_for_the_encrypted_values_in_its_ci_configuration(tmp_path):
    items = checked("pkg:npm/jszip@3.10.1", tmp_path)
    secrets = [(i.path, i.line) for i in items if i.rule == "secrets.detected"
               and i.outcome == "fail"]
    # .travis.yml's `secure:` values are high-entropy strings in configuration; the base64
    # alphabet in lib/base64.js and the minified bundles are source code, not secrets.
    assert secrets == [(".travis.yml", 15), (".travis.yml", 16)]
    hygiene = {i.rule: i for i in items if i.rule.startswith("hygiene.")}
    assert hygiene["hygiene.license_file"].path == "LICENSE.markdown"
    assert hygiene["hygiene.readme"].path == "README.markdown"


def test_typing_extensions_has_no_secrets_and_no_vendored_code(tmp_path):
    items = checked("pkg:pypi/typing-extensions@4.15.0", tmp_path)
    outcomes = {i.rule: i.outcome for i in items}
    assert outcomes["secrets.detected"] == "pass" and outcomes["hygiene.vendored"] == "pass"
    assert outcomes["secrets.internal_host"] == "pass"
