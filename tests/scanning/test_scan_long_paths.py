"""A whole scan of an archive holding entries too long to write: they are dropped and noted,
every other file is extracted (in the isolated child, under its limits) and scanned."""
from __future__ import annotations

from governance.scanning import outcomes
from governance.scanning.runner import MemoryCache, ScanSettings, scan_archive
from tests.scanning.extraction.kit import regular, tar_bytes, zip_bytes
from tests.scanning.test_workers import GPL_FILE, MIT_FILE

LONG_NAME = "pkg/" + "a" * 300 + ".py"
DEEP_PATH = "pkg/" + "/".join(["d"] * 2000) + "/deep.py"


def _scan(tmp_path, pool, name: str, data: bytes):
    archive = tmp_path / name
    archive.write_bytes(data)
    return scan_archive(archive, tmp_path / "work", ScanSettings(processes=1), pool,
                        MemoryCache())


def test_a_tar_with_an_over_long_name_and_a_deep_path_is_scanned_without_them(tmp_path,
                                                                               scan_pool):
    data = tar_bytes(regular("pkg/mit.py", MIT_FILE.encode()),
                     regular(LONG_NAME, MIT_FILE.encode()),
                     regular(DEEP_PATH, GPL_FILE.encode()),
                     regular("pkg/gpl.py", GPL_FILE.encode()))

    outcome = _scan(tmp_path, scan_pool, "pkg-1.0.tar.gz", data)

    records = {record.path: record for record in outcome.files}
    assert set(records) == {"pkg/mit.py", "pkg/gpl.py"}
    assert {r.status for r in records.values()} == {outcomes.SCANNED}
    assert outcome.license_of(records["pkg/mit.py"])[1] == "MIT"
    assert outcome.license_of(records["pkg/gpl.py"])[1] == "GPL-3.0-or-later"
    dropped = {note.path: note.detail for note in outcome.notes if note.kind == "path_too_long"}
    assert len(dropped) == 2
    assert any(path.startswith("pkg/aaaa") and "303 bytes long" in detail
               for path, detail in dropped.items())
    assert any(path.startswith("pkg/d/d/d") and "2,002 levels deep" in detail
               for path, detail in dropped.items())
    assert not (tmp_path / "work").exists()


def test_a_zip_with_an_over_long_name_is_scanned_without_it(tmp_path, scan_pool):
    data = zip_bytes({"mit.py": MIT_FILE.encode(), "a" * 300 + ".py": GPL_FILE.encode()})

    outcome = _scan(tmp_path, scan_pool, "pkg.zip", data)

    assert [(r.path, r.status) for r in outcome.files] == [("mit.py", outcomes.SCANNED)]
    [note] = outcome.notes
    assert note.kind == "path_too_long" and note.path.startswith("aaaa")
