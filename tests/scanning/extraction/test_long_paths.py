"""An entry whose name or path is too long to write is left out and noted; the rest of the
archive is extracted (archives built here with tarfile/zipfile)."""
from __future__ import annotations

import tarfile

import pytest

from governance.scanning.extraction import ExtractionRefused
from governance.scanning.long_paths import MAX_NAME_BYTES, MAX_PATH_DEPTH, why_too_long
from tests.scanning.extraction.kit import (
    notes_of,
    patch_zip,
    regular,
    tar_bytes,
    tree,
    zip_bytes,
)

LONG_NAME = "pkg/" + "a" * 300 + ".txt"
DEEP_PATH = "/".join(["d"] * 2000) + "/deep.txt"
NORMAL = {"pkg/setup.py": b"print('hi')\n", "pkg/README": b"read me\n"}


def _dropped(result) -> dict[str, str]:
    return notes_of(result, "path_too_long")


@pytest.mark.parametrize("long_member, shown, reason", [
    (LONG_NAME, "pkg/" + "a" * 96, "a name in its path is 304 bytes long; the limit is 240"),
    (DEEP_PATH, "d/d/d/d/d/", "its path is 2,001 levels deep; the limit is 100"),
])
def test_a_tar_entry_too_long_to_write_is_dropped_and_the_rest_extracted(sandbox, long_member,
                                                                          shown, reason):
    members = [regular(name, data) for name, data in NORMAL.items()]
    data = tar_bytes(members[0], regular(long_member, b"dropped"), members[1])

    result = sandbox.extract(data, "pkg-1.0.tar.gz")

    assert tree(result.root) == NORMAL
    [(path, detail)] = _dropped(result).items()
    assert path.startswith(shown) and len(path) <= 201  # shortened, not 4,000 characters
    assert detail == f"not extracted: {reason}"
    assert not notes_of(result, "renamed")  # dropped on purpose, not "missing on disk"


def test_zip_entries_too_long_to_write_are_dropped_and_the_rest_extracted(sandbox):
    data = zip_bytes({**NORMAL, LONG_NAME: b"dropped", DEEP_PATH: b"dropped"})

    result = sandbox.extract(data, "pkg-1.0.zip")

    assert tree(result.root) == NORMAL
    assert sorted(_dropped(result).values()) == [
        "not extracted: a name in its path is 304 bytes long; the limit is 240",
        "not extracted: its path is 2,001 levels deep; the limit is 100"]


def test_a_folder_with_a_name_too_long_is_dropped_with_what_it_holds(sandbox):
    folder = tarfile.TarInfo("b" * 300)
    folder.type = tarfile.DIRTYPE
    data = tar_bytes((folder, None), regular("b" * 300 + "/inside.txt", b"x"),
                     regular("ok.txt", b"ok"))

    result = sandbox.extract(data, "folder.tar.gz")

    assert tree(result.root) == {"ok.txt": b"ok"}
    assert len(_dropped(result)) == 2


def test_paths_in_a_nested_archive_count_from_the_root_of_the_tree(sandbox):
    inner = zip_bytes({"inner/ok.txt": b"ok", "inner/" + "c" * 250: b"dropped"})
    data = tar_bytes(regular("pkg/lib.zip", inner), regular("pkg/top.txt", b"top"))

    result = sandbox.extract(data, "nested.tar.gz")

    files = tree(result.root)
    assert files["pkg/lib.zip-extract/inner/ok.txt"] == b"ok"
    assert files["pkg/top.txt"] == b"top"
    [path] = _dropped(result)
    assert path.startswith("pkg/lib.zip-extract/inner/ccc")


def test_an_archive_only_7zip_reads_is_refused_rather_than_extracted_in_part(sandbox):
    # 7-Zip writes every entry or fails: no entry can be left out of its extraction.
    data = patch_zip(zip_bytes({LONG_NAME: b"long", "ok.txt": b"ok"}), 0, method=9)

    with pytest.raises(ExtractionRefused, match="too long to extract.*304 bytes long"):
        sandbox.extract(data, "d64.zip")
    assert not (sandbox.work / "src").exists()


def test_the_limits_are_on_bytes_depth_and_the_nesting_prefix():
    assert why_too_long("a" * MAX_NAME_BYTES) == ""
    assert "241 bytes" in why_too_long("a" * (MAX_NAME_BYTES + 1))
    assert why_too_long("/".join(["d"] * MAX_PATH_DEPTH)) == ""
    assert "101 levels" in why_too_long("/".join(["d"] * MAX_PATH_DEPTH), prefix="x")
    assert "1,025 bytes" in why_too_long("/".join(["a" * 200] * 5) + "/" + "b" * 20)
    assert why_too_long("é" * 120) == ""  # 240 bytes in UTF-8
    assert why_too_long("é" * 121) != ""


def test_an_ordinary_long_but_legal_name_is_kept(sandbox):
    name = "pkg/" + "n" * MAX_NAME_BYTES
    result = sandbox.extract(tar_bytes(regular(name, b"kept")), "legal.tar.gz")

    assert tree(result.root) == {name: b"kept"} and not _dropped(result)
