"""Health signals read from a source tree, with and without its git history."""
from __future__ import annotations

import os
import subprocess
from datetime import datetime, timezone

from governance.scanning.health import collect_signals


def _tree(root, files):
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return root


def _by_id(signals):
    return {s["id"]: s for s in signals}


def test_community_files_ci_tests_and_tools_are_found_with_where(tmp_path):
    root = _tree(tmp_path / "src", {
        "pkg-1.0/LICENSE": "MIT", "pkg-1.0/README.md": "hi", "pkg-1.0/SECURITY.md": "report",
        "pkg-1.0/.github/CONTRIBUTING.md": "pr", "pkg-1.0/.github/workflows/ci.yml": "on: push",
        "pkg-1.0/.github/dependabot.yml": "version: 2", "pkg-1.0/tests/test_core.py": "",
        "pkg-1.0/fuzz/fuzz_parse.py": "", "pkg-1.0/requirements.txt": "flask==3.1.3\n# c\n",
        "pkg-1.0/pkg/__init__.py": "",
    })
    signals = _by_id(collect_signals(root))
    for signal_id in ("license_file", "readme", "security_policy", "contributing", "ci_config",
                      "dependency_update_tool", "tests", "fuzzing", "pinned_dependencies"):
        assert signals[signal_id]["found"], signal_id
    assert signals["ci_config"]["where"] == [".github/workflows/ci.yml"]
    assert signals["pinned_dependencies"]["where"] == ["requirements.txt"]
    assert not signals["code_of_conduct"]["found"]
    assert not signals["binary_artifacts"]["found"]
    assert signals["git_history"]["found"] is False


def test_binaries_and_loose_requirements_are_reported(tmp_path):
    root = _tree(tmp_path / "src", {"lib/native.so": "x", "lib/helper.pyc": "x",
                                    "requirements.txt": "flask>=3\nrequests==2.32.3\n"})
    signals = _by_id(collect_signals(root))
    binaries = signals["binary_artifacts"]
    assert binaries["found"] and binaries["polarity"] == "bad" and binaries["value"] == 2
    assert not signals["pinned_dependencies"]["found"]


def test_git_history_gives_activity_contributors_organisations_and_releases(tmp_path):
    repo = _tree(tmp_path / "src" / "project", {"README.md": "x"})
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_SYSTEM="/dev/null")

    def git(*args, **extra):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                       env=dict(env, **extra))

    git("init", "-q")
    authors = [("Ann", "ann@acme.example", "2026-03-01T10:00:00+00:00"),
               ("Bo", "bo@globex.example", "2026-06-01T10:00:00+00:00"),
               ("Cy", "cy@gmail.com", "2026-09-01T10:00:00+00:00")]
    for i, (name, email, when) in enumerate(authors):
        (repo / f"f{i}.txt").write_text(str(i))
        git("add", ".")
        git("-c", f"user.name={name}", "-c", f"user.email={email}", "commit", "-q", "-m",
            f"c{i}", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    git("-c", "user.name=Ann", "-c", "user.email=ann@acme.example", "tag", "-a", "v1.0",
        "-m", "v1.0", GIT_COMMITTER_DATE="2026-09-02T10:00:00+00:00")
    signals = _by_id(collect_signals(tmp_path / "src",
                                     now=datetime(2026, 11, 27, tzinfo=timezone.utc)))
    assert signals["last_commit"]["value"] == "2026-09-01"
    assert signals["commit_frequency"]["value"] == 3
    assert signals["contributors"]["value"] == 3
    assert signals["organisations"]["where"] == ["acme.example", "globex.example"]
    assert signals["releases_per_year"]["value"] == 1
