"""Fetch GitHub's published REST API description for the tests' fake GitHub.

The npm package @octokit/openapi (MIT licensed) ships it; this takes the pinned version from
the npm registry, checks the tarball against the registry's sha512 integrity, and keeps the
two descriptions the tests use (api.github.com and GitHub Enterprise Server 3.19) under
.cache/github-openapi/<version>/. Run by `make test`; does nothing when they are there.
"""
from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "23.0.2"
TARBALL = f"https://registry.npmjs.org/@octokit/openapi/-/openapi-{VERSION}.tgz"
INTEGRITY = ("sha512-pV8M7L9GY23AybNvTmo2nyjmpmnt6+2sRE/tqr0ZLQcPS4lnw7u5eZGNmwRNkBC3D7gZXbFx5"
             "AHzLUVRBXGDhg==")
WANTED = ("generated/api.github.com.json", "generated/ghes-3.19.json", "LICENSE")
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / ".cache" / "github-openapi" / VERSION


def main() -> int:
    if all((TARGET / Path(name).name).exists() for name in WANTED):
        return 0
    print(f"Fetching @octokit/openapi {VERSION} (GitHub's API description) for the tests...")
    with urllib.request.urlopen(TARBALL, timeout=120) as response:  # noqa: S310 - fixed https URL
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        print(f"The tarball's digest {digest} is not the registry's {INTEGRITY}.", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name in WANTED:
            member = archive.getmember(f"package/{name}")
            extracted = archive.extractfile(member)
            partial = TARGET / (Path(name).name + ".part")
            partial.write_bytes(extracted.read())
            partial.replace(TARGET / Path(name).name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
