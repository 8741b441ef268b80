"""Real SBOMs, written by the tools that write them in the field, once per test session.

- cyclonedx-py (CycloneDX's Python tool) lists this suite's own virtualenv, offline, in JSON
  and XML and in several spec versions; with the network, a fresh virtualenv with two wheels.
- `npm sbom` lists the packages of a lockfile written here (offline: npm reads only the
  lockfile) and, with the network, of a real `npm install --package-lock-only`.
- pyspdxtools (spdx-tools' own CLI) writes npm's SPDX JSON as tag-value.

A tool that fails stops the test with its command and output: nothing is skipped.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
TIMEOUT = 300

# The npm project: a scoped package, an OR license, an old upper-case name with two
# dependencies of its own. The lockfile is what `npm install --package-lock-only` wrote for
# these (integrity hashes left out; `npm sbom --package-lock-only` does not need them).
NPM_DEPENDENCIES = {"is-number": "7.0.0", "@isaacs/string-locale-compare": "1.1.0",
                    "atob": "2.1.2", "JSONStream": "1.3.5"}
NPM_LOCKED = {
    "node_modules/is-number": {"version": "7.0.0", "license": "MIT"},
    "node_modules/@isaacs/string-locale-compare": {"version": "1.1.0", "license": "ISC"},
    "node_modules/atob": {"version": "2.1.2", "license": "(MIT OR Apache-2.0)"},
    "node_modules/JSONStream": {"version": "1.3.5", "license": "(MIT OR Apache-2.0)",
                                "dependencies": {"jsonparse": "^1.2.0",
                                                 "through": ">=2.2.7 <3"}},
    "node_modules/jsonparse": {"version": "1.3.1", "license": "MIT"},
    "node_modules/through": {"version": "2.3.8", "license": "MIT"},
}
# What npm lists for them: (purl, version, license).
NPM_EXPECTED = {
    "is-number": ("pkg:npm/is-number@7.0.0", "7.0.0", "MIT"),
    "@isaacs/string-locale-compare": ("pkg:npm/%40isaacs/string-locale-compare@1.1.0",
                                      "1.1.0", "ISC"),
    "atob": ("pkg:npm/atob@2.1.2", "2.1.2", "(MIT OR Apache-2.0)"),
    "JSONStream": ("pkg:npm/jsonstream@1.3.5", "1.3.5", "(MIT OR Apache-2.0)"),
    "jsonparse": ("pkg:npm/jsonparse@1.3.1", "1.3.1", "MIT"),
    "through": ("pkg:npm/through@2.3.8", "2.3.8", "MIT"),
}
PRODUCT = {"name": "demo-product", "version": "1.2.3", "license": "MIT", "private": True}

# cyclonedx-py runs: (spec version, output format).
CYCLONEDX_RUNS = [("1.6", "JSON"), ("1.6", "XML"), ("1.4", "JSON"), ("1.4", "XML"),
                  ("1.2", "XML")]


@pytest.fixture(autouse=True)
def _app_context():
    """Overrides the suite's app-and-database fixture: the pure core needs neither."""
    yield


def run(command: list[str], cwd: Path | None = None) -> bytes:
    """The command's standard output; a failure fails the test, with what the tool said."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"{' '.join(command)} could not run: {exc}")
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited with {done.returncode}:\n"
                    f"{done.stderr.decode(errors='replace')[-3000:]}")
    return done.stdout


def tool(name: str) -> str:
    """The path of a tool: the virtualenv's own, else from PATH (npm)."""
    local = BIN / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; these tests need it")
    return found


def cyclonedx_py(python: str, out: Path, spec_version: str, output_format: str) -> list[str]:
    # --no-validate: validation checks the tool's own output against the schema and takes
    # 20 s a JSON document; the document written is the same.
    return [tool("cyclonedx-py"), "environment", "--spec-version", spec_version,
            "--output-format", output_format, "--no-validate", "-o", str(out), python]


@pytest.fixture(scope="session")
def cyclonedx_env(tmp_path_factory) -> dict[tuple[str, str], bytes]:
    """cyclonedx-py's SBOMs of this suite's virtualenv, by (spec version, format); the runs
    go in parallel (about a second each)."""
    folder = tmp_path_factory.mktemp("cyclonedx-env")
    outputs = {run_: folder / f"env-{run_[0]}.{run_[1].lower()}" for run_ in CYCLONEDX_RUNS}
    processes = {run_: subprocess.Popen(cyclonedx_py(sys.executable, out, *run_),
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for run_, out in outputs.items()}
    for run_, process in processes.items():
        _, stderr = process.communicate(timeout=TIMEOUT)
        if process.returncode != 0:
            pytest.fail(f"cyclonedx-py {run_} exited with {process.returncode}:\n"
                        f"{stderr.decode(errors='replace')[-3000:]}")
    return {run_: out.read_bytes() for run_, out in outputs.items()}


def npm_sboms(project: Path) -> dict[str, bytes]:
    """npm's CycloneDX and SPDX SBOMs of the project, and pyspdxtools' tag-value of the SPDX."""
    npm = tool("npm")
    sboms = {form: run([npm, "sbom", "--package-lock-only", "--sbom-format", form], project)
             for form in ("cyclonedx", "spdx")}
    # spdx-tools refuses npm's `created` time for its milliseconds (2026-01-01T10:00:00.123Z)
    # and so the whole document; only that field is changed before pyspdxtools converts it.
    spdx = re.sub(rb'("created": "[^".]*)\.\d+Z"', rb'\1Z"', sboms["spdx"])
    (project / "npm.spdx.json").write_bytes(spdx)
    run([tool("pyspdxtools"), "-i", "npm.spdx.json", "-o", "npm.spdx"], project)
    sboms["tag-value"] = (project / "npm.spdx").read_bytes()
    return sboms


def npm_project(folder: Path, dependencies: dict, locked: dict | None) -> Path:
    (folder / "package.json").write_text(json.dumps({**PRODUCT, "dependencies": dependencies}))
    if locked is not None:
        root = {"": {**PRODUCT, "dependencies": dependencies}}
        (folder / "package-lock.json").write_text(json.dumps(
            {"name": PRODUCT["name"], "version": PRODUCT["version"], "lockfileVersion": 3,
             "requires": True, "packages": {**root, **locked}}))
    return folder


@pytest.fixture(scope="session")
def npm_offline(tmp_path_factory) -> dict[str, bytes]:
    """npm's SBOMs of the demo project, from the lockfile above: "cyclonedx", "spdx" and
    "tag-value"."""
    project = npm_project(tmp_path_factory.mktemp("npm-offline"), NPM_DEPENDENCIES,
                          NPM_LOCKED)
    return npm_sboms(project)


@pytest.fixture(scope="session")
def npm_registry(tmp_path_factory) -> dict[str, bytes]:
    """The same, from a lockfile npm resolved against the real registry (network)."""
    project = npm_project(tmp_path_factory.mktemp("npm-registry"), NPM_DEPENDENCIES, None)
    run([tool("npm"), "install", "--package-lock-only", "--ignore-scripts", "--no-audit",
         "--no-fund"], project)
    return npm_sboms(project)


@pytest.fixture(scope="session")
def npm_thousand(tmp_path_factory) -> dict[str, bytes]:
    """npm's CycloneDX and SPDX JSON of a project with 1,000 dependencies (a lockfile)."""
    licenses = ["MIT", "ISC", "Apache-2.0", "(MIT OR Apache-2.0)", "BSD-3-Clause"]
    dependencies = {f"pkg-{i:04d}": f"1.{i % 7}.{i % 3}" for i in range(1000)}
    locked = {f"node_modules/{name}": {"version": version, "license": licenses[i % 5]}
              for i, (name, version) in enumerate(dependencies.items())}
    project = npm_project(tmp_path_factory.mktemp("npm-thousand"), dependencies, locked)
    return {form: run([tool("npm"), "sbom", "--package-lock-only", "--sbom-format", form],
                      project) for form in ("cyclonedx", "spdx")}


# Two wheels with nothing to build; typing_extensions has the `_` a pypi purl turns into `-`.
WHEELS = {"six": "1.17.0", "typing_extensions": "4.12.2"}


@pytest.fixture(scope="session")
def small_venv_sboms(tmp_path_factory) -> dict[str, bytes]:
    """cyclonedx-py's SBOMs (1.6 JSON, 1.4 XML) of a new virtualenv holding only WHEELS, as
    pip installed them from PyPI (network)."""
    folder = tmp_path_factory.mktemp("small-venv")
    venv = folder / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = str(venv / "bin" / "python")
    run([tool("pip"), "--python", python, "install", "--no-deps", "--disable-pip-version-check",
         "--quiet", *(f"{name}=={version}" for name, version in WHEELS.items())])
    sboms = {}
    for spec_version, output_format in (("1.6", "JSON"), ("1.4", "XML")):
        out = folder / f"sbom-{spec_version}.{output_format.lower()}"
        run(cyclonedx_py(python, out, spec_version, output_format))
        sboms[output_format] = out.read_bytes()
    return sboms
