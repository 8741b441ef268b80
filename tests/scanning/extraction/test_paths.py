"""extract_safely on hostile paths, links, special files and mode bits (archives built here)."""
from __future__ import annotations

import os
import tarfile

from governance.scanning import extraction
from tests.scanning.extraction.kit import (
    notes_of,
    patch_zip,
    regular,
    special,
    tar_bytes,
    tree,
    zip_bytes,
)

# Paths, links and special files ---------------------------------------------------------------

def test_dotdot_and_absolute_member_paths_stay_inside(sandbox):
    outside = sandbox.outside
    data = tar_bytes(regular("pkg/ok.txt", b"ok"),
                     regular("../../outside/up2.txt", b"escaped"),
                     regular("../../../../../outside/up5.txt", b"escaped"),
                     regular(f"{outside}/absolute.txt", b"escaped"),
                     regular("pkg/../../sneaky.txt", b"escaped"))

    result = sandbox.extract(data, "slip.tar.gz")

    files = tree(result.root)
    assert sorted(files.values()) == [b"escaped"] * 4 + [b"ok"]
    contained = notes_of(result, "path_contained")
    assert len(contained) == 4
    assert all(path in files for path in contained)
    assert "'../../outside/up2.txt' points outside the archive" in " ".join(contained.values())


def test_zip_slip_paths_stay_inside(sandbox):
    data = zip_bytes({"ok.txt": b"ok", "../../outside/zs.txt": b"escaped",
                      f"{sandbox.outside}/abs.txt": b"escaped"})

    result = sandbox.extract(data, "slip.zip")

    assert sorted(tree(result.root).values()) == [b"escaped", b"escaped", b"ok"]
    assert len(notes_of(result, "path_contained")) == 2


def test_symlinks_are_dropped_and_recorded_with_their_targets(sandbox):
    data = tar_bytes(special("pkg/passwd", tarfile.SYMTYPE, "/etc/passwd"),
                     special("pkg/out", tarfile.SYMTYPE, "../../outside"),
                     regular("pkg/out/planted.txt", b"through the link?"))

    result = sandbox.extract(data, "links.tar.gz")

    assert tree(result.root) == {"pkg/out/planted.txt": b"through the link?"}
    assert notes_of(result, "symlink_dropped") == {
        "pkg/passwd": "symbolic link to '/etc/passwd' was not extracted",
        "pkg/out": "symbolic link to '../../outside' was not extracted"}


def test_zip_symlinks_are_dropped(sandbox):
    data = zip_bytes({"ok.txt": b"ok"}, symlinks={"passwd": "/etc/passwd"})

    result = sandbox.extract(data, "links.zip")

    assert tree(result.root) == {"ok.txt": b"ok"}
    assert notes_of(result, "symlink_dropped") == {
        "passwd": "symbolic link to '/etc/passwd' was not extracted"}


def test_hard_links_are_emptied_and_nothing_is_written_through_them(sandbox):
    sentinel = sandbox.outside / "sentinel.txt"
    data = tar_bytes(special("pkg/hosts", tarfile.LNKTYPE, str(sentinel)),
                     regular("pkg/hosts", b"overwritten"),
                     special("pkg/passwd", tarfile.LNKTYPE, "/etc/passwd"))

    result = sandbox.extract(data, "hardlinks.tar.gz")

    assert tree(result.root) == {"pkg/hosts": b"", "pkg/hosts_1": b"overwritten",
                                 "pkg/passwd": b""}
    assert notes_of(result, "hardlink_emptied") == {
        "pkg/hosts": f"hard link to '{sentinel}' was extracted as an empty file",
        "pkg/passwd": "hard link to '/etc/passwd' was extracted as an empty file"}
    assert notes_of(result, "renamed") == {
        "pkg/hosts_1": "renamed from 'pkg/hosts' to 'pkg/hosts_1'"}
    assert sentinel.read_text() == "untouched"


def test_devices_and_fifos_are_dropped(sandbox):
    data = tar_bytes(special("dev/null", tarfile.CHRTYPE, device=(1, 3)),
                     special("dev/sda", tarfile.BLKTYPE, device=(8, 0)),
                     special("dev/pipe", tarfile.FIFOTYPE), regular("dev/readme", b"r"))

    result = sandbox.extract(data, "devices.tar")

    assert tree(result.root) == {"dev/readme": b"r"}
    assert notes_of(result, "special_dropped") == {
        "dev/null": "a character device was not extracted",
        "dev/sda": "a block device was not extracted",
        "dev/pipe": "a fifo was not extracted"}


def test_setuid_setgid_and_sticky_bits_are_cleared(sandbox):
    data = tar_bytes(regular("bin/su", b"#!/bin/sh\n", mode=0o4755),
                     regular("bin/group", b"g", mode=0o2755),
                     regular("bin/sticky", b"s", mode=0o1644))

    result = sandbox.extract(data, "modes.tar.gz")

    assert set(tree(result.root)) == {"bin/su", "bin/group", "bin/sticky"}  # no bits left
    assert notes_of(result, "mode_cleared") == {
        "bin/su": "setuid bit cleared (mode 4755)",
        "bin/group": "setgid bit cleared (mode 2755)",
        "bin/sticky": "sticky bit cleared (mode 1644)"}


def test_names_that_are_not_utf8_or_not_portable_are_renamed_and_noted(sandbox):
    data = tar_bytes(regular("pkg/bad\udcff\udcfe.txt", b"1"), regular("pkg/café.txt", b"2"),
                     regular("pkg/Readme", b"3"), regular("pkg/README", b"4"))

    result = sandbox.extract(data, "names.tar.gz")

    assert tree(result.root) == {"pkg/badyth.txt": b"1", "pkg/cafe.txt": b"2",
                                 "pkg/Readme": b"3", "pkg/README_1": b"4"}
    assert notes_of(result, "name_not_utf8") == {"pkg/badyth.txt": (
        "the name 'pkg/bad\\xff\\xfe.txt' is not valid UTF-8; extracted as 'pkg/badyth.txt'")}
    assert notes_of(result, "renamed") == {
        "pkg/cafe.txt": "renamed from 'pkg/café.txt' to 'pkg/cafe.txt'",
        "pkg/README_1": "renamed from 'pkg/README' to 'pkg/README_1'"}
    for note in result.notes:  # storable as they are: no lone surrogates
        note.path.encode("utf-8")
        note.detail.encode("utf-8")


def test_links_devices_and_mode_bits_an_extractor_leaves_are_cleaned_up(sandbox, monkeypatch):
    # extractcode never writes these, but 7-Zip (its fallback) writes symlinks and modes: the
    # walk after extraction must catch whatever an extractor lets through.
    original, sentinel = extraction._run_extractcode, sandbox.outside / "sentinel.txt"

    def careless(archive, target):
        errors = original(archive, target)
        os.symlink(sandbox.outside, target / "escape")
        os.symlink("/etc/passwd", target / "passwd")
        os.mkfifo(target / "pipe")
        os.link(sentinel, target / "hardlinked")
        (target / "tool").write_bytes(b"#!/bin/sh\n")
        (target / "tool").chmod(0o4755)
        return errors

    monkeypatch.setattr(extraction, "_run_extractcode", careless)
    result = sandbox.extract(zip_bytes({"ok.txt": b"ok"}), "careless.zip")

    assert tree(result.root) == {"ok.txt": b"ok", "tool": b"#!/bin/sh\n"}
    assert {(n.path, n.kind) for n in result.notes} == {
        ("escape", "symlink_dropped"), ("passwd", "symlink_dropped"),
        ("pipe", "special_dropped"), ("hardlinked", "special_dropped"),
        ("tool", "mode_cleared")}
    assert sentinel.stat().st_nlink == 1


def test_zip_only_7zip_reads_is_counted_and_extracted_by_7zip(sandbox):
    # Method 9 (deflate64) is beyond libarchive; a plain deflate stream is valid deflate64.
    data = zip_bytes({"f.txt": b"some plain text\n"}, symlinks={"etc": "/etc"})

    result = sandbox.extract(patch_zip(data, 1, method=9), "d64.zip")

    assert tree(result.root) == {"f.txt": b"some plain text\n"}
    assert set(notes_of(result, "symlink_dropped")) == {"etc"}


