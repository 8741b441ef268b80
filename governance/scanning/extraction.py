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

Steps 1 and 4, which read and interpret the listing, are in archive_listing.py. An entry whose
name or path is too long to write is left out in step 2 and noted (long_paths.py), rather than
failing the whole archive.

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
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from governance.scanning.archive_listing import (
    RATIO_FLOOR_BYTES,
    RISKY_BITS,
    Budget,
    GiB,
    MiB,
    OverLimit,
    Unreadable,
    bits_cleared,
    human_size,
    note_differences,
    read_listing,
    show,
    special_kind,
)
from governance.scanning.long_paths import (
    note_too_long,
    remove_tree,
    skipping_too_long,
    too_long_members,
)

logger = logging.getLogger(__name__)

SOURCE_DIR_NAME = "src"
# extractcode's temporary folders and the archive under its real name; removed at the end.
CONTROL_DIR_NAME = ".extraction"

NOTE_KINDS = ("symlink_dropped", "hardlink_emptied", "renamed", "special_dropped",
              "path_contained", "mode_cleared", "name_not_utf8", "nested_extracted",
              "nested_skipped", "path_too_long")

# A file with one of these names that extractcode cannot open is refused rather than passed
# on as one opaque file: the user meant to upload an archive.
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz", ".gz", ".tbz2", ".bz2", ".txz", ".xz",
                    ".zst", ".7z", ".rar", ".whl", ".egg", ".jar", ".war", ".ear", ".gem",
                    ".nupkg", ".deb", ".rpm", ".apk", ".aar")

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
        raise ExtractionRefused(f"The archive is {human_size(info.st_size)}; "
                                f"the limit is {human_size(limits.max_archive_bytes)}.")
    root, control = work_dir / SOURCE_DIR_NAME, work_dir / CONTROL_DIR_NAME
    for stale in (root, control):
        remove_tree(stale)
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
        remove_tree(root)
        raise
    except OSError as exc:
        remove_tree(root)
        raise ExtractionRefused(f"The archive could not be extracted ({exc}).") from None
    except Exception as exc:  # noqa: BLE001 - hostile input must end in a refusal, not a crash
        logger.exception("Extraction of %s failed unexpectedly", archive)
        remove_tree(root)
        raise ExtractionRefused("The archive could not be extracted "
                                f"({type(exc).__name__}).") from None
    finally:
        remove_tree(control)
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
            raise ExtractionRefused(f"{where} is {human_size(size)}; "
                                    f"the limit is {human_size(self.limits.max_archive_bytes)}.")
        prefix, dropped = self._rel(target), {}
        try:
            listing = read_listing(archive, _is_single_stream(archive), lambda: Budget(
                self.limits, self.files, self.bytes, where, size))
            dropped = too_long_members(listing, prefix)
            if dropped and listing.source != "libarchive":
                # Only libarchive's writer can leave an entry out (see long_paths.py).
                errors = [f"{len(dropped):,} of its paths are too long to extract; "
                          f"for one, {next(iter(dropped.values()))}"]
            else:
                with skipping_too_long(prefix):
                    errors = _run_extractcode(archive, target)
        except Unreadable as exc:
            errors = [str(exc)]
        except OverLimit as exc:
            raise ExtractionRefused(exc.reason) from None
        if errors:
            if not nested:
                raise ExtractionRefused(f"The archive could not be read: {_sentence(errors[0])}")
            remove_tree(target)
            self.notes.add(self._rel(archive), "nested_skipped",
                           f"not extracted: it could not be read ({_sentence(errors[0])})")
            return False
        self._account(target)
        note_too_long(listing, dropped, prefix, self.notes.add)
        note_differences(listing, target, prefix, self.notes.add, dropped)
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
            raise ExtractionRefused(f"The extracted tree takes {human_size(self.bytes)}; "
                                    f"the limit is {human_size(limits.max_total_bytes)}.")
        if self.bytes > max(RATIO_FLOOR_BYTES, limits.max_ratio * self.upload_size):
            raise ExtractionRefused(
                f"The upload expands more than {limits.max_ratio:g} times its size "
                f"({human_size(self.upload_size)} to {human_size(self.bytes)}); "
                f"the limit is {limits.max_ratio:g}.")

    def _rel(self, path: Path) -> str:
        return show(os.fsencode(os.path.relpath(path, self.root))) if path != self.root else ""


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
            rel = show(os.fsencode(os.path.relpath(path, root)))
            info = os.lstat(path)
            mode = info.st_mode
            if stat.S_ISLNK(mode):
                target = show(os.fsencode(os.readlink(path)))
                os.unlink(path)
                notes.add(rel, "symlink_dropped", f"symbolic link to '{target}' was removed")
                if name in dirnames:
                    dirnames.remove(name)
            elif stat.S_ISDIR(mode):
                if mode & RISKY_BITS or mode & 0o700 != 0o700:
                    os.chmod(path, (mode & 0o777) | 0o700)  # readable, so it can be scanned
                if mode & RISKY_BITS:
                    notes.add(rel, "mode_cleared", bits_cleared(mode))
            elif stat.S_ISREG(mode) and info.st_nlink > 1:
                # Shares its inode with a file elsewhere: writing to it would change that file.
                os.unlink(path)
                notes.add(rel, "special_dropped", "a hard link to another file was removed")
            elif stat.S_ISREG(mode):
                if mode & RISKY_BITS or mode & 0o600 != 0o600:
                    os.chmod(path, (mode & 0o777) | 0o600)
                if mode & RISKY_BITS:
                    notes.add(rel, "mode_cleared", bits_cleared(mode))
                files += 1
                size += info.st_size
            else:
                os.unlink(path)
                notes.add(rel, "special_dropped", f"{special_kind(mode)} was removed")
    return files, size


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


def _sentence(message: str) -> str:
    message = " ".join(str(message).split()).rstrip(".")
    return f"{message}." if message else "unknown error."
