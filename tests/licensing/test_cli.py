"""`flask policies check [PATH]` and `flask policies eval`: output and exit codes."""
from __future__ import annotations

import json

import pytest

from tests.licensing.conftest import POLICY_FILE


def _eval(runner, *args):
    return runner.invoke(args=["policies", "eval", *args])


@pytest.mark.parametrize(("expression", "context", "code", "first_line"), [
    ("MIT", "internal", 0, "ALLOW: MIT for internal"),
    ("MIT OR GPL-3.0-or-later", "distributed", 0, "ALLOW: MIT OR GPL-3.0-or-later for distributed"),
    ("LicenseRef-made-up", "internal", 1, "REVIEW: LicenseRef-made-up for internal"),
    ("LGPL-2.1-or-later", "distributed", 1, "REVIEW: LGPL-2.1-or-later for distributed"),
    ("AGPL-3.0-only", "saas", 2, "DENY: AGPL-3.0-only for saas"),
    ("GPL-2.0-or-later", "distributed", 2, "DENY: GPL-2.0-or-later for distributed"),
])
def test_eval_exit_code_is_the_verdict(runner, expression, context, code, first_line):
    result = _eval(runner, expression, "--context", context)
    assert result.exit_code == code, result.output
    assert result.stdout.splitlines()[0] == first_line


def test_eval_explains_each_license_and_the_choice_made(runner):
    result = _eval(runner, "MIT OR GPL-3.0-or-later", "--context", "distributed")
    assert "chose MIT (allow) from MIT OR GPL-3.0-or-later" in result.stdout
    assert "category Copyleft is deny for distributed  [not relied on]" in result.stdout
    assert "attribution: MIT" in result.stdout


@pytest.mark.parametrize("expression", ["MIT OR", "()", "( and X Y", "MIT/Apache-2.0", ""])
def test_eval_of_a_bad_expression_exits_3_with_the_reason_on_stderr(runner, expression):
    result = _eval(runner, expression, "--context", "internal")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_eval_in_an_unknown_context_exits_3(runner):
    result = _eval(runner, "MIT", "--context", "moon")
    assert result.exit_code == 3
    assert "unknown usage context 'moon'" in result.stderr


def test_eval_without_a_context_exits_3_not_2_which_means_deny(runner):
    result = _eval(runner, "MIT")
    assert result.exit_code == 3
    assert "--context" in result.stderr


def test_eval_json_prints_the_whole_evaluation(runner):
    result = _eval(runner, "MPL-2.0 OR Apache-2.0", "--context", "distributed", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["verdict"] == "allow" and data["context"] == "distributed"
    assert data["chosen"] == "Apache-2.0"
    assert data["expression"] == "mpl-2.0 OR apache-2.0"
    assert {item["spdx"]: item["verdict"] for item in data["licenses"]} == {
        "MPL-2.0": "review", "Apache-2.0": "allow"}
    assert "notice-file" in [o["id"] for o in data["obligations"]]
    assert len(data["policy_digest"]) == 64


def test_eval_json_of_bad_input_is_an_error_object_and_exit_3(runner):
    result = _eval(runner, "MIT OR", "--context", "internal", "--json")
    assert result.exit_code == 3
    assert json.loads(result.stdout)["error"].startswith("cannot read 'MIT OR'")


def test_check_validates_the_apps_policy(runner):
    result = runner.invoke(args=["policies", "check"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{POLICY_FILE}: valid, version 1, 11 categories x 4")


def test_check_of_a_broken_file_prints_file_line_reason_and_exits_1(runner, policy_copy):
    path = policy_copy("Copyleft:         {internal: allow,", "Copyleft:         {internal: yes,")
    result = runner.invoke(args=["policies", "check", str(path)])
    assert result.exit_code == 1
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if text.startswith("  Copyleft:"))
    assert result.stderr.startswith(f"{path}:{line}: category 'Copyleft': verdict for internal")


def test_check_of_a_missing_file_exits_1(runner, tmp_path):
    result = runner.invoke(args=["policies", "check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "file not found" in result.stderr
