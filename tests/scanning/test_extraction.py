"""extract_safely on ordinary and hostile archives, every one built here with tarfile/zipfile.

Each extraction goes through `Sandbox.extract`, which also checks that nothing outside the
work directory changed: a sentinel folder beside it, the uploads folder, the system temp dir.
"""
from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from governance.scanning import extraction
from governance.scanning.extraction import (
    ExtractionLimits,
    ExtractionRefused,
    ExtractionResult,
    extract_safely,
)

MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def _app_context():
    """Overrides the suite's app-and-database fixture: the pure core needs neither."""
    yield


# Archive builders ---------------------------------------------------------------------------

def regular(name: str, data: bytes = b"x", mode: int = 0o644) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), mode
    return info, data


def special(name: str, kind: bytes, target: str = "", mode: int = 0o644, device=(0, 0)):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mode = kind, target, mode
    info.devmajor, info.devminor = device
    return info, None


def tar_bytes(*members, compression: str = "gz") -> bytes:
    buffer = io.BytesIO()
    # surrogateescape writes names that are not UTF-8 byte for byte.
    with tarfile.open(fileobj=buffer, mode=f"w:{compression}", format=tarfile.GNU_FORMAT,
                      encoding="utf-8", errors="surrogateescape") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def patch_zip(data: bytes, member_index: int, *, method: int | None = None,
              size: int | None = None) -> bytes:
    """Rewrite a member's compression method or declared size in both zip headers."""
    raw = bytearray(data)
    local = central = -1
    for _ in range(member_index + 1):
        local = raw.find(b"PK\x03\x04", local + 1)
        central = raw.find(b"PK\x01\x02", central + 1)
    if method is not None:
        struct.pack_into("<H", raw, local + 8, method)
        struct.pack_into("<H", raw, central + 10, method)
    if size is not None:
        struct.pack_into("<I", raw, local + 22, size)
        struct.pack_into("<I", raw, central + 24, size)
    return bytes(raw)


# The sandbox ----------------------------------------------------------------------------------

@dataclass
class Sandbox:
    base: Path
    work: Path
    outside: Path
    uploads: Path

    def extract(self, data: bytes, name: str, limits: ExtractionLimits = ExtractionLimits(),
                original_name: str | None = None) -> ExtractionResult:
        upload = self.uploads / name
        upload.write_bytes(data)
        before = self.snapshot()
        try:
            return extract_safely(upload, self.work, limits, original_name)
        finally:
            assert self.snapshot() == before, "something outside the work directory changed"
            assert not (self.work / extraction.CONTROL_DIR_NAME).exists()

    def snapshot(self) -> dict:
        seen = {}
        for folder, dirnames, filenames in os.walk(self.base):
            if Path(folder) == self.base and self.work.name in dirnames:
                dirnames.remove(self.work.name)
            for name in dirnames + filenames:
                path = Path(folder, name)
                info = path.lstat()
                content = (os.readlink(path) if path.is_symlink()
                           else hashlib.sha256(path.read_bytes()).hexdigest()
                           if path.is_file() else "")
                seen[str(path.relative_to(self.base))] = (info.st_mode, info.st_nlink, content)
        temp = tempfile.gettempdir()
        seen["<system temp>"] = sorted(n for n in os.listdir(temp) if n.startswith("extractcode"))
        return seen


@pytest.fixture
def sandbox(tmp_path) -> Sandbox:
    outside, uploads = tmp_path / "outside", tmp_path / "uploads"
    outside.mkdir()
    uploads.mkdir()
    (outside / "sentinel.txt").write_text("untouched")
    return Sandbox(tmp_path, tmp_path / "work", outside, uploads)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root, by POSIX path; fails on anything but files and folders."""
    found = {}
    for folder, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(folder, name)
            info = path.lstat()
            assert stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode), path
            assert info.st_mode & 0o7000 == 0, path
            if stat.S_ISREG(info.st_mode):
                assert info.st_nlink == 1, path
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def notes_of(result: ExtractionResult, kind: str) -> dict[str, str]:
    return {note.path: note.detail for note in result.notes if note.kind == kind}


def spy_on_extractcode(monkeypatch) -> list[str]:
    """The archives extractcode is asked to write out, and none is written."""
    calls = []

    def record(archive, target):
        calls.append(archive.name)
        return ["not extracted in this test"]

    monkeypatch.setattr(extraction, "_run_extractcode", record)
    return calls


# Ordinary archives ----------------------------------------------------------------------------

def test_tar_gz_extracts_every_file_with_its_bytes(sandbox):
    data = tar_bytes(regular("pkg/setup.py", b"print('hi')\n"), regular("pkg/README", b"read"),
                     regular("pkg/src/mod.py", b"x = 1\n"))

    result = sandbox.extract(data, "pkg-1.0.tar.gz")

    assert result.root == sandbox.work / "src"
    assert tree(result.root) == {"pkg/setup.py": b"print('hi')\n", "pkg/README": b"read",
                                 "pkg/src/mod.py": b"x = 1\n"}
    assert (result.files, result.total_bytes) == (3, 22)
    assert result.notes == []


def test_zip_extracts_every_file_with_its_bytes(sandbox):
    data = zip_bytes({"a.txt": b"alpha", "dir/b.txt": b"beta", "dir/sub/c.txt": b"gamma"})

    result = sandbox.extract(data, "bundle.zip")

    assert tree(result.root) == {"a.txt": b"alpha", "dir/b.txt": b"beta",
                                 "dir/sub/c.txt": b"gamma"}
    assert (result.files, result.total_bytes) == (3, 14)


def test_plain_file_is_copied_as_the_only_file(sandbox):
    result = sandbox.extract(b"import os\n", "tool.py")

    assert tree(result.root) == {"tool.py": b"import os\n"}
    assert (result.files, result.total_bytes) == (1, 10)


def test_archive_stored_under_a_hash_name_is_read_by_its_original_name(sandbox):
    data = tar_bytes(regular("pkg/a.txt", b"a"))

    result = sandbox.extract(data, "3f2a9c", original_name="../../pkg-1.0.tar.gz")

    assert tree(result.root) == {"pkg/a.txt": b"a"}


def test_a_retry_replaces_what_an_earlier_run_left(sandbox):
    sandbox.work.joinpath("src", "stale").mkdir(parents=True)
    sandbox.work.joinpath("src", "stale", "old.txt").write_text("old")

    result = sandbox.extract(zip_bytes({"new.txt": b"new"}), "again.zip")

    assert tree(result.root) == {"new.txt": b"new"}


def test_temporary_folders_are_inside_the_work_directory_and_settings_come_back(
        sandbox, monkeypatch):
    from commoncode import fileutils

    monkeypatch.setenv("TMPDIR", "/elsewhere")
    monkeypatch.delenv("SCANCODE_TEMP", raising=False)
    defaults, used = fileutils.get_temp_dir.__defaults__, []
    original = extraction._run_extractcode

    def spy(archive, target):
        used.append((os.environ["TMPDIR"], os.environ["SCANCODE_TEMP"], tempfile.gettempdir(),
                     fileutils.get_temp_dir.__defaults__[0]))
        return original(archive, target)

    monkeypatch.setattr(extraction, "_run_extractcode", spy)
    sandbox.extract(tar_bytes(regular("a.txt")), "a.tar.gz")

    control_tmp = str(sandbox.work / extraction.CONTROL_DIR_NAME / "tmp")
    assert used == [(control_tmp,) * 4]
    assert os.environ["TMPDIR"] == "/elsewhere"
    assert "SCANCODE_TEMP" not in os.environ
    assert fileutils.get_temp_dir.__defaults__ == defaults


# Nested archives ------------------------------------------------------------------------------

def test_zip_inside_tar_gz_is_extracted_one_level_down(sandbox):
    inner = zip_bytes({"lib/inner.txt": b"inside"})
    data = tar_bytes(regular("pkg/vendor/inner.zip", inner), regular("pkg/top.txt", b"top"))

    result = sandbox.extract(data, "pkg.tar.gz")

    files = tree(result.root)
    assert files["pkg/vendor/inner.zip-extract/lib/inner.txt"] == b"inside"
    assert files["pkg/vendor/inner.zip"] == inner
    assert result.files == 3
    assert notes_of(result, "nested_extracted") == {
        "pkg/vendor/inner.zip": "extracted into pkg/vendor/inner.zip-extract/"}


def test_wheel_and_jar_are_extracted_as_zips(sandbox):
    wheel = zip_bytes({"demo/__init__.py": b"", "demo-1.0.dist-info/METADATA": b"Name: demo"})
    jar = zip_bytes({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "a/B.class": b"\xca"})

    from_wheel = sandbox.extract(wheel, "demo-1.0-py3-none-any.whl")
    assert set(tree(from_wheel.root)) == {"demo/__init__.py", "demo-1.0.dist-info/METADATA"}
    from_jar = sandbox.extract(jar, "demo-1.0.jar")
    assert set(tree(from_jar.root)) == {"META-INF/MANIFEST.MF", "a/B.class"}


def test_gem_and_its_data_tar_gz_are_extracted(sandbox):
    data_tar = tar_bytes(regular("lib/demo.rb", b"module Demo; end\n"))
    metadata = zlib.compress(b"--- !ruby/object:Gem::Specification\nname: demo\n", wbits=31)
    gem = tar_bytes(regular("metadata.gz", metadata), regular("data.tar.gz", data_tar),
                    compression="")

    result = sandbox.extract(gem, "demo-1.0.gem")

    files = tree(result.root)
    assert files["data.tar.gz-extract/lib/demo.rb"] == b"module Demo; end\n"
    assert any(path.startswith("metadata.gz-extract/") and b"name: demo" in content
               for path, content in files.items())
    assert set(notes_of(result, "nested_extracted")) == {"data.tar.gz", "metadata.gz"}


def test_archives_nested_deeper_than_max_depth_are_refused(sandbox):
    data = zip_bytes({"core.txt": b"bottom"})
    for level in range(4):
        data = zip_bytes({f"level{level}.zip": data})

    with pytest.raises(ExtractionRefused, match="nested more than 3 levels deep"):
        sandbox.extract(data, "bomb.zip", ExtractionLimits(max_depth=3))
    assert not (sandbox.work / "src").exists()


def test_a_corrupt_nested_archive_is_kept_as_a_file_and_noted(sandbox):
    broken = tar_bytes(regular("a.txt", b"a" * 5000))[:60]
    data = zip_bytes({"fixtures/broken.tar.gz": broken, "ok.txt": b"ok"})

    result = sandbox.extract(data, "pkg.zip")

    assert tree(result.root) == {"fixtures/broken.tar.gz": broken, "ok.txt": b"ok"}
    assert "could not be read" in notes_of(result, "nested_skipped")["fixtures/broken.tar.gz"]


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


# Limits ---------------------------------------------------------------------------------------

def test_compression_bomb_is_refused_before_anything_is_written(sandbox, monkeypatch):
    calls = spy_on_extractcode(monkeypatch)
    data = zip_bytes({"zeros.bin": bytes(50 * MiB)})

    with pytest.raises(ExtractionRefused, match="expands more than 100 times its size"):
        sandbox.extract(data, "bomb.zip", ExtractionLimits(max_ratio=100))
    assert calls == []
    assert not (sandbox.work / "src").exists()


def test_zip_whose_declared_sizes_lie_is_refused_by_its_real_size(sandbox, monkeypatch):
    calls = spy_on_extractcode(monkeypatch)
    data = patch_zip(zip_bytes({"small.txt": bytes(3 * MiB)}), 0, size=100)

    with pytest.raises(ExtractionRefused, match="expands to more than 1 MiB"):
        sandbox.extract(data, "liar.zip", ExtractionLimits(max_total_bytes=MiB))
    assert calls == []


def test_too_many_entries_are_refused_before_extraction(sandbox, monkeypatch):
    calls = spy_on_extractcode(monkeypatch)
    data = tar_bytes(*(regular(f"f{i}.txt") for i in range(60)))

    with pytest.raises(ExtractionRefused) as refused:
        sandbox.extract(data, "many.tar.gz", ExtractionLimits(max_files=50))
    assert refused.value.reason == "The archive holds 60 entries; the limit is 50."
    assert calls == []


def test_file_count_limit_applies_to_the_whole_tree(sandbox):
    inner = zip_bytes({f"inner{i}.txt": b"i" for i in range(30)})
    data = tar_bytes(*(regular(f"outer{i}.txt") for i in range(25)), regular("nested.zip", inner))

    with pytest.raises(ExtractionRefused, match="on top of the 26 files already extracted"):
        sandbox.extract(data, "tree.tar.gz", ExtractionLimits(max_files=50))
    assert not (sandbox.work / "src").exists()


def test_total_bytes_limit_applies_to_the_whole_tree(sandbox):
    inner = zip_bytes({"big.bin": os.urandom(600 * 1024)})
    data = tar_bytes(regular("nested.zip", inner))

    with pytest.raises(ExtractionRefused, match="inside the upload expands to more than 1 MiB"):
        sandbox.extract(data, "tree.tar.gz", ExtractionLimits(max_total_bytes=MiB))


def test_archive_larger_than_the_limit_is_refused(sandbox):
    with pytest.raises(ExtractionRefused) as refused:
        sandbox.extract(os.urandom(2 * MiB), "big.zip", ExtractionLimits(max_archive_bytes=MiB))
    assert refused.value.reason == "The archive is 2 MiB; the limit is 1 MiB."


# Unreadable input -----------------------------------------------------------------------------

def test_truncated_archive_is_refused_with_a_reason(sandbox):
    data = tar_bytes(*(regular(f"f{i}.txt", os.urandom(2000)) for i in range(5)))[:3000]

    with pytest.raises(ExtractionRefused, match="^The archive could not be read: .+"):
        sandbox.extract(data, "truncated.tar.gz")
    assert not (sandbox.work / "src").exists()


def test_garbage_named_like_an_archive_is_refused(sandbox):
    with pytest.raises(ExtractionRefused) as refused:
        sandbox.extract(b"this is not a zip at all", "package.zip")
    assert refused.value.reason == ("The file is named package.zip but is not an archive "
                                    "that can be read.")


def test_missing_upload_is_refused(sandbox):
    with pytest.raises(ExtractionRefused, match="cannot be read"):
        extract_safely(sandbox.uploads / "nothing.zip", sandbox.work)
