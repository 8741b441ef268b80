"""What the job tests share: reading a scan as another process left it, waiting for a state,
and following the processes a job started."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from governance.database import db
from governance.scans.models import Scan

ROOT = Path(__file__).resolve().parents[2]


def read_scan(scan_id: int) -> Scan:
    """The row as committed now: the rollback ends this session's read, so what another
    process or thread committed meanwhile is seen."""
    db.session.rollback()
    return db.session.get(Scan, scan_id, populate_existing=True)


def wait_for_scan(scan_id: int, until: Callable[[Scan], bool], timeout: float) -> Scan:
    """The scan once `until` holds, or as it stands when the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        scan = read_scan(scan_id)
        if until(scan) or time.monotonic() > deadline:
            return scan
        time.sleep(0.1)


def children_of(pid: int) -> dict[int, str]:
    """The live child processes of `pid`, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # The command name in field 2 may hold spaces; the fields after it do not.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found[int(entry.name)] = cmdline
    return found


def is_running(pid: int) -> bool:
    """False once the process has exited, zombies included (an orphan whose new parent has
    not reaped it yet has exited all the same)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_until_gone(pids, timeout: float) -> list[int]:
    """The pids still running after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [pid for pid in pids if is_running(pid)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
