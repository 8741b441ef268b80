"""How fast the app's scan engine is, against `scancode -clpi -n N` on the same real sdists.

Three measurements, each printed with both times, the ratio and PASS/MISS against its target:

1. cold scan: our engine (pool started, license index loaded, per-file cache empty) on the
   extracted tree of a package, against the scancode CLI's wall time on the same tree with the
   same number of processes (its start-up included; also shown without it). Target: ours at
   least 1.2x faster. The per-file license expressions and holders must match the CLI's.
2. next version: with the cache filled by the previous version, scan the new one; against
   analysing only the files whose content changed (the pool alone, empty cache). Target:
   within 1.2x of that.
3. identical archive resubmitted, through the real scan service on a temporary SQLite
   database: start_scan + run_scan of an archive scanned before. Target: under 1 s.

Exit status: 0 when everything ran and the results agree, even on MISS (a benchmark reports,
it does not fail builds); 1 when a correctness check fails; a crash exits non-zero as usual.

Archives are downloaded from PyPI once, into benchmarks/.cache/ (git-ignored).
Run: make bench  (or .venv/bin/python benchmarks/scan_bench.py --help)
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The scan workers are spawned: they find the governance package through this sys.path.
sys.path.insert(0, str(ROOT))

from benchmarks.scancode_peer import (  # noqa: E402
    compare,
    findings_of_cli,
    findings_of_ours,
    run_cli,
)
from governance.scanning import fetch  # noqa: E402
from governance.scanning.extraction import ExtractionLimits  # noqa: E402
from governance.scanning.runner import (  # noqa: E402
    MemoryCache,
    ScanOutcome,
    ScanSettings,
    extract_isolated,
    list_files,
    scan_tree,
)
from governance.scanning.scancode_adapter import scancode_version  # noqa: E402
from governance.scanning.workers import FileTask, ScanWorkerPool  # noqa: E402

CACHE_DIR = ROOT / "benchmarks" / ".cache"
# name -> (previous version, next version); measurement 1 scans the next version.
PAIRS = {
    "flask": ("pkg:pypi/flask@3.0.3", "pkg:pypi/flask@3.1.0"),
    "requests": ("pkg:pypi/requests@2.32.2", "pkg:pypi/requests@2.32.3"),
}
COLD_TARGET = 1.2  # ours at least this many times faster than the CLI
NEXT_TARGET = 1.2  # next version at most this many times the changed files alone
REUSE_TARGET = 1.0  # seconds


@dataclass
class Row:
    measurement: str
    ours: float
    peer: float | None
    ratio: str
    target: str
    passed: bool


@dataclass
class Check:
    name: str
    differences: list[str]


# --- archives and trees --------------------------------------------------------------------

def fetch_archive(purl: str, cache_dir: Path) -> tuple[Path, str]:
    """The archive of `purl` from the local cache, downloaded from PyPI the first time."""
    index_path = cache_dir / "index.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    entry = index.get(purl)
    if entry:
        path = fetch.stored_path(cache_dir / "archives", entry["sha256"])
        if path.exists():
            return path, entry["filename"]
    location = fetch.resolve(purl)
    stored = fetch.download(location, cache_dir / "archives", max_bytes=200 * 1024 * 1024)
    index[purl] = {"sha256": stored.sha256, "filename": stored.filename}
    index_path.write_text(json.dumps(index, indent=1, sort_keys=True))
    return stored.path, stored.filename


def extract(archive: Path, filename: str, work_dir: Path) -> Path:
    """Extract as the app does (extract_isolated); returns the tree both scanners get."""
    result = extract_isolated(archive, work_dir, ExtractionLimits(), filename, timeout=600)
    return result.root


# --- the pool -----------------------------------------------------------------------------

def start_pool(processes: int, work: Path) -> tuple[ScanWorkerPool, float]:
    """A pool whose workers have all loaded the index and scanned a file (and one has run a
    summary), as in an app that has served a scan before. Returns it and its start-up time."""
    started = time.monotonic()
    pool = ScanWorkerPool(processes, temp_dir=str(work / "scancode-temp"))
    pool.start()
    # The pool has no public "wait until ready": scan_tree would just queue until then, and
    # that wait is start-up, which the cold measurement must leave out.
    deadline = time.monotonic() + 600
    while not all(worker.ready for worker in pool.workers):
        if time.monotonic() > deadline:
            raise TimeoutError("the scan workers did not load scancode's index in 10 minutes")
        for conn in wait([w.conn for w in pool.workers if not w.ready], timeout=1):
            worker = next(w for w in pool.workers if w.conn is conn)
            pool._receive(worker, lambda outcome: None)
    startup = time.monotonic() - started
    # One small file per worker (all are idle, so each gets one) warms scancode's lazily
    # loaded detectors; scan_tree's summary warms the summary plugins.
    warm = work / "warm-up"
    warm.mkdir()
    for i in range(processes):
        (warm / f"warm{i}.py").write_text(
            f"# Copyright (c) 2024 Warm Up {i}\n# SPDX-License-Identifier: MIT\nprint({i})\n")
    scan_tree(warm, ScanSettings(processes=processes), pool, MemoryCache())
    return pool, startup


def scan(tree: Path, pool: ScanWorkerPool, cache: MemoryCache,
         processes: int) -> tuple[float, ScanOutcome]:
    started = time.monotonic()
    outcome = scan_tree(tree, ScanSettings(processes=processes), pool, cache)
    return time.monotonic() - started, outcome


def ours_cpu_seconds(pool: ScanWorkerPool) -> float:
    """CPU time used so far by this process and the pool's workers (Linux)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    for worker in pool.workers:
        fields = Path(f"/proc/{worker.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def children_cpu_seconds() -> float:
    """CPU time of the finished child processes (the CLI and the processes it waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_of(repeat: int, run):
    """The shortest of `repeat` runs (the machine may be shared) and the last run's value."""
    times, value = [], None
    for _ in range(repeat):
        seconds, value = run()
        times.append(seconds)
    return min(times), value


# --- the three measurements -----------------------------------------------------------------

def cold_scan(name: str, tree: Path, pool: ScanWorkerPool, args, work: Path,
              cli_startup: float) -> tuple[Row, Check, ScanOutcome]:
    # Ours and the CLI take turns, so a burst of load elsewhere hits both alike.
    ours = peer = ours_cpu = peer_cpu = float("inf")
    out = work / f"cli-{name}.json"
    for _ in range(args.repeat):
        cpu = ours_cpu_seconds(pool)
        seconds, outcome = scan(tree, pool, MemoryCache(), args.processes)
        ours, ours_cpu = min(ours, seconds), min(ours_cpu, ours_cpu_seconds(pool) - cpu)
        cpu = children_cpu_seconds()
        seconds, document = run_cli(tree, out, args.processes, work / "cli-temp")
        peer, peer_cpu = min(peer, seconds), min(peer_cpu, children_cpu_seconds() - cpu)
    ratio = peer / ours
    without = peer - cli_startup
    passed = ratio >= COLD_TARGET
    version = tree_label(tree)
    print(f"[1] cold scan {version} ({len(outcome.files)} files): ours {ours:.1f} s | "
          f"scancode -clpi -n {args.processes} {peer:.1f} s ({without:.1f} s without its "
          f"{cli_startup:.1f} s start-up) | ours {ratio:.2f}x faster ({without / ours:.2f}x "
          f"without start-up) | target >= {COLD_TARGET}x: {'PASS' if passed else 'MISS'}")
    print(f"    CPU seconds (less disturbed by other load): ours {ours_cpu:.1f}, CLI "
          f"{peer_cpu:.1f} (its start-up included)")
    ours_files, cli_files = findings_of_ours(outcome), findings_of_cli(document)
    only = sorted(set(ours_files) ^ set(cli_files))
    if only:
        print(f"    scanned by one side only (compared as files without findings): "
              f"{', '.join(only)}")
    skipped = [r.path for r in outcome.files if r.status == "skipped"]
    if skipped:
        print(f"    skipped by our engine: {', '.join(skipped)}")
    check = Check(f"cold {version}: licenses and holders as the CLI",
                  compare(ours_files, cli_files, "cli"))
    report(check)
    row = Row(f"1. cold scan {version}", ours, peer, f"{ratio:.2f}x faster",
              f">= {COLD_TARGET}x faster", passed)
    return row, check, outcome


def next_version(name: str, old_tree: Path, new_tree: Path, pool: ScanWorkerPool, args,
                 cold: ScanOutcome | None) -> tuple[Row, list[Check]]:
    filled = MemoryCache()
    first, _ = scan(old_tree, pool, filled, args.processes)

    def incremental():
        cache = MemoryCache()
        cache.store = dict(filled.store)  # each repeat starts from the previous version only
        return scan(new_tree, pool, cache, args.processes)

    ours, outcome = best_of(args.repeat, incremental)

    # What changed, worked out independently of the engine: contents the old tree lacks.
    settings = ScanSettings(processes=args.processes)
    old_contents = {r.sha256 for r in list_files(old_tree, settings) if r.sha256}
    changed: dict[str, str] = {}
    for record in list_files(new_tree, settings):
        if record.sha256 and record.sha256 not in old_contents:
            changed.setdefault(record.sha256, record.path)
    tasks = [FileTask(sha, str(new_tree / path)) for sha, path in changed.items()]

    def changed_only():
        outcomes = []
        started = time.monotonic()
        pool.run(tasks, outcomes.append)
        return time.monotonic() - started, outcomes

    peer, outcomes = best_of(args.repeat, changed_only)
    analysed = sum(1 for r in outcome.files if r.status in ("scanned", "error", "timeout"))
    ratio = ours / peer if peer else float("inf")
    passed = ratio <= NEXT_TARGET
    label = f"{tree_label(old_tree)} -> {tree_label(new_tree)}"
    print(f"[2] next version {label}: {len(changed)} of {len(outcome.files)} files changed "
          f"(previous version's scan {first:.1f} s) | ours {ours:.2f} s | changed files alone "
          f"{peer:.2f} s (pool, empty cache; {sum(o.scan.seconds for o in outcomes if o.scan):.1f}"
          f" s of scanner time) | {ratio:.2f}x | target <= {NEXT_TARGET}x: "
          f"{'PASS' if passed else 'MISS'}")
    checks = [Check(f"next {label}: analyses exactly the changed files",
                    [] if analysed == len(changed) else
                    [f"the engine analysed {analysed} files, {len(changed)} contents changed"])]
    if cold is not None:
        # Results served from the cache must be the results of a cold scan.
        checks.append(Check(f"next {label}: same licenses and holders as the cold scan",
                            compare(findings_of_ours(outcome), findings_of_ours(cold),
                                    "cold scan")))
    for check in checks:
        report(check)
    row = Row(f"2. next version {label}", ours, peer, f"{ratio:.2f}x changed-only",
              f"<= {NEXT_TARGET}x changed-only", passed)
    return row, checks


def resubmitted(archive: Path, filename: str, pool: ScanWorkerPool, args,
                work: Path) -> tuple[Row, Check]:
    import flask_migrate

    from governance import create_app
    from governance.database import db
    from governance.scans import services
    from governance.scans.models import Scan, ScanState

    instance = work / "instance"
    app = create_app({
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.db",
        "SECRET_KEY": "scan-bench",
        "SCAN_AUTOSTART": False,
        "SCANS_DIR": str(work / "scans"),
        "SCAN_PROCESSES": args.processes,
    })
    differences = []
    with app.app_context():
        flask_migrate.upgrade()
        config = services.ScanConfig.from_mapping(app.config)

        def submit_and_run() -> tuple[float, Scan]:
            started = time.monotonic()
            queued = services.start_scan(None, None, config, upload=io.BytesIO(
                archive.read_bytes()), upload_name=filename)
            db.session.commit()
            done = services.run_scan(queued.id, config, pool)
            return time.monotonic() - started, done

        first_seconds, first = submit_and_run()
        if first is None or first.state != ScanState.SUCCEEDED:
            differences.append(f"the first scan did not succeed: {first and first.error}")
        ours, again = best_of(args.repeat, submit_and_run)
        if again is None or again.state != ScanState.SUCCEEDED:
            differences.append("the resubmitted scan did not succeed")
        elif first is not None and again.reused_from_id != first.id:
            differences.append(f"the resubmitted scan was not reused from #{first.id} "
                               f"(reused_from_id={again.reused_from_id})")
        elif again.summary != first.summary:
            differences.append("the reused scan's summary differs from the first scan's")
        db.session.remove()
        db.engine.dispose()
    passed = ours < REUSE_TARGET
    print(f"[3] identical {filename} resubmitted: start_scan + run_scan {ours:.3f} s (the first "
          f"scan through the service took {first_seconds:.1f} s) | target < {REUSE_TARGET:.0f}"
          f" s: {'PASS' if passed else 'MISS'}")
    check = Check(f"resubmitted {filename}: reuses the earlier scan", differences)
    report(check)
    row = Row(f"3. identical {filename} resubmitted", ours, None, "-",
              f"< {REUSE_TARGET:.0f} s", passed)
    return row, check


# --- reporting ------------------------------------------------------------------------------

def tree_label(tree: Path) -> str:
    """The package folder inside an extracted sdist, e.g. flask-3.1.0."""
    entries = [p.name for p in tree.iterdir()]
    return entries[0] if len(entries) == 1 else tree.name


def report(check: Check) -> None:
    if not check.differences:
        print(f"    check OK: {check.name}")
        return
    print(f"    check FAILED: {check.name} ({len(check.differences)} differences)")
    for line in check.differences:
        print(f"      {line}")


def _seconds(value: float) -> str:
    return f"{value:7.3f}s" if value < 1 else f"{value:7.2f}s"


def print_table(rows: list[Row], checks: list[Check]) -> None:
    width = max(len(r.measurement) for r in rows)
    print()
    print(f"{'measurement':<{width}}  {'ours':>8}  {'peer':>8}  {'ratio':<22}  "
          f"{'target':<24}  result")
    for r in rows:
        peer = _seconds(r.peer) if r.peer is not None else f"{'-':>8}"
        print(f"{r.measurement:<{width}}  {_seconds(r.ours)}  {peer}  {r.ratio:<22}  "
              f"{r.target:<24}  {'PASS' if r.passed else 'MISS'}")
    failed = [c for c in checks if c.differences]
    print(f"correctness: {len(checks) - len(failed)} of {len(checks)} checks OK"
          + (f"; FAILED: {'; '.join(c.name for c in failed)}" if failed else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2,
                        help="scan processes, ours and the CLI's (default 2)")
    parser.add_argument("--cold", default="flask,requests",
                        help="packages for measurement 1, from: " + ", ".join(PAIRS))
    parser.add_argument("--next", default="flask,requests",
                        help="packages for measurement 2 (previous -> next version)")
    parser.add_argument("--resubmit", default="requests",
                        help="package whose next version is resubmitted in measurement 3")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per timing, the shortest counts (default 1)")
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (trees, CLI JSON) and print where it is")
    args = parser.parse_args(argv)
    names = {key: [n for n in getattr(args, key).split(",") if n]
             for key in ("cold", "next", "resubmit")}
    unknown = {n for group in names.values() for n in group} - set(PAIRS)
    if unknown:
        parser.error(f"unknown packages {sorted(unknown)}; known: {', '.join(PAIRS)}")

    work = Path(tempfile.mkdtemp(prefix="scan-bench-"))
    pool = None
    try:
        wanted = sorted({n for group in names.values() for n in group})
        archives, trees = {}, {}
        for name in wanted:
            for index, purl in enumerate(PAIRS[name]):
                archives[purl] = fetch_archive(purl, args.cache_dir)
                trees[purl] = extract(*archives[purl], work / f"{name}-{index}")
        load = os.getloadavg()[0]
        print(f"scancode-toolkit {scancode_version()}, {args.processes} processes, "
              f"{os.cpu_count()} cores, load average {load:.2f} at the start")
        if load > 0.5 * (os.cpu_count() or 1):
            print("    the machine is busy: timings are noisy (try --repeat 2)")
        pool, pool_startup = start_pool(args.processes, work)
        print(f"our pool's start-up (index loaded in {args.processes} workers): "
              f"{pool_startup:.1f} s, not counted below")
        empty = work / "empty"
        empty.mkdir()
        cli_startup, _ = best_of(args.repeat, lambda: run_cli(
            empty, work / "cli-empty.json", args.processes, work / "cli-temp"))
        print(f"scancode CLI start-up (an empty folder): {cli_startup:.1f} s")

        rows, checks, cold = [], [], {}
        for name in names["cold"]:
            row, check, cold[name] = cold_scan(name, trees[PAIRS[name][1]], pool, args, work,
                                               cli_startup)
            rows.append(row)
            checks.append(check)
        for name in names["next"]:
            old, new = PAIRS[name]
            row, more = next_version(name, trees[old], trees[new], pool, args, cold.get(name))
            rows.append(row)
            checks.extend(more)
        for name in names["resubmit"]:
            row, check = resubmitted(*archives[PAIRS[name][1]], pool, args, work / name)
            rows.append(row)
            checks.append(check)
        print_table(rows, checks)
        return 1 if any(c.differences for c in checks) else 0
    finally:
        if pool is not None:
            pool.close()
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
