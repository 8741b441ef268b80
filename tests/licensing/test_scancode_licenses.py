"""scancode's license facts: read from the database once, then from the cache file."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from governance.licensing import scancode_licenses
from governance.licensing.expressions import lookup

PROBE = """
import json, sys
from governance.licensing.expressions import categories, lookup
found = [lookup(name) for name in ("MIT", "apache-2.0", "LicenseRef-scancode-public-domain",
                                   "GPL-2.0+", "Classpath-exception-2.0", "no-such-license")]
print(json.dumps({"database_read": "licensedcode.models" in sys.modules,
                  "licenses": [[l.key, l.spdx, l.category, l.is_exception, l.known]
                               for l in found],
                  "categories": len(categories())}))
"""


def _probe(cache_home) -> dict:
    """What a new process finds, with its caches under cache_home."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_the_first_process_reads_the_database_and_later_ones_the_cache(tmp_path):
    first = _probe(tmp_path)
    cached = list((tmp_path / "oss-governance").glob("scancode-licenses-*.json"))
    second = _probe(tmp_path)

    assert first["database_read"] is True and len(cached) == 1
    assert second["database_read"] is False
    assert second["licenses"] == first["licenses"]
    assert second["licenses"][0] == ["mit", "MIT", "Permissive", False, True]
    assert second["licenses"][3][:2] == ["gpl-2.0-plus", "GPL-2.0-or-later"]
    assert second["licenses"][4][3] is True  # an exception
    assert second["licenses"][5][4] is False  # unknown name, kept as written
    assert second["categories"] == first["categories"] > 5


def test_a_damaged_cache_file_is_read_past_and_written_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = scancode_licenses.cache_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"format": 1, "by_key": {"mit": ')
    scancode_licenses.license_facts.cache_clear()
    lookup.cache_clear()
    try:
        facts = scancode_licenses.license_facts()
        assert facts.by_key["mit"][0] == "MIT"
        assert json.loads(path.read_text())["by_spdx"]["mit"] == "mit"
    finally:
        scancode_licenses.license_facts.cache_clear()
        lookup.cache_clear()


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    (tmp_path / "oss-governance").write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    scancode_licenses.license_facts.cache_clear()
    lookup.cache_clear()
    try:
        assert scancode_licenses.license_facts().by_spdx["apache-2.0"] == "apache-2.0"
        assert lookup("Apache-2.0").key == "apache-2.0"
    finally:
        scancode_licenses.license_facts.cache_clear()
        lookup.cache_clear()
