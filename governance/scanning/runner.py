"""One scan, start to finish: extract safely, list and hash the files, reuse what was already
analysed, scan the rest in the worker pool, summarise. Pure: the caller supplies the result
cache and the progress callback, and keeps the database out of here."""
from __future__ import annotations

import fnmatch
import hashlib
import os
import resource
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from governance.scanning import outcomes
from governance.scanning.extraction import (
    ExtractionLimits,
    ExtractionNote,
    ExtractionRefused,
    extract_safely,
)
from governance.scanning.health import collect_signals
from governance.scanning.long_paths import remove_tree
from governance.scanning.scancode_adapter import cache_key, scancode_version
from governance.scanning.workers import CONTEXT, FileOutcome, FileTask, ScanWorkerPool

# Generated or minified files cost scancode minutes and gigabytes and carry no license
# information of their own; they are listed as skipped, with the reason.
DEFAULT_SKIP_PATTERNS = ("*.min.js", "*.min.css", "*.map", "*.js.map", "*.css.map")
# A file whose scan came close to its deadline is scanned again with this many times the time.
CLOSE_CALL_RETRY = 3


@dataclass(frozen=True)
class ScanSettings:
    processes: int = max(1, os.cpu_count() or 1)
    file_timeout: float = 120
    max_file_bytes: int = 5 * 1024 * 1024
    skip_patterns: tuple[str, ...] = DEFAULT_SKIP_PATTERNS
    limits: ExtractionLimits = field(default_factory=ExtractionLimits)
    extraction_timeout: float = 600


class ResultCache(Protocol):
    def get_many(self, keys: list[str]) -> dict[str, dict]: ...
    def put(self, key: str, results: dict) -> None: ...


class MemoryCache:
    """A ResultCache in a dict: for the command line and tests."""

    def __init__(self):
        self.store: dict[str, dict] = {}

    def get_many(self, keys):
        return {k: self.store[k] for k in keys if k in self.store}

    def put(self, key, results):
        self.store[key] = results


@dataclass
class FileRecord:
    path: str
    size: int
    sha256: str = ""
    # scanned | cached | duplicate | skipped | error | timeout
    status: str = outcomes.SCANNED
    seconds: float = 0.0
    close_call: bool = False
    errors: list[str] = field(default_factory=list)
    reason: str = ""  # why it was skipped

    @property
    def key(self) -> str:
        return cache_key(self.sha256) if self.sha256 else ""


@dataclass
class ScanOutcome:
    files: list[FileRecord]
    results: dict[str, dict]  # cache key -> scancode results
    notes: list[ExtractionNote]
    summary: dict
    scancode_version: str
    # path -> (expression, SPDX) where following license references ("see LICENSE") across
    # the package changed a file's own result; applies to this scan only.
    license_overrides: dict[str, tuple] = field(default_factory=dict)
    # path -> that file's detections after references were followed, where they changed.
    detection_overrides: dict[str, list] = field(default_factory=dict)
    # Files that came close to their deadline and were scanned again with a longer one.
    retried: list[str] = field(default_factory=list)

    def license_of(self, record: FileRecord) -> tuple[str | None, str | None]:
        if record.path in self.license_overrides:
            return self.license_overrides[record.path]
        results = self.results.get(record.key) or {}
        return (results.get("detected_license_expression"),
                results.get("detected_license_expression_spdx"))


class ScanFailed(Exception):
    """The scan cannot go on; `reason` is shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _extract_child(conn, archive, work_dir, limits, original_name) -> None:
    # A single file can never be larger than the whole extraction may be.
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_total_bytes, limits.max_total_bytes))
    try:
        conn.send(("ok", extract_safely(Path(archive), Path(work_dir), limits, original_name)))
    except ExtractionRefused as exc:
        conn.send(("refused", exc.reason))
    except Exception as exc:  # noqa: BLE001 - reported to the user, not a crash
        conn.send(("refused", f"The archive could not be extracted ({type(exc).__name__})."))


def extract_isolated(archive: Path, work_dir: Path, limits: ExtractionLimits,
                     original_name: str | None, timeout: float):
    """extract_safely in a child process: its temp-dir settings and file-size limit stay out
    of this process, and a run-away extraction is killed at `timeout`."""
    parent, child = CONTEXT.Pipe()
    process = CONTEXT.Process(target=_extract_child,
                              args=(child, str(archive), str(work_dir), limits, original_name))
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise ScanFailed(f"Extraction took longer than {timeout:.0f} s and was stopped.")
        status, value = parent.recv()
    except EOFError as exc:
        raise ScanFailed("Extraction stopped unexpectedly (a limit of the extractor was hit)."
                         ) from exc
    finally:
        process.kill()
        process.join(5)
    if status == "refused":
        raise ScanFailed(value)
    return value


def list_files(root: Path, settings: ScanSettings) -> list[FileRecord]:
    records = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            record = FileRecord(path=relative, size=path.stat().st_size)
            if record.size > settings.max_file_bytes:
                record.status = outcomes.SKIPPED
                record.reason = (f"larger than {settings.max_file_bytes // (1024 * 1024)} MiB, "
                                 "the per-file scan limit")
            elif any(fnmatch.fnmatch(name, p) for p in settings.skip_patterns):
                record.status = outcomes.SKIPPED
                record.reason = "minified or generated file"
            else:
                record.sha256 = _sha256(path)
            records.append(record)
    return records


def scan_tree(root: Path, settings: ScanSettings, pool: ScanWorkerPool, cache: ResultCache,
              progress: Callable[[int, int], None] = lambda done, total: None,
              tick: Callable[[], None] | None = None,
              notes: list[ExtractionNote] | None = None) -> ScanOutcome:
    """Scan an extracted tree. Identical files (inside this tree or seen in earlier scans)
    are analysed once."""
    files = list_files(root, settings)
    wanted = [f for f in files if f.status == outcomes.SCANNED]
    keys = list(dict.fromkeys(f.key for f in wanted))
    results = cache.get_many(keys)
    first_by_key: dict[str, FileRecord] = {}
    for record in wanted:
        if record.key in results:
            record.status = outcomes.CACHED
        elif record.key in first_by_key:
            record.status = outcomes.DUPLICATE
        else:
            first_by_key[record.key] = record
    total, done = len(files), len(files) - len(first_by_key)
    progress(done, total)

    def finished(outcome: FileOutcome) -> None:
        nonlocal done
        record = first_by_key[outcome.key]
        if outcome.scan is None:
            # Lost on two workers (workers.py retries once): past the time limit, or a crash.
            record.status = outcomes.TIMEOUT if outcome.timed_out else outcomes.ERROR
            record.errors = [outcome.error]
        else:
            record.seconds, record.close_call = outcome.scan.seconds, outcome.scan.close_call
            record.errors = outcome.scan.errors
            results[outcome.key] = outcome.scan.results
            if record.errors:
                record.status = outcomes.ERROR
            elif record.close_call and record.key not in retried:
                return  # partial: a second pass with a longer deadline, below
            elif record.close_call:
                # Still partial with the longer deadline: an error of this scan, not cached.
                record.status = outcomes.ERROR
                record.errors = [f"results may be partial: {record.seconds:.0f} s came close to "
                                 f"the {CLOSE_CALL_RETRY * settings.file_timeout:.0f} s limit "
                                 "even on the second, longer pass"]
            else:
                cache.put(outcome.key, outcome.scan.results)
        done += 1
        progress(done, total)

    retried: set[str] = set()
    tasks = [FileTask(key, str(root / record.path)) for key, record in first_by_key.items()]
    pool.run(tasks, finished, on_tick=tick)
    # A close call hit a soft deadline: its results may be partial. Once more, with longer.
    again = [key for key, record in first_by_key.items()
             if record.close_call and record.status == outcomes.SCANNED]
    retried.update(again)
    if again:
        pool.run([FileTask(key, str(root / first_by_key[key].path),
                           timeout=settings.file_timeout * CLOSE_CALL_RETRY) for key in again],
                 finished, on_tick=tick)
    for record in files:
        if record.status == outcomes.DUPLICATE:
            original = first_by_key[record.key]
            if original.status in outcomes.FAILED:
                record.status, record.errors = original.status, list(original.errors)
    payload = {
        "files": [dict(results[r.key], path=r.path) for r in files if r.key in results],
        "errors": sum(1 for r in files if r.status in outcomes.FAILED),
        "skipped": sum(1 for r in files if r.status == outcomes.SKIPPED),
    }
    summary = pool.summarize(payload)
    summary["health"] = collect_signals(root)
    changed = summary.pop("file_licenses", {})
    changed_detections = summary.pop("file_detections", {})
    summary["files"] = len(files)
    summary["retried"] = len(again)
    summary["scancode_version"] = scancode_version()
    return ScanOutcome(files, results, list(notes or []), summary, scancode_version(),
                       {path: tuple(value) for path, value in changed.items()},
                       changed_detections, [first_by_key[key].path for key in again])


def scan_archive(archive: Path, work_dir: Path, settings: ScanSettings, pool: ScanWorkerPool,
                 cache: ResultCache, *, original_name: str | None = None,
                 progress: Callable[[int, int], None] = lambda done, total: None,
                 tick: Callable[[], None] | None = None) -> ScanOutcome:
    """Extract `archive` into a fresh `work_dir`, scan it, and remove the work dir."""
    # remove_tree: an extraction stopped half-way may leave a tree too deep for rmtree.
    remove_tree(work_dir)
    work_dir.mkdir(parents=True)
    try:
        extracted = extract_isolated(archive, work_dir, settings.limits, original_name,
                                     settings.extraction_timeout)
        return scan_tree(extracted.root, settings, pool, cache, progress, tick, extracted.notes)
    finally:
        remove_tree(work_dir)
