"""Real repository archives for the checks: a clean one the office can approve, and one with a
planted secret, an internal host, a GPL-3.0 file and vendored packages."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

from tests.scans.archives import MIT_TEXT

COMPANY_MIT = MIT_TEXT.replace("Copyright (c) 2024 Jane Doe", "Copyright (c) 2026 Example Corp")
GPL_HEADER = """/*
 * frob.c - frobnicates
 * Copyright (C) 2019 Free Software Foundation, Inc.
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <https://www.gnu.org/licenses/>.
 */
int frob(void) { return 42; }
"""
# A key of the shape AWS issues (detect-secrets' AWS Access Key plugin), invented for the test.
PLANTED_KEY = "AKIA" + "Q2EXAMPLE7TESTKEY9"[:16]

CLEAN_FILES = {
    "LICENSE": COMPANY_MIT,
    "README.md": "# rate-limiter\n\nA token bucket for our services. Licensed under the MIT "
                 "license (see LICENSE).\n",
    "CONTRIBUTING.md": "# Contributing\n\nSign off your commits (DCO).\n",
    "CODE_OF_CONDUCT.md": "# Code of conduct\n\nBe kind.\n",
    "SECURITY.md": "# Security\n\nReport vulnerabilities to security@example.org.\n",
    ".github/CODEOWNERS": "* @alice-gh @bob-gh\n",
    "src/bucket.py": "# SPDX-License-Identifier: MIT\n# Copyright (c) 2026 Example Corp\n\n"
                     "def take(tokens: int) -> bool:\n    return tokens > 0\n",
}


def _tar(files: dict[str, str], top: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size = len(data)
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def clean_repo(top: str = "rate-limiter-main") -> bytes:
    return _tar(CLEAN_FILES, top)


def leaky_repo(top: str = "rate-limiter-main") -> bytes:
    """The clean repository plus a planted secret, an internal host, a GPL-3.0 file."""
    files = dict(CLEAN_FILES)
    files["src/settings.py"] = (
        "# SPDX-License-Identifier: MIT\n"
        f"AWS_ACCESS_KEY_ID = \"{PLANTED_KEY}\"\n"
        "METRICS_URL = \"https://metrics.corp.example.com/push\"\n")
    files["third_party/frob.c"] = GPL_HEADER
    return _tar(files, top)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
