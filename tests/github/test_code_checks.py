"""The checks on code to publish, on extracted trees: every rule's outcome, and no secret in
any message."""
from __future__ import annotations

from pathlib import Path

import pytest

from governance.code_checks.checklist import CheckItem, failing, rule_items, with_waivers
from governance.code_checks.licenses import ScannedFile, check_licenses
from governance.code_checks.run import Publication, check_code
from governance.policies import load
from tests.github.repos import CLEAN_FILES, PLANTED_KEY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def policy():
    return load(ROOT / "policies").github


def tree(tmp_path: Path, files: dict[str, str | bytes], top: str = "tool-main") -> Path:
    for path, content in files.items():
        target = tmp_path / top / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    return tmp_path


CLEAN_SCAN = [ScannedFile("tool-main/LICENSE", "mit", ("Example Corp",)),
              ScannedFile("tool-main/src/bucket.py", "mit", ("Example Corp",)),
              ScannedFile("tool-main/README.md", "", ())]


def by_rule(items: list[CheckItem]) -> dict[str, list[CheckItem]]:
    grouped: dict[str, list[CheckItem]] = {}
    for item in items:
        grouped.setdefault(item.rule, []).append(item)
    return grouped


def test_a_clean_repository_passes_every_check(tmp_path, policy):
    items = check_code(tree(tmp_path, CLEAN_FILES), CLEAN_SCAN,
                       Publication("rate-limiter", "MIT", name_taken=False), policy)
    assert [i for i in items if i.outcome != "pass"] == []
    rules = {i.rule for i in items}
    assert {"license.outbound", "license.third_party", "secrets.detected",
            "secrets.internal_host", "hygiene.license_file", "hygiene.codeowners",
            "names.trademark", "names.taken"} <= rules


def test_a_planted_secret_fails_with_its_file_and_line_but_never_the_secret(tmp_path, policy):
    files = {**CLEAN_FILES, "src/settings.py": f'KEY = "{PLANTED_KEY}"\n'}
    items = check_code(tree(tmp_path, files), CLEAN_SCAN,
                       Publication("rate-limiter", "MIT", name_taken=False), policy)
    secrets = by_rule(items)["secrets.detected"]
    assert [(i.outcome, i.path, i.line) for i in secrets] == [("fail", "src/settings.py", 1)]
    assert "AWS Access Key" in secrets[0].message
    assert all(PLANTED_KEY not in i.message for i in items)


def test_internal_hosts_and_mail_addresses_fail(tmp_path, policy):
    files = {**CLEAN_FILES,
             "deploy.yaml": "url: https://ci.internal.example.com/hook\n"
                            "owner: jo@corp.example.com\ndocs: https://example.org/\n"}
    grouped = by_rule(check_code(tree(tmp_path, files), CLEAN_SCAN,
                                 Publication("rate-limiter", "MIT", name_taken=False), policy))
    assert [(i.outcome, i.path, i.line) for i in grouped["secrets.internal_host"]] == [
        ("fail", "deploy.yaml", 1)]
    assert [(i.outcome, i.line) for i in grouped["secrets.internal_email"]] == [("fail", 2)]


def test_hygiene_missing_files_binaries_and_vendored_packages(tmp_path, policy):
    files = {"README.md": "# tool\n", "src/a.py": "x = 1\n", "bin/tool.exe": b"MZ\0\0",
             "node_modules/left-pad/index.js": "module.exports = 1\n"}
    scanned = [ScannedFile(f"tool-main/{path}", "", ()) for path in files]
    grouped = by_rule(check_code(tree(tmp_path, files), scanned, Publication(
        "tool", "Apache-2.0", name_taken=False), policy))
    assert grouped["hygiene.license_file"][0].outcome == "fail"
    assert grouped["hygiene.readme"][0].outcome == "warn"  # no mention of the license
    assert grouped["hygiene.notice_file"][0].outcome == "fail"  # Apache-2.0 needs NOTICE
    assert [(i.outcome, i.path) for i in grouped["hygiene.binaries"]] == [
        ("warn", "bin/tool.exe")]
    assert [(i.outcome, i.path) for i in grouped["hygiene.vendored"]] == [
        ("fail", "node_modules")]
    assert grouped["license.no_notice"][0].path == "src/a.py"


def test_a_license_file_of_another_license_fails(tmp_path, policy):
    scanned = [ScannedFile("tool-main/LICENSE", "apache-2.0", ())]
    grouped = by_rule(check_code(tree(tmp_path, CLEAN_FILES), scanned,
                                 Publication("rate-limiter", "MIT", name_taken=False), policy))
    item = grouped["hygiene.license_file"][0]
    assert (item.outcome, item.path) == ("fail", "LICENSE")
    assert "Apache-2.0" in item.message


@pytest.mark.parametrize("expression, outbound, outcome", [
    ("gpl-3.0", "MIT", "fail"),
    ("gpl-3.0-plus", "GPL-3.0-or-later", "pass"),  # its own license
    ("gpl-2.0-plus", "GPL-3.0-or-later", "warn"),  # the office's own rule for GPL releases
    ("mpl-2.0", "MIT", "warn"),
    ("bsd-new", "MIT", "pass"),
    ("mit OR gpl-3.0", "MIT", "pass"),  # the team may take MIT
    ("mit AND gpl-3.0", "MIT", "fail"),
    ("apache-2.0", "Apache-2.0", "pass"),
])
def test_what_an_outbound_license_can_carry(policy, expression, outbound, outcome):
    items = check_licenses([ScannedFile("vendor/x.c", expression, ())], outbound, policy, True)
    third_party = [i for i in items if i.rule == "license.third_party"]
    assert third_party[0].outcome == outcome
    if outcome != "pass":
        assert third_party[0].path == "vendor/x.c"


def test_copyright_holders_other_than_the_company_are_listed(policy):
    items = check_licenses([ScannedFile("a.c", "mit", ("Example Corp.", "Jane Doe"))], "MIT",
                           policy, True)
    holders = [i for i in items if i.rule == "license.foreign_holder"]
    assert [(i.outcome, i.path) for i in holders] == [("warn", "a.c")]
    assert "Jane Doe" in holders[0].message and "Example Corp" not in holders[0].message


def test_trademarks_and_taken_names(tmp_path, policy):
    grouped = by_rule(check_code(tree(tmp_path, CLEAN_FILES), CLEAN_SCAN, Publication(
        "examplecorp-limiter", "MIT", package_names=("ExampleCorp-SDK",), name_taken=True),
        policy))
    assert [i.outcome for i in grouped["names.trademark"]] == ["fail", "fail"]
    assert grouped["names.taken"][0].outcome == "fail"


def test_a_name_not_asked_of_github_says_why(tmp_path, policy):
    grouped = by_rule(check_code(tree(tmp_path, CLEAN_FILES), CLEAN_SCAN, Publication(
        "rate-limiter", "MIT", name_unasked_reason="dry-run mode"), policy))
    assert grouped["names.taken"][0].outcome == "warn"
    assert "dry-run mode" in grouped["names.taken"][0].message


def test_a_repository_that_exists_by_design_is_not_asked_about(tmp_path, policy):
    grouped = by_rule(check_code(tree(tmp_path, CLEAN_FILES), CLEAN_SCAN, Publication(
        "rate-limiter", "MIT", ask_name=False), policy))
    assert "names.taken" not in grouped


def test_an_outbound_license_outside_the_allowed_list_needs_legal_review(tmp_path, policy):
    grouped = by_rule(check_code(tree(tmp_path, CLEAN_FILES), CLEAN_SCAN, Publication(
        "rate-limiter", "MPL-2.0", name_taken=False), policy))
    assert grouped["license.outbound"][0].outcome == "warn"


def test_many_findings_of_one_rule_are_capped_with_a_count():
    findings = [CheckItem("hygiene.binaries", "warn", "binary", f"b/{n}.so") for n in range(40)]
    items = rule_items("hygiene.binaries", findings, "none")
    assert len(items) == 26 and "15 more" in items[-1].message


def test_a_waiver_turns_exactly_its_item_into_waived():
    items = [CheckItem("secrets.detected", "fail", "key", "a.py", 1),
             CheckItem("secrets.detected", "fail", "key", "b.py", 2)]
    waived = with_waivers(items, {"secrets.detected:a.py": "a test fixture, revoked"})
    assert [i.outcome for i in waived] == ["waived", "fail"]
    assert "a test fixture" in waived[0].message
    assert failing(waived) == [items[1]]


def test_high_entropy_strings_fail_in_configuration_not_in_source_code(tmp_path, policy):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
    token = "c2VjcmV0LXRva2VuLWZvci10aGUtZGVwbG95LWJvdC0xMjM0NTY3ODkw"
    files = {**CLEAN_FILES, "src/codec.js": f'var _keyStr = "{alphabet}";\n',
             "deploy/values.yaml": f'deployToken: "{token}"\n'}
    secrets = by_rule(check_code(tree(tmp_path, files), CLEAN_SCAN,
                                 Publication("rate-limiter", "MIT", name_taken=False),
                                 policy))["secrets.detected"]
    assert [(i.path, i.line) for i in secrets] == [("deploy/values.yaml", 1)]
    assert token not in secrets[0].message
