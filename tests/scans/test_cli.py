"""`flask scan PATH_OR_PURL --json` as a person or a CI script runs it."""
from __future__ import annotations

import json

from tests.scans.archives import tar_gz, tiny_package_files

REQUIRED_KEYS = {"declared_license_expression", "declared_license_expression_spdx", "detected",
                 "holders", "files", "errors", "clarity_score", "scancode_version"}


def test_flask_scan_prints_the_summary_as_json(runner, tmp_path):
    archive = tar_gz(tmp_path / "tinypkg-1.0.0.tar.gz", tiny_package_files())
    result = runner.invoke(args=["scan", str(archive), "--json", "--processes", "1"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert REQUIRED_KEYS <= summary.keys()
    assert summary["declared_license_expression"] == "mit"
    assert summary["declared_license_expression_spdx"] == "MIT"
    assert {"license_expression": "apache-2.0", "license_expression_spdx": "Apache-2.0",
            "files": 1} in [{k: d[k] for k in ("license_expression", "license_expression_spdx",
                                               "files")} for d in summary["detected"]]
    assert summary["files"] == 6 and summary["errors"] == 0
    assert "files" in result.stderr  # the progress bar went to stderr


def test_flask_scan_explains_a_refused_archive(runner, tmp_path):
    bad = tmp_path / "broken.tar.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    result = runner.invoke(args=["scan", str(bad), "--json", "--processes", "1"])
    assert result.exit_code != 0
    assert "Error:" in result.output and "Traceback" not in result.output


def test_flask_scan_of_an_unsupported_purl_says_what_to_do(runner):
    result = runner.invoke(args=["scan", "pkg:cocoapods/AFNetworking@4.0.1", "--json"])
    assert result.exit_code != 0
    assert "not supported" in result.output
