"""A small run of the API fuzz target (fuzz/api_fuzz.py, `make fuzz`) inside `make test`.

It runs the script as `make fuzz` does, in a process of its own, on a fresh SQLite database,
or on TEST_DATABASE_URL's PostgreSQL database in a schema it creates and drops, and asserts
that no case drew a 5xx. The full budget (100,000 cases) is `make fuzz`'s.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT_DIR

CASES = 150
SECONDS = 60

# 5xx the fuzzer has found and nobody has fixed yet, by where the app failed (the start of a
# finding's "exception"), with the reason: each makes the test xfail rather than fail. Remove
# an entry once it is fixed. (Its first find, a multipart part with no readable name, is
# fixed and kept as a test in tests/web/test_bounded_input.py.)
KNOWN_FINDINGS: dict[str, str] = {}


def _known(finding: dict) -> str | None:
    return next((reason for where, reason in KNOWN_FINDINGS.items()
                 if finding.get("exception", "").startswith(where)), None)


def test_a_small_fuzz_run_draws_no_server_error(tmp_path):
    report_path = tmp_path / "fuzz.json"
    command = [sys.executable, str(ROOT_DIR / "fuzz" / "api_fuzz.py"), "--cases", str(CASES),
               "--seconds", str(SECONDS), "--json", str(report_path)]
    if os.environ.get("TEST_DATABASE_URL"):
        command += ["--database-url", os.environ["TEST_DATABASE_URL"]]
    result = subprocess.run(command, cwd=ROOT_DIR, capture_output=True, text=True,
                            timeout=SECONDS + 120)
    assert report_path.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(report_path.read_text())

    assert report["cases"] > 0, result.stdout
    assert report["operations"] > 0
    findings = report["findings"]
    unknown = [f for f in findings if _known(f) is None]
    assert not unknown, result.stdout
    assert result.returncode == (1 if findings else 0), result.stdout + result.stderr[-3000:]
    if findings:
        pytest.xfail("; ".join(sorted({_known(f) for f in findings})))
