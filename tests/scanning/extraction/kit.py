"""Archives built by hand with tarfile/zipfile, and the sandbox the extraction tests run in.

`Sandbox.extract` also checks that nothing outside the work directory changed: a sentinel
folder beside it, the uploads folder, the system temp dir.
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
from dataclasses import dataclass
from pathlib import Path

from governance.scanning import extraction
from governance.scanning.extraction import (
    ExtractionLimits,
    ExtractionResult,
    extract_safely,
)

MiB = 1024 * 1024


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


def make_sandbox(tmp_path) -> Sandbox:
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
