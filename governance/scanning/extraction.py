"""Safe extraction of an untrusted archive into a per-scan work directory.

extractcode stops path escapes but enforces no limits and says little about what it changes,
so each archive goes through four steps here:

1. Read its listing with libarchive (7-Zip for the formats libarchive cannot read) and count
   the entries and the bytes the entries really decompress to, before anything is written.
   Declared sizes are never trusted, and reading stops as soon as a limit is passed.
2. Let extractcode write the files, with its temporary folders inside the work directory.
3. Walk what landed: remove links and special files, clear setuid/setgid/sticky bits, check
   that everything resolves inside the tree, and count files and bytes again.
4. Compare the listing with the disk and note what extractcode dropped, emptied or renamed.

Archives found in the result are extracted into `<name>-extract/` beside them, one level
deeper each time, with the limits applying to the whole tree.

Runs in the calling process and changes process-wide temp-dir settings while it works (one
extraction at a time per process); the scan runner calls it in a child process of its own.
Pure core: no Flask, no database.
"""
from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

# Below this much content the ratio is not checked: a 1 KiB archive holding a 200 KiB text
# file expands 200 times and is no bomb. Bombs matter only when they are big.
RATIO_FLOOR_BYTES = 10 * MiB

SOURCE_DIR_NAME = "src"
# extractcode's temporary folders and the archive under its real name; removed at the end.
CONTROL_DIR_NAME = ".extraction"

NOTE_KINDS = ("symlink_dropped", "hardlink_emptied", "renamed", "special_dropped",
              "path_contained", "mode_cleared", "name_not_utf8", "nested_extracted",
              "nested_skipped")

# A file with one of these names that extractcode cannot open is refused rather than passed
# on as one opaque file: the user meant to upload an archive.
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz", ".gz", ".tbz2", ".bz2", ".txz", ".xz",
                    ".zst", ".7z", ".rar", ".whl", ".egg", ".jar", ".war", ".ear", ".gem",
                    ".nupkg", ".deb", ".rpm", ".apk", ".aar")

_RISKY_BITS = stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX
_READ_CHUNK = MiB
# Past max_files, headers (not data) are counted on up to this multiple of the limit, so the
# refusal can give the real number without reading a million-entry listing to the end.
_COUNT_PAST_LIMIT = 10
# extractcode handlers that decompress one stream into one file.
_SINGLE_STREAM_HANDLERS = ("Gzip", "bzip2", "xz", "lzma", "lzip", "lz4", "zstd", "Z")
_TEMP_VARIABLES = ("TMPDIR", "TEMP", "TMP", "SCANCODE_TEMP", "SCANCODE_TMP")

# Temp-dir settings and TZ are process-wide: two extractions in one process would trample
# each other's.
_PROCESS_LOCK = threading.Lock()


@dataclass(frozen=True)
class ExtractionLimits:
    """What one extraction may cost. Each limit is checked on the listing before extractcode
    writes anything, and again on what it wrote.

    max_archive_bytes -- the largest archive: the upload and each archive found inside it.
        Default 200 MiB: source packages are far smaller; a few binary wheels (PyTorch,
        TensorFlow) are bigger and are refused.
    max_total_bytes -- the most bytes the whole extracted tree may hold, nested archives and
        their contents included. Default 1 GiB. extractcode writes everything twice (into a
        temporary folder, then into place), so the work directory may briefly need twice this.
    max_files -- the most entries one archive may list, and the most files the whole tree may
        hold. Default 20,000. extractcode's time grows with the square of the entries in one
        folder (measured: 2,000 take 2.5 s, 6,000 take 14.5 s; 20,000 spread over 200 folders
        take 9 s), so the entries are counted before it starts.
    max_ratio -- the most an archive may expand: what it holds over its own size, and the
        whole tree over the upload. Default 100; source archives expand 3 to 10 times, a zip
        bomb a thousand times. Not applied until the content passes RATIO_FLOOR_BYTES (10 MiB).
    max_depth -- how many levels of archives are opened: 1 is the upload alone; the default,
        3, is the upload, an archive inside it and one inside that (a .tar.gz holding a .jar
        holding a .zip). An archive deeper than that refuses the whole extraction.
    """

    max_archive_bytes: int = 200 * MiB
    max_total_bytes: int = 1 * GiB
    max_files: int = 20_000
    max_ratio: float = 100
    max_depth: int = 3


@dataclass(frozen=True)
class ExtractionNote:
    """Something extractcode or the clean-up changed. `path` is relative to the root (POSIX);
    `kind` is one of NOTE_KINDS; `detail` is a sentence for the user."""

    path: str
    kind: str
    detail: str


@dataclass
class ExtractionResult:
    root: Path
    files: int
    total_bytes: int
    notes: list[ExtractionNote] = field(default_factory=list)


class ExtractionRefused(Exception):
    """The archive was not extracted. `reason` is a sentence for the user, e.g. 'The archive
    holds 25,000 entries; the limit is 20,000.'"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def extract_safely(archive: Path, work_dir: Path, limits: ExtractionLimits = ExtractionLimits(),
                   original_name: str | None = None) -> ExtractionResult:
    """Extract `archive` (recursively) into `work_dir`/src, or copy it there if it is a plain
    file. `original_name` is the file's real name when `archive` is stored under another:
    extractcode picks its handler by name as well as by content.

    Anything left in `work_dir`/src by an earlier attempt is removed first. On refusal, src is
    removed too. Raises ExtractionRefused for every limit and every unreadable archive.
    """
    # Absolute: extractcode and 7-Zip run in other folders.
    archive, work_dir = Path(os.path.abspath(archive)), Path(os.path.abspath(work_dir))
    try:
        info = archive.stat()
    except OSError as exc:
        raise ExtractionRefused(f"The uploaded file cannot be read ({exc.strerror}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise ExtractionRefused("The upload is not a regular file.")
    if info.st_size > limits.max_archive_bytes:
        raise ExtractionRefused(f"The archive is {_size(info.st_size)}; "
                                f"the limit is {_size(limits.max_archive_bytes)}.")
    root, control = work_dir / SOURCE_DIR_NAME, work_dir / CONTROL_DIR_NAME
    for stale in (root, control):
        shutil.rmtree(stale, ignore_errors=True)
    root.mkdir(parents=True)
    (control / "tmp").mkdir(parents=True)
    try:
        with _PROCESS_LOCK, _temporary_files_in(control / "tmp"):
            run = _Extraction(root, limits, info.st_size)
            run.start(archive, _safe_file_name(original_name or archive.name), control)
        # The same walk once more over the whole tree: the totals that count are the ones on disk.
        files, total = _sanitize(root, root, run.notes)
        run.files, run.bytes = files, total
        run.check_totals()
    except ExtractionRefused:
        shutil.rmtree(root, ignore_errors=True)
        raise
    except OSError as exc:
        shutil.rmtree(root, ignore_errors=True)
        raise ExtractionRefused(f"The archive could not be extracted ({exc}).") from None
    except Exception as exc:  # noqa: BLE001 - hostile input must end in a refusal, not a crash
        logger.exception("Extraction of %s failed unexpectedly", archive)
        shutil.rmtree(root, ignore_errors=True)
        raise ExtractionRefused("The archive could not be extracted "
                                f"({type(exc).__name__}).") from None
    finally:
        shutil.rmtree(control, ignore_errors=True)
    return ExtractionResult(root, files, total, run.notes.items)


@contextmanager
def _temporary_files_in(folder: Path):
    """Point every temp-dir setting extractcode may use at `folder`, and restore them after.

    commoncode.fileutils.get_temp_dir takes its base folder as a default argument, bound when
    scancode_config is imported (from SCANCODE_TEMP at that moment), so the environment alone
    does not move it once scancode is loaded: its default is swapped too. Importing it here,
    before the swap, keeps scancode_config's own import-time folder where scancode expects it.
    libarchive2 sets TZ=UTC when imported and on each extraction; TZ is restored as well.
    """
    from commoncode import fileutils

    names = _TEMP_VARIABLES + ("TZ",)
    saved_env = {name: os.environ.get(name) for name in names}
    saved_tempdir, saved_defaults = tempfile.tempdir, fileutils.get_temp_dir.__defaults__
    os.environ.update({name: str(folder) for name in _TEMP_VARIABLES})
    tempfile.tempdir = str(folder)
    fileutils.get_temp_dir.__defaults__ = (str(folder), "")
    try:
        yield
    finally:
        fileutils.get_temp_dir.__defaults__ = saved_defaults
        tempfile.tempdir = saved_tempdir
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        time.tzset()


@dataclass
class _Member:
    """One entry of an archive's listing."""

    raw: bytes  # the name as stored
    name: str  # decoded the way extractcode decodes it
    kind: str  # file | dir | symlink | hardlink | special
    link: str = ""  # the symlink's or hard link's target
    mode: int = 0  # permission bits as stored; 0 when the format has none
    special: str = ""  # "fifo", "character device", … for kind "special"


@dataclass
class _Listing:
    members: list[_Member]
    # libarchive: names are what libarchive2.extract writes from, so where each lands can be
    # worked out. raw: one compressed stream, no names. 7z: names, but 7-Zip's own renaming.
    source: str


class _Unreadable(Exception):
    """Neither libarchive nor 7-Zip can read the archive."""


class _Notes:
    def __init__(self):
        self.items: list[ExtractionNote] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, path: str, kind: str, detail: str) -> None:
        if (path, kind) not in self._seen:
            self._seen.add((path, kind))
            self.items.append(ExtractionNote(path, kind, detail))


class _Extraction:
    """One run: the queue of archives to open and the running totals of the tree."""

    def __init__(self, root: Path, limits: ExtractionLimits, upload_size: int):
        self.root, self.limits, self.upload_size = root, limits, upload_size
        self.files = self.bytes = 0
        self.notes = _Notes()

    def start(self, upload: Path, name: str, control: Path) -> None:
        named = upload
        if upload.name != name:
            # extractcode picks its handler by name as well as by content.
            named = control / "upload" / name
            named.parent.mkdir()
            _link_or_copy(upload, named)
        if not _is_archive(named):
            if name.lower().endswith(ARCHIVE_SUFFIXES):
                raise ExtractionRefused(f"The file is named {name} but is not an archive "
                                        "that can be read.")
            shutil.copyfile(named, self.root / name)
            self._account(self.root)
            return
        queue = deque([(named, self.root, 1)])
        while queue:
            archive, target, depth = queue.popleft()
            if not self._extract(archive, target, depth):
                continue
            for found in _archives_in(target):
                if depth + 1 > self.limits.max_depth:
                    raise ExtractionRefused(
                        f"The archive holds archives nested more than {self.limits.max_depth} "
                        f"levels deep ({self._rel(found)}); the limit is "
                        f"{self.limits.max_depth}.")
                queue.append((found, _free_path(Path(f"{found}-extract")), depth + 1))

    def _extract(self, archive: Path, target: Path, depth: int) -> bool:
        """Extract one archive into `target`; False when a nested one was skipped."""
        nested = depth > 1
        where = f"The archive {self._rel(archive)} inside the upload" if nested else "The archive"
        size = archive.stat().st_size
        if size > self.limits.max_archive_bytes:
            raise ExtractionRefused(f"{where} is {_size(size)}; "
                                    f"the limit is {_size(self.limits.max_archive_bytes)}.")
        readers = ((_raw_listing, _sevenzip_listing) if _is_single_stream(archive)
                   else (_libarchive_listing, _raw_listing, _sevenzip_listing))
        try:
            listing = _read_listing(archive, readers, lambda: _Budget(self, where, size))
            errors = _run_extractcode(archive, target)
        except _Unreadable as exc:
            errors = [str(exc)]
        if errors:
            if not nested:
                raise ExtractionRefused(f"The archive could not be read: {_sentence(errors[0])}")
            shutil.rmtree(target, ignore_errors=True)
            self.notes.add(self._rel(archive), "nested_skipped",
                           f"not extracted: it could not be read ({_sentence(errors[0])})")
            return False
        self._account(target)
        self._note_members(listing, target)
        if nested:
            self.notes.add(self._rel(archive), "nested_extracted",
                           f"extracted into {self._rel(target)}/")
        return True

    def _account(self, target: Path) -> None:
        files, size = _sanitize(target, self.root, self.notes)
        self.files += files
        self.bytes += size
        self.check_totals()

    def check_totals(self) -> None:
        """What is on disk, against the limits: catches archives whose listing lied."""
        limits = self.limits
        if self.files > limits.max_files:
            raise ExtractionRefused(f"The extracted tree holds {self.files:,} files; "
                                    f"the limit is {limits.max_files:,}.")
        if self.bytes > limits.max_total_bytes:
            raise ExtractionRefused(f"The extracted tree takes {_size(self.bytes)}; "
                                    f"the limit is {_size(limits.max_total_bytes)}.")
        if self.bytes > max(RATIO_FLOOR_BYTES, limits.max_ratio * self.upload_size):
            raise ExtractionRefused(
                f"The upload expands more than {limits.max_ratio:g} times its size "
                f"({_size(self.upload_size)} to {_size(self.bytes)}); "
                f"the limit is {limits.max_ratio:g}.")

    def _note_members(self, listing: _Listing, target: Path) -> None:
        """Compare the listing with what landed in `target` and note every difference."""
        if listing.source == "raw":
            return
        landed = _landing_paths(listing.members) if listing.source == "libarchive" else {}
        prefix = self._rel(target)

        def at(path: str) -> str:
            path = _text(path)
            return f"{prefix}/{path}" if prefix else path

        for index, member in enumerate(listing.members):
            natural, escapes = _natural_path(member.name)
            shown = _show(member.raw)
            if member.kind == "symlink":
                to = f" to '{member.link}'" if member.link else ""
                self.notes.add(at(natural), "symlink_dropped",
                               f"symbolic link{to} was not extracted")
                continue
            if member.kind == "special":
                self.notes.add(at(natural), "special_dropped",
                               f"{member.special} was not extracted")
                continue
            if member.kind == "dir":
                if member.mode & _RISKY_BITS:
                    self.notes.add(at(natural), "mode_cleared", _bits_cleared(member.mode))
                continue
            place = landed.get(index)
            if place is None or not _is_file(target / place):
                place = natural if _is_file(target / natural) else None
            path = at(place or natural)
            if member.kind == "hardlink":
                how = ("was not extracted" if place is None else "was extracted as an empty file"
                       if (target / place).stat().st_size == 0 else "was extracted as a copy")
                self.notes.add(path, "hardlink_emptied", f"hard link to '{member.link}' {how}")
            if not _is_utf8(member.raw):
                self.notes.add(path, "name_not_utf8", f"the name '{shown}' is not valid UTF-8; "
                               f"extracted as '{_text(place or 'nothing')}'")
            elif escapes:
                self.notes.add(path, "path_contained", f"the path '{shown}' points outside the "
                               f"archive; extracted as '{_text(place or 'nothing')}' inside it")
            elif place is None:
                self.notes.add(path, "renamed", f"'{shown}' is not under that name on disk")
            elif place != natural:
                self.notes.add(path, "renamed",
                               f"renamed from '{_text(natural)}' to '{_text(place)}'")
            if member.mode & _RISKY_BITS:
                self.notes.add(path, "mode_cleared", _bits_cleared(member.mode))

    def _rel(self, path: Path) -> str:
        return _show(os.fsencode(os.path.relpath(path, self.root))) if path != self.root else ""


class _Budget:
    """Counts one archive's listing against what the tree may still take; refuses the moment
    a limit is passed."""

    def __init__(self, run: _Extraction, where: str, archive_size: int):
        self.run, self.where, self.archive_size = run, where, archive_size
        self.entries = self.content = 0
        limits = run.limits
        self.entry_cap = max(0, limits.max_files - run.files)
        self.caps = [
            (limits.max_total_bytes - run.bytes, self._too_big),
            (max(RATIO_FLOOR_BYTES, limits.max_ratio * archive_size), self._too_expanding),
        ]

    @property
    def too_many(self) -> bool:
        return self.entries > self.entry_cap

    @property
    def stop_counting(self) -> bool:
        return self.entries > self.run.limits.max_files * _COUNT_PAST_LIMIT

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
        limit = self.run.limits.max_files
        count = (f"more than {limit * _COUNT_PAST_LIMIT:,}" if self.stop_counting
                 else f"{self.entries:,}")
        already = (f", on top of the {self.run.files:,} files already extracted"
                   if self.run.files else "")
        raise ExtractionRefused(f"{self.where} holds {count} entries{already}; "
                                f"the limit is {limit:,}.")

    def _too_big(self) -> None:
        limit = _size(self.run.limits.max_total_bytes)
        already = f" with the {_size(self.run.bytes)} already extracted" if self.run.bytes else ""
        raise ExtractionRefused(f"{self.where} expands to more than {limit}{already}; "
                                f"the limit is {limit}.")

    def _too_expanding(self) -> None:
        ratio = self.run.limits.max_ratio
        raise ExtractionRefused(
            f"{self.where} expands more than {ratio:g} times its size "
            f"({_size(self.archive_size)} to over {_size(self.content)}); the limit is "
            f"{ratio:g}. Archives that expand this much are usually compression bombs.")


def _read_listing(archive: Path, readers, new_budget) -> _Listing:
    """The archive's entries with their real sizes counted, from the first of `readers` that
    can read it: libarchive, libarchive's raw reader for a single compressed stream (.gz, .bz2,
    .xz, …), 7-Zip."""
    first_error = None
    for reader in readers:
        try:
            return reader(archive, new_budget())
        except _Unreadable as exc:
            first_error = first_error or exc
    raise first_error


def _libarchive_listing(archive: Path, budget: _Budget, raw: bool = False) -> _Listing:
    import ctypes

    from extractcode import libarchive2 as la

    members: list[_Member] = []
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
                raise _Unreadable("not a compressed file")
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
        raise _Unreadable(str(exc) or "libarchive cannot read it") from None
    finally:
        la.free_entry(entry)
        la.free_archive(handle)
    budget.finish()
    return _Listing(members, "raw" if raw else "libarchive")


def _raw_listing(archive: Path, budget: _Budget) -> _Listing:
    return _libarchive_listing(archive, budget, raw=True)


def _filter_code(la, handle) -> int:
    import ctypes

    function = la.libarchive.archive_filter_code
    function.argtypes, function.restype = [ctypes.c_void_p, ctypes.c_int], ctypes.c_int
    return function(handle, 0)


def _libarchive_member(la, entry) -> _Member:
    import ctypes

    function = la.libarchive.archive_entry_mode
    function.argtypes, function.restype = [ctypes.c_void_p], ctypes.c_uint
    mode = function(entry)
    info = la.Entry(None, entry)
    name = info.path or ""
    raw = la.entry_path(entry) or name.encode("utf-8", "surrogateescape")
    member = _Member(raw=raw, name=name, kind="file", mode=mode & 0o7777)
    if info.islnk:
        member.kind, member.link = "hardlink", info.hardlink_path or ""
    elif info.issym:
        member.kind, member.link = "symlink", info.symlink_path or ""
    elif info.isdir:
        member.kind = "dir"
    elif info.isspecial or not info.isfile:
        member.kind, member.special = "special", _special_kind(mode)
    return member


def _sevenzip_listing(archive: Path, budget: _Budget) -> _Listing:
    """7-Zip's listing; the bytes are counted by decompressing to a pipe, never to disk."""
    from extractcode import sevenzip

    seven_zip = sevenzip.get_command_location()
    listed = subprocess.run([seven_zip, "l", "-slt", "-p", "--", str(archive)],
                            stdin=subprocess.DEVNULL, capture_output=True,
                            cwd=tempfile.gettempdir())
    _, marker, body = listed.stdout.partition(b"\n----------\n")
    if listed.returncode != 0 or not marker:
        raise _Unreadable("7-Zip cannot read it")
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
        raise _Unreadable("7-Zip cannot decompress it")
    return _Listing(members, "7z")


def _sevenzip_member(fields: dict[bytes, bytes]) -> _Member:
    """A member from one block of `7z l -slt`, e.g. Attributes = "_ lrwxrwxrwx"."""
    raw = fields[b"Path"]
    unix = fields.get(b"Attributes", b"").decode("ascii", "replace").rpartition(" ")[2]
    unix = unix if len(unix) == 10 else ""
    member = _Member(raw, raw.decode("utf-8", "surrogateescape"), "file",
                     mode=_mode_from_text(unix))
    kinds = {"l": "symlink", "d": "dir", "p": "special", "c": "special", "b": "special",
             "s": "special"}
    member.kind = kinds.get(unix[:1], "dir" if fields.get(b"Folder") == b"+" else "file")
    if fields.get(b"Symbolic Link"):
        member.kind, member.link = "symlink", _show(fields[b"Symbolic Link"])
    elif fields.get(b"Hard Link"):
        member.kind, member.link = "hardlink", _show(fields[b"Hard Link"])
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


def _run_extractcode(archive: Path, target: Path) -> list[str]:
    """Extract with extractcode; its error messages, if any."""
    from extractcode import default_kinds
    from extractcode.extract import extract_file

    errors: list[str] = []
    try:
        for event in extract_file(str(archive), str(target), kinds=default_kinds):
            if event.done:
                errors.extend(event.errors)
    except Exception as exc:  # noqa: BLE001 - extractcode on hostile input may raise anything
        errors.append(str(exc) or type(exc).__name__)
    return errors


def _is_archive(path: Path) -> bool:
    from extractcode import default_kinds
    from extractcode.archive import get_extractor

    try:
        return bool(get_extractor(str(path), kinds=default_kinds))
    except Exception:  # noqa: BLE001 - a file extractcode cannot even classify is no archive
        logger.warning("extractcode could not classify %s", path, exc_info=True)
        return False


def _is_single_stream(path: Path) -> bool:
    """Whether extractcode will decompress `path` to one file rather than unpack members (a
    .gz holding a tar becomes one .tar, which is then a nested archive)."""
    from extractcode import default_kinds
    from extractcode.archive import get_best_handler

    try:
        handler = get_best_handler(str(path), kinds=default_kinds)
    except Exception:  # noqa: BLE001 - then the other readers are tried
        return False
    return bool(handler) and handler.name in _SINGLE_STREAM_HANDLERS


def _archives_in(folder: Path) -> list[Path]:
    found = []
    for current, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        found.extend(Path(current, name) for name in sorted(filenames)
                     if _is_archive(Path(current, name)))
    return found


def _sanitize(top: Path, root: Path, notes: _Notes) -> tuple[int, int]:
    """Make the tree under `top` plain files and folders only, every one inside `root`;
    return its file count and bytes."""
    real_root = os.path.realpath(root)
    files = size = 0
    for current, dirnames, filenames in os.walk(top):
        real = os.path.realpath(current)
        if real != real_root and not real.startswith(real_root + os.sep):
            raise ExtractionRefused("The archive placed files outside the extraction folder.")
        for name in dirnames[:] + filenames:
            path = os.path.join(current, name)
            rel = _show(os.fsencode(os.path.relpath(path, root)))
            info = os.lstat(path)
            mode = info.st_mode
            if stat.S_ISLNK(mode):
                target = _show(os.fsencode(os.readlink(path)))
                os.unlink(path)
                notes.add(rel, "symlink_dropped", f"symbolic link to '{target}' was removed")
                if name in dirnames:
                    dirnames.remove(name)
            elif stat.S_ISDIR(mode):
                if mode & _RISKY_BITS or mode & 0o700 != 0o700:
                    os.chmod(path, (mode & 0o777) | 0o700)  # readable, so it can be scanned
                if mode & _RISKY_BITS:
                    notes.add(rel, "mode_cleared", _bits_cleared(mode))
            elif stat.S_ISREG(mode) and info.st_nlink > 1:
                # Shares its inode with a file elsewhere: writing to it would change that file.
                os.unlink(path)
                notes.add(rel, "special_dropped", "a hard link to another file was removed")
            elif stat.S_ISREG(mode):
                if mode & _RISKY_BITS or mode & 0o600 != 0o600:
                    os.chmod(path, (mode & 0o777) | 0o600)
                if mode & _RISKY_BITS:
                    notes.add(rel, "mode_cleared", _bits_cleared(mode))
                files += 1
                size += info.st_size
            else:
                os.unlink(path)
                notes.add(rel, "special_dropped", f"{_special_kind(mode)} was removed")
    return files, size


def _landing_paths(members: list[_Member]) -> dict[int, str]:
    """Where libarchive2.extract writes each file entry: extractcode's safe_path, then its
    new_name, which adds _1, _2, … to a name already taken in the folder, ignoring case."""
    from commoncode.paths import safe_path

    taken: dict[str, set[str]] = {}

    def claim_folders(path: str) -> None:
        parent = ""
        for segment in path.split("/"):
            taken.setdefault(parent, set()).add(segment.lower())
            parent = f"{parent}/{segment}" if parent else segment

    landed = {}
    for index, member in enumerate(members):
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


def _free_path(path: Path) -> Path:
    """`path`, or `path`_1, _2, … if a member of the archive already took that name."""
    candidate, counter = path, 0
    while os.path.lexists(candidate):
        counter += 1
        candidate = path.with_name(f"{path.name}_{counter}")
    return candidate


def _link_or_copy(source: Path, destination: Path) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def _safe_file_name(name: str) -> str:
    """The last segment of `name`, printable, at most 200 bytes (keeping the extension)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    while len(base.encode("utf-8")) > 200:
        base = base[1:]
    return base if base not in ("", ".", "..") else "upload"


def _special_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a fifo"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
    return next((label for test, label in kinds if test(mode)), "a special file")


def _bits_cleared(mode: int) -> str:
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


def _show(raw: bytes) -> str:
    """A name for people and databases: valid UTF-8 always, undecodable bytes as \\xNN."""
    return raw.decode("utf-8", "backslashreplace")


def _text(name: str) -> str:
    """`_show` for a name already decoded with surrogateescape."""
    return _show(name.encode("utf-8", "surrogateescape"))


def _sentence(message: str) -> str:
    message = " ".join(str(message).split()).rstrip(".")
    return f"{message}." if message else "unknown error."


def _size(count: float) -> str:
    for unit, scale in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{int(count)} bytes"
