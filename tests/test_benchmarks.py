"""The benchmarks run as `make bench` runs them, at a small size: a benchmark that no longer
starts (an import moved, a fixture renamed) fails here, not on the day someone measures.
Only what they check is asserted, never a time."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: a time target missed
    return done.stdout


def test_the_gate_benchmark_runs_through_the_app():
    output = _run("gate_bench.py", "--components", "60", "--requests", "20", "--repeat", "1")
    assert "statuses:" in output and "flask gate" in output


def test_the_large_sbom_benchmark_gates_and_imports_every_component():
    output = _run("sbom_scale_bench.py", "--components", "400", "--requests", "20")
    assert "400 components" in output
    for check in ("flask gate read every component", "import kept every component"):
        line = next(line for line in output.splitlines() if line.startswith(check))
        assert line.endswith("PASS"), output


def test_the_scan_benchmark_starts():
    output = _run("scan_bench.py", "--help")
    assert "scancode" in output


def test_the_advisories_benchmark_imports_and_matches_as_typed():
    output = _run("advisories_bench.py", "--records", "120", "--packages", "20")
    assert "120 new" in output and "120 unchanged" in output
    assert output.rstrip().endswith("PASS"), output
