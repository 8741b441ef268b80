"""scancode-toolkit wrapped once: scan one file, return (results, errors, timing).

Runs inside a scan worker process (see workers.py), never in the web process: the first call
loads scancode's 413 MB license index (6-10 s, about 1.1 GB), and scancode's per-call timeout
uses SIGALRM, which only works in a process's main thread.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from dataclasses import dataclass, field
from functools import partial

# Keys kept from scancode's file info; the rest (md5, sha1_git, …) only costs space.
INFO_KEYS = ("sha1", "sha256", "size", "mime_type", "file_type", "programming_language",
             "is_binary", "is_text", "is_archive", "is_media", "is_source", "is_script")
# The scan options that change results; part of every cache key.
SCAN_OPTIONS = {"licenses": True, "license_text": True, "copyrights": True, "packages": True,
                "info": True}
# A file whose scan took more than this share of its timeout "came close": its results may
# be partial because scancode's soft deadline returns what it has without an error.
CLOSE_CALL_SHARE = 0.4


def scancode_version() -> str:
    from scancode_config import __version__

    return __version__


def options_digest() -> str:
    return hashlib.sha256(json.dumps(SCAN_OPTIONS, sort_keys=True).encode()).hexdigest()[:16]


def cache_key(sha256: str) -> str:
    """Per-file results depend only on the content, scancode's version and the options."""
    return f"{sha256}:{scancode_version()}:{options_digest()}"


def prepare_process(temp_dir: str | None = None) -> None:
    """Load the license index now, once per process, and keep scancode's temp files in a
    folder the app owns (each import otherwise leaves a scancode-tk-* folder in /tmp)."""
    if temp_dir:
        os.makedirs(temp_dir, exist_ok=True)
        os.environ["SCANCODE_TEMP"] = temp_dir
    from licensedcode.cache import get_index

    get_index()


@dataclass
class FileScan:
    results: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    close_call: bool = False


def _licenses(location, deadline, **kw):
    from scancode.api import get_licenses

    # Kept in scancode's own JSON shape, so scancode's summary plugins can read it back.
    return get_licenses(location, include_text=True, deadline=deadline)


def _copyrights(location, deadline, **kw):
    from scancode.api import get_copyrights

    return get_copyrights(location, deadline=deadline)


def _packages(location, deadline, **kw):
    from scancode.api import get_package_data

    return get_package_data(location, deadline=deadline)


def _info(location, deadline, **kw):
    from scancode.api import get_file_info

    info = get_file_info(location)
    return {key: info.get(key) for key in INFO_KEYS}


SCANNERS = (("info", _info), ("licenses", _licenses), ("copyrights", _copyrights),
            ("packages", _packages))


def scan_file(location: str, timeout: float = 120) -> FileScan:
    """Every scanner on one file, each under `timeout` seconds (scancode's own SIGALRM
    interruptible, so call this from a process's main thread). A scanner that fails or times
    out adds an error; the others still run."""
    from scancode.interrupt import interruptible

    outcome = FileScan()
    started = time.monotonic()
    for name, scanner in SCANNERS:
        # As scancode's CLI does: a soft deadline the scanner may honour, well before the
        # hard interrupt.
        deadline = time.time() + max(1, int(timeout / 2.5))
        try:
            error, values = interruptible(partial(scanner, location, deadline), timeout=timeout)
        except Exception:  # noqa: BLE001 - a scanner bug must not stop the scan
            error, values = traceback.format_exc(limit=5), None
        if error:
            outcome.errors.append(f"{name}: {error.strip().splitlines()[-1] if error else ''}")
        if values:
            outcome.results.update(values)
    outcome.seconds = time.monotonic() - started
    outcome.close_call = outcome.seconds > timeout * CLOSE_CALL_SHARE
    return outcome
