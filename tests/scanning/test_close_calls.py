"""A file whose scan comes close to its deadline (its results may be partial) is scanned again
with a longer one; if it is still close, it is an error of the scan, never a silent result."""
from __future__ import annotations

from governance.licensing.expressions import license_db
from governance.scanning import outcomes
from governance.scanning.runner import CLOSE_CALL_RETRY, MemoryCache, ScanSettings, scan_tree
from governance.scanning.workers import FileTask, ScanWorkerPool


def _slow_file(path):
    """Several long license texts in one file: seconds of license matching."""
    texts = [license_db().by_key[key].text for key in ("gpl-3.0", "agpl-3.0", "lgpl-2.1",
                                                        "mpl-2.0", "apache-2.0", "epl-2.0")]
    path.write_text("\n\n".join(texts * 2), encoding="utf-8")
    return path


def test_a_close_call_is_scanned_again_with_a_longer_deadline(tmp_path, scan_pool):
    tree = tmp_path / "pkg"
    tree.mkdir()
    slow = _slow_file(tree / "LICENSES.txt")
    (tree / "small.py").write_text("# SPDX-License-Identifier: MIT\n")
    measured = {}
    scan_pool.run([FileTask("probe", str(slow))], lambda o: measured.update(seconds=o.scan.seconds))
    # A deadline this file comes close to on this machine (the close-call line is 40 % of it),
    # with room for each scanner to finish under it.
    timeout = max(1.0, measured["seconds"] * 1.6)
    with ScanWorkerPool(1, file_timeout=timeout, temp_dir=str(tmp_path / "t")) as pool:
        cache = MemoryCache()
        outcome = scan_tree(tree, ScanSettings(processes=1, file_timeout=timeout), pool, cache)
    assert outcome.retried == ["LICENSES.txt"]
    assert outcome.summary["retried"] == 1
    record = next(r for r in outcome.files if r.path == "LICENSES.txt")
    if record.close_call:
        # Still close with the longer deadline: an error, counted, and never cached.
        assert record.status == outcomes.ERROR
        assert "second, longer pass" in record.errors[0]
        assert f"{CLOSE_CALL_RETRY * timeout:.0f} s" in record.errors[0]
        assert outcome.summary["errors"] == 1
        assert record.key not in cache.store
    else:
        # The longer deadline was enough: a full result, cached like any other.
        assert record.status == outcomes.SCANNED and not record.errors
        assert record.key in cache.store and outcome.summary["errors"] == 0
    small = next(r for r in outcome.files if r.path == "small.py")
    assert small.status == outcomes.SCANNED and not small.close_call
