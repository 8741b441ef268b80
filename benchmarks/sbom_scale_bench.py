"""A 120,000-component SBOM through the paths users take: `flask gate` as typed, and the import
through the running server's API. Target: each under 10 s and 300 MB.

The SBOM is CycloneDX 1.5 JSON, about 18 MB, written as `npm sbom` writes a component's core
fields (bom-ref, type, name, version, purl, licenses by id or expression): real npm and PyPI
names, numbered to make 120,000 packages, with the license mix of gate_bench.py. The database
(SQLite in a temporary folder) holds about 300 adoption requests for some of them, in every
state (gate_db.seed), and an API token of a compliance user.

Measured, each in a process of its own:
- `flask gate SBOM --context distributed --product checkout --json`: wall time and the
  process's peak memory (ru_maxrss, from wait4 in a small launcher);
- POST /api/v1/products/ID/sboms to `flask run` serving the same database: the request's
  wall time, and the server's peak memory (VmHWM) after it, and how much the import added;
- the peer, in the same run: `python -c 'json.load(open(SBOM))'`, reading the file at all, the
  floor under any reader; and `flask gate --help`, the start-up every command pays.
Ratios are printed against json.load. Exit 1 when a target is missed.

Run: make bench  (or .venv/bin/python benchmarks/sbom_scale_bench.py --components 120000)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.gate_bench import LICENSES, NPM, NPM_SCOPED, PYPI, make_requests  # noqa: E402
from benchmarks.gate_db import seed  # noqa: E402

BIN = Path(sys.executable).parent
TIME_TARGET = 10.0  # seconds
MEMORY_TARGET = 300  # MB


def make_sbom(count: int, rng: random.Random) -> tuple[bytes, list[tuple[str, str, str]]]:
    names = [("npm", n) for n in NPM + NPM_SCOPED] + [("pypi", n) for n in PYPI]
    weights = [w for *_, w in LICENSES]
    components, packages = [], []
    for i in range(count):
        ecosystem, base = rng.choice(names)
        # The first of each name as it is, then numbered: forks and vendored copies.
        name = base if i < len(names) else f"{base}-{i}"
        version = f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
        scope, _, bare = name.rpartition("/")
        purl = (f"pkg:npm/{scope.replace('@', '%40') + '/' if scope else ''}{bare}@{version}"
                if ecosystem == "npm" else f"pkg:pypi/{name}@{version}")
        component = {"bom-ref": f"{name}@{version}", "type": "library", "name": name,
                     "version": version, "purl": purl}
        kind, value, _ = rng.choices(LICENSES, weights)[0]
        if kind == "id":
            component["licenses"] = [{"license": {"id": value}}]
        elif kind == "expression":
            component["licenses"] = [{"expression": value}]
        components.append(component)
        packages.append((ecosystem, name, version))
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
           "metadata": {"component": {"bom-ref": "checkout@4.2.0", "type": "application",
                                      "name": "checkout", "version": "4.2.0"}},
           "components": components}
    return json.dumps(bom, separators=(",", ":")).encode(), packages


# Started by a small Python of its own: a child forked from this process (which holds the
# SBOM and the app) would count this process's memory in its peak until it execs.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(args: list[str], env: dict) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit status, output) of a command run to its end."""
    with tempfile.NamedTemporaryFile("r", suffix=".maxrss") as peak:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", LAUNCHER, peak.name, *args], env=env,
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        seconds = time.perf_counter() - started
        peak_mb = int(peak.read() or 0) / 1024
    return seconds, peak_mb, done.returncode, done.stdout.decode(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def prepare(folder: Path, requests) -> tuple[dict, str, int]:
    """The database, the environment of every process, a compliance user's token and the
    id of product checkout."""
    from governance import create_app
    from governance.auth import services as auth
    from governance.auth.models import User
    from governance.components.models import Product
    from governance.database import db

    env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'bench.db'}", FLASK_APP="app",
               INSTANCE_PATH=str(folder / "instance"), SECRET_KEY="bench",
               SCAN_AUTOSTART="0", SBOM_MAX_BYTES=str(64 * 1024 * 1024),
               MAX_CONTENT_LENGTH=str(80 * 1024 * 1024))
    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                      "INSTANCE_PATH": env["INSTANCE_PATH"], "SCAN_AUTOSTART": False})
    with app.app_context():
        seed(requests, "distributed")
        checker = User(username="compliance", password_hash="x", role="compliance")
        db.session.add(checker)
        db.session.commit()
        secret = auth.create_token(checker, "bench")[1]
        db.session.commit()
        product_id = db.session.query(Product.id).filter_by(name="checkout").scalar()
        db.session.remove()
        db.engine.dispose()
    return env, secret, product_id


def import_through_server(env: dict, secret: str, product_id: int,
                          data: bytes) -> tuple[float, float, float, int, dict]:
    """(seconds, server peak MB, MB the import added to the peak, HTTP status, answer)."""
    port = free_port()
    server = subprocess.Popen([str(BIN / "flask"), "run", "--port", str(port)], env=env,
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("flask run did not answer /healthz") from None
                time.sleep(0.2)
        before = memory_mb(server.pid, "VmHWM")
        request = urllib.request.Request(
            f"{base}/api/v1/products/{product_id}/sboms", data=data, method="POST",
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        seconds = time.perf_counter() - started
        peak = memory_mb(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(30)
    answer = json.loads(body) if body[:1] == b"{" else {"body": body[:300].decode()}
    return seconds, peak, peak - before, status, answer


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--components", type=int, default=120_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    print(f"load average {os.getloadavg()[0]:.2f}")
    data, packages = make_sbom(args.components, rng)
    requests = make_requests(packages[:2000], args.requests, rng)
    with tempfile.TemporaryDirectory(prefix="sbom-scale-") as name:
        folder = Path(name)
        sbom = folder / "bom.cdx.json"
        sbom.write_bytes(data)
        env, secret, product_id = prepare(folder, requests)
        print(f"SBOM: CycloneDX JSON, {len(data) / 1e6:.1f} MB, {args.components:,} "
              f"components; {args.requests} requests in the database")

        floor = run_measured([sys.executable, "-c", "import json,sys; json.load(open("
                              "sys.argv[1], 'rb'))", str(sbom)], env)
        startup = run_measured([str(BIN / "flask"), "gate", "--help"], env)
        gate = run_measured([str(BIN / "flask"), "gate", str(sbom), "--context", "distributed",
                             "--product", "checkout", "--json"], env)
        gate_answer = json.loads(gate[3][gate[3].index("{"):]) if "{" in gate[3] else {}
        seconds, peak, added, status, answer = import_through_server(env, secret, product_id,
                                                                     data)
    print(f"peer json.load:       {floor[0]:6.2f} s {floor[1]:6.0f} MB")
    print(f"flask gate --help:    {startup[0]:6.2f} s {startup[1]:6.0f} MB (start-up)")
    print(f"flask gate:           {gate[0]:6.2f} s {gate[1]:6.0f} MB  exit {gate[2]}, "
          f"{gate_answer.get('total', '?')} components, counts {gate_answer.get('counts')}")
    print(f"API import:           {seconds:6.2f} s {peak:6.0f} MB server peak (+{added:.0f} MB"
          f" for the import)  HTTP {status}, {answer.get('total', '?')} components")
    checks = [
        ("flask gate read every component", gate_answer.get("total") == args.components),
        ("import kept every component", status == 201
         and answer.get("total") == args.components
         and len(answer.get("components", [])) == args.components),
        (f"flask gate < {TIME_TARGET:g} s ({gate[0] / floor[0]:.1f}x json.load)",
         gate[0] < TIME_TARGET),
        (f"flask gate < {MEMORY_TARGET} MB ({gate[1] / floor[1]:.1f}x json.load)",
         gate[1] < MEMORY_TARGET),
        (f"API import < {TIME_TARGET:g} s ({seconds / floor[0]:.1f}x json.load)",
         seconds < TIME_TARGET),
        (f"API import server peak < {MEMORY_TARGET} MB", peak < MEMORY_TARGET),
    ]
    for label, ok in checks:
        print(f"{label:55s} {verdict(ok)}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
