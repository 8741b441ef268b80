"""What the expressions need of scancode's license database, loaded once and kept on disk.

scancode's `load_licenses()` reads 2,500 license files (1.5 to 2 s and some 80 MB) to answer a
few facts per license: its SPDX ids, name, category, whether it is an exception. Every process
that evaluates an expression needs them (the web app, `flask gate` in each CI build, each scan
worker), so they are written once as a small JSON file (about 300 KB) beside the user's other
caches and read from it afterwards, in some 20 ms. The file is named after scancode's version
and the newest license file, so an upgrade or an edited license is read afresh. When the cache
folder cannot be written, the database is read each time, as before.

License texts (exports) still come from scancode itself: expressions.license_db().
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from types import MappingProxyType

log = logging.getLogger(__name__)
FORMAT = 1
# The category scancode gives to texts that name no identified license (`unknown`,
# `unknown-license-reference`, `warranty-disclaimer`, …): never allowed without a look.
UNSTATED = "Unstated License"


@dataclass(frozen=True)
class LicenseFacts:
    # key -> (spdx id, name, category, is_exception, unidentified)
    by_key: MappingProxyType
    by_spdx: MappingProxyType  # lower-cased SPDX id (current and older ones) -> key
    categories: tuple[str, ...]


@lru_cache(maxsize=1)
def license_facts() -> LicenseFacts:
    path = cache_path()
    try:
        return _from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not written yet, or unreadable: read the database and write it again
    facts = _read_database()
    _write(path, facts)
    return facts


def cache_path() -> Path:
    """Where the facts of this scancode's license database are kept."""
    # Found without importing licensedcode (a third of a second): its data sits beside it.
    package = importlib.util.find_spec("licensedcode").submodule_search_locations[0]
    licenses_data_dir = os.path.join(package, "data", "licenses")
    newest = max((entry.stat().st_mtime_ns for entry in os.scandir(licenses_data_dir)),
                 default=0)
    tag = hashlib.sha256(f"{FORMAT} {version('scancode-toolkit')} {licenses_data_dir} "
                         f"{newest}".encode()).hexdigest()[:16]
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "oss-governance" / f"scancode-licenses-{tag}.json"


def _read_database() -> LicenseFacts:
    from licensedcode.cache import get_licenses_by_spdx_key
    from licensedcode.models import load_licenses

    licenses = load_licenses()
    by_spdx = get_licenses_by_spdx_key(licenses.values(), lowercase_keys=True,
                                       include_other_spdx_license_keys=True)
    by_key = {lic.key: (lic.spdx_license_key or f"LicenseRef-scancode-{lic.key}",
                        lic.name or lic.short_name or lic.key, lic.category,
                        bool(lic.is_exception),
                        bool(lic.is_unknown) or lic.category == UNSTATED)
              for lic in licenses.values()}
    return LicenseFacts(MappingProxyType(by_key),
                        MappingProxyType({spdx: lic.key for spdx, lic in by_spdx.items()}),
                        tuple(sorted({lic.category for lic in licenses.values()
                                      if lic.category})))


def _from_json(data: dict) -> LicenseFacts:
    if data["format"] != FORMAT:
        raise ValueError("another format")
    return LicenseFacts(MappingProxyType({key: tuple(entry) for key, entry
                                          in data["by_key"].items()}),
                        MappingProxyType(data["by_spdx"]), tuple(data["categories"]))


def _write(path: Path, facts: LicenseFacts) -> None:
    write_json(path, {"format": FORMAT, "by_key": dict(facts.by_key),
                      "by_spdx": dict(facts.by_spdx), "categories": list(facts.categories)})


def write_json(path: Path, data: dict) -> None:
    """Write a cache file beside the others; a cache that cannot be written is only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a process reading meanwhile never sees half a file.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".scancode-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temp, path)
    except OSError as exc:
        log.info("not cached at %s: %s", path, exc)
