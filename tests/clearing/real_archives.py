"""Real packages from PyPI and npm, fetched once through the app's own fetch code (the
registry's JSON, then its archive) and kept under .cache/test-archives, checked by sha256."""
from __future__ import annotations

import hashlib
from pathlib import Path

from governance.scanning import fetch

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "test-archives"

# purl -> sha256 of the archive the registry serves (a change there fails loudly, not subtly)
ARCHIVES = {
    "pkg:pypi/typing-extensions@4.15.0":
        "0cea48d173cc12fa28ecabc3b837ea3cf6f38c6d1136f85cbaaf598984861466",
    "pkg:npm/jszip@3.10.1": "5117f4a2a645aeb307bf3b829c575ad58135cc97e75291e594532ab5b5b21b23",
    "pkg:npm/web3-eth-iban@1.10.4":
        "1291eef66d8a1d791aa239f6549dce157221eb290c176c3b42c9d4d3f5ad3381",
}


def real_archive(purl: str) -> tuple[Path, str]:
    """(path, file name) of the package's archive, downloaded the first time."""
    expected = ARCHIVES[purl]
    stored = fetch.stored_path(CACHE, expected)
    names = CACHE / f"{expected}.name"
    if stored.exists() and names.exists():
        return stored, names.read_text().strip()
    location = fetch.resolve(purl, timeout=60)
    got = fetch.download(location, CACHE, max_bytes=50 * 1024 * 1024, timeout=120)
    digest = hashlib.sha256(got.path.read_bytes()).hexdigest()
    assert digest == expected, f"{purl}: the registry served {digest}, expected {expected}"
    names.write_text(got.filename)
    return got.path, got.filename
