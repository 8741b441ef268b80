"""Archive entries whose name or path is too long to write: which they are, the note for each,
and extraction without them (used by extraction.py, on the listing from archive_listing.py).

One 300-byte file name fails with ENAMETOOLONG, and one 2,000-level path overflows PATH_MAX and
Python's recursion (os.makedirs, os.walk and shutil.rmtree recurse once per level): either used
to fail the whole archive. Such an entry is now left out and noted, and the rest is extracted.
The limits apply to the path in the extracted tree, nested archives' folders included.
Pure core: no Flask, no database.
"""
from __future__ import annotations

import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from governance.scanning.archive_listing import show

# Linux allows 255 bytes per name; extractcode may add _1, _2, … to a name already taken.
MAX_NAME_BYTES = 240
# Far beyond any real package, far below PATH_MAX (4,096) with the work directory in front,
# and far below Python's recursion limit (about 1,000 frames) in depth.
MAX_PATH_BYTES = 1024
MAX_PATH_DEPTH = 100
# Longer paths are shortened in notes: a note must stay readable and small to store.
_SHOWN_CHARS = 200


def written_path(name: str) -> str:
    """Where extractcode's libarchive writer puts the entry `name`, relative to its target."""
    from commoncode.paths import safe_path

    return safe_path(name, preserve_spaces=True)


def why_too_long(path: str, prefix: str = "") -> str:
    """Why `path` (relative to the extraction target, which is `prefix` in the tree) is not
    written, as the end of a sentence; "" when it may be written."""
    full = f"{prefix}/{path}" if prefix else path
    segments = full.split("/")
    size = max(_size(segment) for segment in segments)
    if size > MAX_NAME_BYTES:
        return f"a name in its path is {size:,} bytes long; the limit is {MAX_NAME_BYTES:,}"
    if len(segments) > MAX_PATH_DEPTH:
        return f"its path is {len(segments):,} levels deep; the limit is {MAX_PATH_DEPTH:,}"
    size = _size(full)
    if size > MAX_PATH_BYTES:
        return f"its path is {size:,} bytes long; the limit is {MAX_PATH_BYTES:,}"
    return ""


def too_long_members(listing, prefix: str) -> dict[int, str]:
    """The entries of `listing` (an archive_listing.Listing) that will not be written, by
    index, with the reason. Links and special files are never written anyway."""
    if listing.source == "raw":  # one stream, written under the archive's own name
        return {}
    dropped = {}
    for index, member in enumerate(listing.members):
        if member.kind in ("file", "hardlink", "dir"):
            reason = why_too_long(written_path(member.name), prefix)
            if reason:
                dropped[index] = reason
    return dropped


def note_too_long(listing, dropped: dict[int, str], prefix: str,
                  note: Callable[[str, str, str], None]) -> None:
    """One "path_too_long" note per dropped entry, as note(path, kind, detail)."""
    for index, reason in dropped.items():
        shown = show(listing.members[index].raw)
        path = f"{prefix}/{shown}" if prefix else shown
        if len(path) > _SHOWN_CHARS:
            path = f"{path[:_SHOWN_CHARS // 2]}…{path[-_SHOWN_CHARS // 2:]}"
        note(path, "path_too_long", f"not extracted: {reason}")


def _size(text: str) -> int:
    # surrogatepass: a name decoded with surrogateescape may hold lone surrogates.
    return len(text.encode("utf-8", "surrogatepass"))


@contextmanager
def skipping_too_long(prefix: str) -> Iterator[None]:
    """While active, extractcode's libarchive writer leaves out every entry `why_too_long`
    refuses, where it would otherwise fail the whole archive.

    extractcode has no hook for this: its Entry.write is swapped for the time of one
    extraction, as extraction.py swaps the temp-dir defaults (one extraction at a time per
    process). Entries extractcode writes with 7-Zip are not covered; extraction.py does not
    hand 7-Zip an archive with such entries."""
    from extractcode import libarchive2

    original = libarchive2.Entry.write

    def write(entry, target_dir, transform_path=lambda path: path, skip_links=True):
        if (entry.isfile or entry.isdir) and why_too_long(transform_path(entry.path), prefix):
            return None  # not written; libarchive skips its data when reading the next entry
        return original(entry, target_dir, transform_path, skip_links)

    libarchive2.Entry.write = write
    try:
        yield
    finally:
        libarchive2.Entry.write = original


def remove_tree(path: Path) -> None:
    """shutil.rmtree, also for a tree deeper than Python's recursion limit, which an extractor
    outside skipping_too_long (7-Zip) may still have written."""
    try:
        shutil.rmtree(path, ignore_errors=True)
    except RecursionError:
        subprocess.run(["rm", "-rf", "--", str(path)], check=False, stdin=subprocess.DEVNULL,
                       capture_output=True)
