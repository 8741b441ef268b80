"""Health signals read offline from a package's source tree, the checks OpenSSF Scorecard can
run locally and the inputs of criticality_score: which community files exist, whether CI,
tests, fuzzing and a dependency update tool are set up, pinned dependencies, binary artifacts,
and, when the source carries its git history, how alive the project is.

Pure: a folder in, a list of signals out. Each signal says what it found and where.
"""
from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

MAX_EVIDENCE = 5


@dataclass
class Signal:
    id: str
    label: str
    found: bool
    # What it means that `found` is true: "good" (a community file, CI) or "bad" (binaries).
    polarity: str = "good"
    value: object = None
    where: list[str] = field(default_factory=list)
    detail: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


# (id, label, path patterns relative to the package root; fnmatch on the lower-cased path)
FILE_SIGNALS = [
    ("license_file", "License file", ["license*", "licence*", "copying*", "*/license*",
                                      "*/licence*", "*/copying*"]),
    ("readme", "README", ["readme*"]),
    ("contributing", "Contribution guide", ["contributing*", ".github/contributing*",
                                            "docs/contributing*"]),
    ("security_policy", "Security policy", ["security*", ".github/security*",
                                            "docs/security*"]),
    ("code_of_conduct", "Code of conduct", ["code_of_conduct*", "code-of-conduct*",
                                            ".github/code_of_conduct*"]),
    ("ci_config", "CI configuration", [".github/workflows/*.yml", ".github/workflows/*.yaml",
                                       ".gitlab-ci.yml", ".travis.yml", ".circleci/*",
                                       "azure-pipelines.yml", "jenkinsfile", ".buildkite/*",
                                       "appveyor.yml", ".drone.yml", "tox.ini", "noxfile.py"]),
    ("dependency_update_tool", "Dependency update tool",
     [".github/dependabot.yml", ".github/dependabot.yaml", "renovate.json", "renovate.json5",
      ".renovaterc", ".renovaterc.json", ".github/renovate.json", ".github/renovate.json5"]),
    ("fuzzing", "Fuzzing", ["fuzz/*", "fuzzing/*", "*/fuzz/*", "*_fuzz.*", "*fuzz_test*",
                            ".clusterfuzzlite/*", "oss-fuzz/*"]),
]
TEST_PATTERNS = ["test/*", "tests/*", "*/test/*", "*/tests/*", "__tests__/*", "*/__tests__/*",
                 "spec/*", "test_*.py", "*/test_*.py", "*_test.go", "*/*_test.go",
                 "*.spec.js", "*.test.js", "*.spec.ts", "*.test.ts"]
BINARY_SUFFIXES = (".exe", ".dll", ".so", ".dylib", ".jar", ".class", ".pyc", ".pyo", ".o",
                   ".a", ".lib", ".obj", ".war", ".ear", ".wasm", ".bin")
LOCK_FILES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock",
              "pipfile.lock", "cargo.lock", "go.sum", "composer.lock", "gemfile.lock",
              "uv.lock", "pdm.lock")
PINNED_REQUIREMENT = re.compile(r"^\s*[A-Za-z0-9_.\-\[\]]+\s*==\s*[^\s;#]+")


def _package_root(root: Path) -> Path:
    """The folder the package lives in: an sdist holds one top folder, name-version/."""
    entries = [e for e in root.iterdir() if not e.name.startswith(".extraction")]
    if len(entries) == 1 and entries[0].is_dir() and entries[0].name != ".git":
        return entries[0]
    return root


def _walk(package_root: Path) -> list[str]:
    paths = []
    for folder, dirs, names in os.walk(package_root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(names):
            paths.append((Path(folder) / name).relative_to(package_root).as_posix())
    return paths


def _matching(paths: list[str], patterns: list[str]) -> list[str]:
    return [p for p in paths if any(fnmatch.fnmatch(p.lower(), pattern) for pattern in patterns)]


def _pinned(package_root: Path, paths: list[str]) -> Signal:
    locks = [p for p in paths if p.rsplit("/", 1)[-1].lower() in LOCK_FILES]
    pinned_files = []
    for path in paths:
        name = path.rsplit("/", 1)[-1].lower()
        if name.startswith("requirements") and name.endswith(".txt"):
            try:
                lines = (package_root / path).read_text(errors="replace").splitlines()
            except OSError:
                continue
            wanted = [x for x in lines if x.strip() and not x.strip().startswith(("#", "-"))]
            if wanted and all(PINNED_REQUIREMENT.match(x) for x in wanted):
                pinned_files.append(path)
    where = locks + pinned_files
    return Signal("pinned_dependencies", "Pinned dependencies", bool(where),
                  where=where[:MAX_EVIDENCE],
                  detail=f"{len(locks)} lock file(s), {len(pinned_files)} fully pinned "
                         "requirements file(s)" if where else "no lock file or pinned "
                                                             "requirements file")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          timeout=60, check=True).stdout


def _history(repo: Path, now: datetime) -> list[Signal]:
    """Signals from the git history, when the source carries it."""
    try:
        log = _git(repo, "log", "--format=%aI%x09%ae")
        tags = _git(repo, "for-each-ref", "--format=%(creatordate:iso-strict)", "refs/tags")
    except (OSError, subprocess.SubprocessError):
        return []
    commits = []
    for line in log.splitlines():
        stamp, _, email = line.partition("\t")
        try:
            commits.append((datetime.fromisoformat(stamp), email.strip().lower()))
        except ValueError:
            continue
    if not commits:
        return []
    year_ago = now - timedelta(days=365)
    recent = [c for c in commits if c[0] >= year_ago]
    contributors = {email for _, email in commits}
    domains = Counter(email.rsplit("@", 1)[-1] for email in contributors if "@" in email)
    # Public mail hosts say nothing about which organisation pays for the work.
    orgs = [d for d in domains if d not in ("gmail.com", "users.noreply.github.com",
                                            "hotmail.com", "outlook.com", "yahoo.com")]
    tag_dates = []
    for line in tags.splitlines():
        try:
            tag_dates.append(datetime.fromisoformat(line.strip()))
        except ValueError:
            continue
    last = max(c[0] for c in commits)
    return [
        Signal("last_commit", "Last commit", True, value=last.date().isoformat(),
               detail=f"{(now - last).days} days ago"),
        Signal("commit_frequency", "Commits in the last year", bool(recent),
               value=len(recent), detail=f"{len(recent) / 52:.1f} per week"),
        Signal("contributors", "Contributors", True, value=len(contributors),
               detail=f"{len(contributors)} distinct author e-mails"),
        Signal("organisations", "Organisations", bool(orgs), value=len(orgs),
               where=sorted(orgs)[:MAX_EVIDENCE],
               detail="distinct e-mail domains of authors, public mail hosts left out"),
        Signal("releases_per_year", "Release tags in the last year",
               bool([d for d in tag_dates if d >= year_ago]),
               value=len([d for d in tag_dates if d >= year_ago]),
               detail=f"{len(tag_dates)} tags in all"),
    ]


def collect_signals(root: Path, now: datetime | None = None) -> list[dict]:
    """Every signal for the source extracted under `root`."""
    now = now or datetime.now(timezone.utc)
    package_root = _package_root(root)
    paths = _walk(package_root)
    signals = []
    for signal_id, label, patterns in FILE_SIGNALS:
        where = _matching(paths, patterns)
        signals.append(Signal(signal_id, label, bool(where), where=where[:MAX_EVIDENCE],
                              detail=f"{len(where)} file(s)" if where else "not found"))
    tests = _matching(paths, TEST_PATTERNS)
    signals.append(Signal("tests", "Tests", bool(tests), value=len(tests),
                          where=tests[:MAX_EVIDENCE],
                          detail=f"{len(tests)} test file(s)" if tests else "no test found"))
    binaries = [p for p in paths if p.lower().endswith(BINARY_SUFFIXES)]
    signals.append(Signal("binary_artifacts", "Binary artifacts", bool(binaries),
                          polarity="bad", value=len(binaries), where=binaries[:MAX_EVIDENCE],
                          detail=f"{len(binaries)} compiled file(s) shipped in the source"
                          if binaries else "none"))
    signals.append(_pinned(package_root, paths))
    git_dir = next((d for d in (package_root, root) if (d / ".git").is_dir()), None)
    if git_dir is not None:
        signals.extend(_history(git_dir, now))
    else:
        signals.append(Signal("git_history", "Git history", False,
                              detail="the source carries no .git folder (as sdists and "
                                     "tarballs do not); history signals need a git checkout"))
    return [s.as_dict() for s in signals]
