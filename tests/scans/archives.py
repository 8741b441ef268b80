"""Tiny real archives with known licenses, built by the tests."""
from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

MIT_TEXT = """MIT License

Copyright (c) 2024 Jane Doe

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

PKG_INFO = """Metadata-Version: 2.1
Name: tinypkg
Version: {version}
Summary: A tiny package for tests
Home-page: https://example.com/tinypkg
Author: Jane Doe
License: MIT
Classifier: License :: OSI Approved :: MIT License
"""


def tiny_package_files(version: str = "1.0.0", extra: dict | None = None) -> dict[str, str]:
    files = {
        f"tinypkg-{version}/LICENSE": MIT_TEXT,
        f"tinypkg-{version}/PKG-INFO": PKG_INFO.format(version=version),
        f"tinypkg-{version}/tinypkg/__init__.py":
            "# SPDX-License-Identifier: MIT\n# Copyright (c) 2024 Jane Doe\n"
            f"__version__ = '{version}'\n",
        f"tinypkg-{version}/tinypkg/vendored.py":
            "# Licensed under the Apache License, Version 2.0 (the \"License\");\n"
            "# Copyright 2019 Acme Corp.\nVALUE = 1\n",
        f"tinypkg-{version}/docs/same.txt": "shared content\n",
        f"tinypkg-{version}/docs/copy-of-same.txt": "shared content\n",
    }
    files.update(extra or {})
    return files


def tar_gz(path: Path, files: dict[str, str]) -> Path:
    """The same files always give the same bytes (gzip's header time is fixed)."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
        with tarfile.open(fileobj=zipped, mode="w") as archive:
            for name, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = len(data), 0o644, 1_700_000_000
                archive.addfile(info, io.BytesIO(data))
    return path
