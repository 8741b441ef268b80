"""An archive's listing: read and counted before extractcode writes anything, and compared
with what extractcode wrote afterwards (steps 1 and 4 of extraction.py).

extractcode enforces no limits and an archive's headers may lie, so `read_listing` reads the
entries (with libarchive; its raw reader for one compressed stream such as .gz; 7-Zip for what
libarchive cannot read) and decompresses every file entry into memory or a pipe, never to disk.
A `Budget` checks the real entries and bytes against the limits as they are counted and raises
`OverLimit` the moment one is passed: a bomb is refused before a single file is written. After
extraction, `note_differences` reports what extractcode dropped, emptied or renamed.

Imports go one way: extraction.py uses this module, never the reverse, and turns OverLimit into
ExtractionRefused and the notes into ExtractionNotes.
"""
from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

# Below this much content the ratio is not checked: a 1 KiB archive holding a 200 KiB text
# file expands 200 times and is no bomb. Bombs matter only when they are big.
RATIO_FLOOR_BYTES = 10 * MiB

RISKY_BITS = stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX
_READ_CHUNK = MiB
# Past max_files, headers (not data) are counted on up to this multiple of the limit, so the
# refusal can give the real number without reading a million-entry listing to the end.
_COUNT_PAST_LIMIT = 10


@dataclass
class Member:
    """One entry of an archive's listing."""

    raw: bytes  # the name as stored
    name: str  # decoded the way extractcode decodes it
    kind: str  # file | dir | symlink | hardlink | special
    link: str = ""  # the symlink's or hard link's target
    mode: int = 0  # permission bits as stored; 0 when the format has none
    special: str = ""  # "fifo", "character device", … for kind "special"


@dataclass
class Listing:
    members: list[Member]
    # libarchive: names are what libarchive2.extract writes from, so where each lands can be
    # worked out. raw: one compressed stream, no names. 7z: names, but 7-Zip's own renaming.
    source: str


class Unreadable(Exception):
    """Neither libarchive nor 7-Zip can read the archive."""


class OverLimit(Exception):
    """A limit was passed while counting. `reason` is a sentence for the user; extraction.py
    raises it as ExtractionRefused."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Budget:
    """Counts one archive's listing against what the tree may still take; refuses the moment
    a limit is passed. `limits` is the ExtractionLimits; `files` and `total_bytes` are what the
    tree already holds; `where` names the archive in the refusal."""

    def __init__(self, limits, files: int, total_bytes: int, where: str, archive_size: int):
        self.limits, self.files, self.total_bytes = limits, files, total_bytes
        self.where, self.archive_size = where, archive_size
        self.entries = self.content = 0
        self.entry_cap = max(0, limits.max_files - files)
        self.caps = [
            (limits.max_total_bytes - total_bytes, self._too_big),
            (max(RATIO_FLOOR_BYTES, limits.max_ratio * archive_size), self._too_expanding),
        ]

    @property
    def too_many(self) -> bool:
        return self.entries > self.entry_cap

    @property
    def stop_counting(self) -> bool:
        return self.entries > self.limits.max_files * _COUNT_PAST_LIMIT

    def add_entry(self) -> None:
        self.entries += 1

    def add_bytes(self, count: int) -> None:
        self.content += count
        for cap, refuse in self.caps:
            if self.content > cap:
                refuse()

    def finish(self) -> None:
        if not self.too_many:
            return
        limit = self.limits.max_files
        count = (f"more than {limit * _COUNT_PAST_LIMIT:,}" if self.stop_counting
                 else f"{self.entries:,}")
        already = f", on top of the {self.files:,} files already extracted" if self.files else ""
        raise OverLimit(f"{self.where} holds {count} entries{already}; "
                        f"the limit is {limit:,}.")

    def _too_big(self) -> None:
        limit = human_size(self.limits.max_total_bytes)
        already = (f" with the {human_size(self.total_bytes)} already extracted"
                   if self.total_bytes else "")
        raise OverLimit(f"{self.where} expands to more than {limit}{already}; "
                        f"the limit is {limit}.")

    def _too_expanding(self) -> None:
        ratio = self.limits.max_ratio
        raise OverLimit(
            f"{self.where} expands more than {ratio:g} times its size "
            f"({human_size(self.archive_size)} to over {human_size(self.content)}); the limit is "
            f"{ratio:g}. Archives that expand this much are usually compression bombs.")


def read_listing(archive: Path, single_stream: bool, new_budget: Callable[[], Budget]) -> Listing:
    """The archive's entries with their real sizes counted, from the first reader that
    can read it: libarchive, libarchive's raw reader for a single compressed stream (.gz, .bz2,
    .xz, …), 7-Zip; only the last two when `single_stream` (extractcode will decompress it to
    one file). Raises Unreadable when none can read it, OverLimit when a limit is passed."""
    readers = ((_raw_listing, _sevenzip_listing) if single_stream
               else (_libarchive_listing, _raw_listing, _sevenzip_listing))
    first_error = None
    for reader in readers:
        try:
            return reader(archive, new_budget())
        except Unreadable as exc:
            first_error = first_error or exc
    raise first_error


def _libarchive_listing(archive: Path, budget: Budget, raw: bool = False) -> Listing:
    import ctypes

    from extractcode import libarchive2 as la

    members: list[Member] = []
    handle, entry = la.archive_reader(), la.new_entry()
    buffer = ctypes.create_string_buffer(_READ_CHUNK)
    try:
        try:
            la.use_all_filters(handle)
        except la.ArchiveWarning:
            pass  # some filters would need an external program: the others still work
        (la.use_raw_formats if raw else la.use_all_formats)(handle)
        la.open_file(handle, os.fsencode(archive), 10240)
        while not budget.stop_counting:
            try:
                if la.next_entry(handle, entry) == la.ARCHIVE_EOF:
                    break
            except la.ArchiveWarning:
                pass
            if raw and _filter_code(la, handle) == 0:
                raise Unreadable("not a compressed file")
            member = _libarchive_member(la, entry)
            members.append(member)
            budget.add_entry()
            if member.kind == "file" and not budget.too_many:
                while True:
                    try:
                        count = la.read_entry_data(handle, buffer, _READ_CHUNK)
                    except la.ArchiveWarning:
                        break  # e.g. a size that does not match the header: counted as read
                    if count <= 0:
                        break
                    budget.add_bytes(count)
    except la.ArchiveException as exc:
        raise Unreadable(str(exc) or "libarchive cannot read it") from None
    finally:
        la.free_entry(entry)
        la.free_archive(handle)
    budget.finish()
    return Listing(members, "raw" if raw else "libarchive")


def _raw_listing(archive: Path, budget: Budget) -> Listing:
    return _libarchive_listing(archive, budget, raw=True)


def _filter_code(la, handle) -> int:
    import ctypes

    function = la.libarchive.archive_filter_code
    function.argtypes, function.restype = [ctypes.c_void_p, ctypes.c_int], ctypes.c_int
    return function(handle, 0)


def _libarchive_member(la, entry) -> Member:
    import ctypes

    function = la.libarchive.archive_entry_mode
    function.argtypes, function.restype = [ctypes.c_void_p], ctypes.c_uint
    mode = function(entry)
    info = la.Entry(None, entry)
    name = info.path or ""
    raw = la.entry_path(entry) or name.encode("utf-8", "surrogateescape")
    member = Member(raw=raw, name=name, kind="file", mode=mode & 0o7777)
    if info.islnk:
        member.kind, member.link = "hardlink", info.hardlink_path or ""
    elif info.issym:
        member.kind, member.link = "symlink", info.symlink_path or ""
    elif info.isdir:
        member.kind = "dir"
    elif info.isspecial or not info.isfile:
        member.kind, member.special = "special", special_kind(mode)
    return member


def _sevenzip_listing(archive: Path, budget: Budget) -> Listing:
    """7-Zip's listing; the bytes are counted by decompressing to a pipe, never to disk."""
    from extractcode import sevenzip

    seven_zip = sevenzip.get_command_location()
    listed = subprocess.run([seven_zip, "l", "-slt", "-p", "--", str(archive)],
                            stdin=subprocess.DEVNULL, capture_output=True,
                            cwd=tempfile.gettempdir())
    _, marker, body = listed.stdout.partition(b"\n----------\n")
    if listed.returncode != 0 or not marker:
        raise Unreadable("7-Zip cannot read it")
    members = []
    for block in body.split(b"\n\n"):
        fields = dict(line.partition(b" = ")[::2] for line in block.splitlines()
                      if b" = " in line)
        if b"Path" not in fields:
            continue
        members.append(_sevenzip_member(fields))
        budget.add_entry()
        if budget.stop_counting:
            break
    budget.finish()
    process = subprocess.Popen([seven_zip, "x", "-so", "-y", "-p", "--", str(archive)],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    try:
        while chunk := process.stdout.read(_READ_CHUNK):
            budget.add_bytes(len(chunk))
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.wait()
    if process.returncode != 0:
        raise Unreadable("7-Zip cannot decompress it")
    return Listing(members, "7z")


def _sevenzip_member(fields: dict[bytes, bytes]) -> Member:
    """A member from one block of `7z l -slt`, e.g. Attributes = "_ lrwxrwxrwx"."""
    raw = fields[b"Path"]
    unix = fields.get(b"Attributes", b"").decode("ascii", "replace").rpartition(" ")[2]
    unix = unix if len(unix) == 10 else ""
    member = Member(raw, raw.decode("utf-8", "surrogateescape"), "file",
                    mode=_mode_from_text(unix))
    kinds = {"l": "symlink", "d": "dir", "p": "special", "c": "special", "b": "special",
             "s": "special"}
    member.kind = kinds.get(unix[:1], "dir" if fields.get(b"Folder") == b"+" else "file")
    if fields.get(b"Symbolic Link"):
        member.kind, member.link = "symlink", show(fields[b"Symbolic Link"])
    elif fields.get(b"Hard Link"):
        member.kind, member.link = "hardlink", show(fields[b"Hard Link"])
    if member.kind == "special":
        member.special = {"p": "a fifo", "c": "a character device", "b": "a block device",
                          "s": "a socket"}[unix[0]]
    return member


def _mode_from_text(unix: str) -> int:
    """The setuid, setgid and sticky bits of an ls-style mode such as "-rwsr-xr-x"."""
    mode = 0
    for index, bit in ((3, stat.S_ISUID), (6, stat.S_ISGID), (9, stat.S_ISVTX)):
        if unix[index:index + 1] in ("s", "S", "t", "T"):
            mode |= bit
    return mode


def note_differences(listing: Listing, target: Path, prefix: str,
                     note: Callable[[str, str, str], None], dropped=frozenset()) -> None:
    """Compare the listing with what landed in `target` and note every difference, as
    note(path, kind, detail) with the path under `prefix` (`target` relative to the root).
    `dropped`: indexes of entries left out on purpose (noted by the caller)."""
    if listing.source == "raw":
        return
    landed = (_landing_paths(listing.members, dropped) if listing.source == "libarchive"
              else {})

    def at(path: str) -> str:
        path = _text(path)
        return f"{prefix}/{path}" if prefix else path

    for index, member in enumerate(listing.members):
        if index in dropped:
            continue
        natural, escapes = _natural_path(member.name)
        shown = show(member.raw)
        if member.kind == "symlink":
            to = f" to '{member.link}'" if member.link else ""
            note(at(natural), "symlink_dropped", f"symbolic link{to} was not extracted")
            continue
        if member.kind == "special":
            note(at(natural), "special_dropped", f"{member.special} was not extracted")
            continue
        if member.kind == "dir":
            if member.mode & RISKY_BITS:
                note(at(natural), "mode_cleared", bits_cleared(member.mode))
            continue
        place = landed.get(index)
        if place is None or not _is_file(target / place):
            place = natural if _is_file(target / natural) else None
        path = at(place or natural)
        if member.kind == "hardlink":
            how = ("was not extracted" if place is None else "was extracted as an empty file"
                   if (target / place).stat().st_size == 0 else "was extracted as a copy")
            note(path, "hardlink_emptied", f"hard link to '{member.link}' {how}")
        if not _is_utf8(member.raw):
            note(path, "name_not_utf8", f"the name '{shown}' is not valid UTF-8; "
                 f"extracted as '{_text(place or 'nothing')}'")
        elif escapes:
            note(path, "path_contained", f"the path '{shown}' points outside the archive; "
                 f"extracted as '{_text(place or 'nothing')}' inside it")
        elif place is None:
            note(path, "renamed", f"'{shown}' is not under that name on disk")
        elif place != natural:
            note(path, "renamed", f"renamed from '{_text(natural)}' to '{_text(place)}'")
        if member.mode & RISKY_BITS:
            note(path, "mode_cleared", bits_cleared(member.mode))


def _landing_paths(members: list[Member], dropped=frozenset()) -> dict[int, str]:
    """Where libarchive2.extract writes each file entry: extractcode's safe_path, then its
    new_name, which adds _1, _2, … to a name already taken in the folder, ignoring case.
    Entries in `dropped` are not written, so take no name."""
    from commoncode.paths import safe_path

    taken: dict[str, set[str]] = {}

    def claim_folders(path: str) -> None:
        parent = ""
        for segment in path.split("/"):
            taken.setdefault(parent, set()).add(segment.lower())
            parent = f"{parent}/{segment}" if parent else segment

    landed = {}
    for index, member in enumerate(members):
        if index in dropped:
            continue
        if member.kind == "dir":
            claim_folders(safe_path(member.name, preserve_spaces=True))
        elif member.kind in ("file", "hardlink"):
            parent, _, name = safe_path(member.name, preserve_spaces=True).rpartition("/")
            if parent:
                claim_folders(parent)
            siblings = taken.setdefault(parent, set())
            name = _unique_name(name, siblings)
            siblings.add(name.lower())
            landed[index] = f"{parent}/{name}" if parent else name
    return landed


def _unique_name(name: str, siblings: set[str]) -> str:
    """extractcode.new_name, on a set of names instead of a folder."""
    if name in (".", ".."):
        name = "_"
    if name.lower() not in siblings:
        return name
    base, dot, extension = name.partition(".")
    extension = f".{extension}" if dot else ""
    counter = 1
    while f"{base}_{counter}{extension}".lower() in siblings:
        counter += 1
    return f"{base}_{counter}{extension}"


def _natural_path(name: str) -> tuple[str, bool]:
    """The path an ordinary tool would write `name` to, and whether it points outside."""
    if "\\" in name and "/" not in name:
        name = name.replace("\\", "/")
    escapes = name.startswith("/") or (len(name) > 1 and name[1] == ":")
    parts: list[str] = []
    for segment in name.split("/"):
        if segment == "..":
            if parts:
                parts.pop()
            else:
                escapes = True
        elif segment not in ("", "."):
            parts.append(segment)
    return "/".join(parts) or "_", escapes


def _is_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:  # a name too long for the file system, for one
        return False


def special_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a fifo"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((label for test, label in kinds if test(mode)), "a special file")


def bits_cleared(mode: int) -> str:
    bits = [label for bit, label in ((stat.S_ISUID, "setuid"), (stat.S_ISGID, "setgid"),
                                     (stat.S_ISVTX, "sticky")) if mode & bit]
    return f"{' and '.join(bits)} {'bit' if len(bits) == 1 else 'bits'} cleared " \
           f"(mode {mode & 0o7777:o})"


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def show(raw: bytes) -> str:
    """A name for people and databases: valid UTF-8 always, undecodable bytes as \\xNN."""
    return raw.decode("utf-8", "backslashreplace")


def _text(name: str) -> str:
    """`show` for a name already decoded with surrogateescape."""
    return show(name.encode("utf-8", "surrogateescape"))


def human_size(count: float) -> str:
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{int(count)} bytes"
