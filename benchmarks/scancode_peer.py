"""The peer of scan_bench.py, `scancode -clpi`, and the comparison of its findings with ours
(per file: the detected license expression and the copyright holders)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from governance.scanning.runner import ScanOutcome

# --- the scancode CLI -----------------------------------------------------------------------

def run_cli(tree: Path, out: Path, processes: int, temp: Path) -> tuple[float, dict]:
    scancode = Path(sys.executable).parent / "scancode"
    temp.mkdir(parents=True, exist_ok=True)
    command = [str(scancode), "-clpi", "-n", str(processes), "--json", str(out), str(tree)]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True,
                          env=dict(os.environ, SCANCODE_TEMP=str(temp)))
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}:\n"
                           f"{done.stderr[-3000:]}")
    return seconds, json.loads(out.read_text())


# --- comparing results ----------------------------------------------------------------------

def findings_of_ours(outcome: ScanOutcome) -> dict[str, dict]:
    """path -> results, for every file our engine has results for (scanned, cached or
    duplicate of a scanned one); paths relative to the tree."""
    # A file's expression as the scan stores it: after following license references
    # ("see LICENSE") across the package, as the CLI's license plugin does too.
    return {record.path: dict(outcome.results[record.key],
                              detected_license_expression=outcome.license_of(record)[0])
            for record in outcome.files if record.key in outcome.results}


def findings_of_cli(document: dict) -> dict[str, dict]:
    """path -> resource for the CLI's files, without the tree's own folder name that the CLI
    puts in front of every path."""
    return {f["path"].split("/", 1)[1]: f for f in document["files"]
            if f["type"] == "file" and "/" in f["path"]}


def _license(results: dict | None) -> str | None:
    return (results or {}).get("detected_license_expression") or None


def _holders(results: dict | None) -> frozenset[str]:
    return frozenset(h["holder"] for h in (results or {}).get("holders") or [])


def compare(ours: dict[str, dict], theirs: dict[str, dict], their_name: str) -> list[str]:
    """Per-file license expressions and holders that differ. A file one side did not scan
    counts as a file without findings (the CLI skips .gitignore files, for one)."""
    differences = []
    for path in sorted(set(ours) | set(theirs)):
        mine, other = ours.get(path), theirs.get(path)
        if _license(mine) != _license(other):
            why = ""
            log = [entry for d in (other or {}).get("license_detections") or []
                   for entry in d.get("detection_log") or []]
            if log:
                why = f"  [{their_name} detection_log: {', '.join(sorted(set(log)))}]"
            differences.append(f"license  {path}: ours {_license(mine)!r}, "
                               f"{their_name} {_license(other)!r}{why}")
        if _holders(mine) != _holders(other):
            differences.append(f"holders  {path}: ours {sorted(_holders(mine))}, "
                               f"{their_name} {sorted(_holders(other))}")
    expressions = ({_license(r) for r in ours.values()} - {None},
                   {_license(r) for r in theirs.values()} - {None})
    holders = (set().union(*map(_holders, ours.values())),
               set().union(*map(_holders, theirs.values())))
    for kind, (mine, other) in (("license expressions", expressions), ("holders", holders)):
        if mine != other:
            differences.append(f"{kind} found only by ours: {sorted(mine - other)}; only by "
                               f"{their_name}: {sorted(other - mine)}")
    return differences


