"""Importing an ecosystem's OSV records and matching them against the inventory, as typed:
`flask advisories import all.zip` in a process of its own, on a database holding the
inventory. Target (issue 14): under a minute for 20,000 records against 5,000 versions.

The zip is written here in osv.dev's format for PyPI (one JSON record per member, `id`,
`modified`, `published`, `aliases`, `summary`, `affected` with the package, ECOSYSTEM ranges of
`introduced`/`fixed` or `last_affected` events, some with a GIT range and an explicit
`versions` list, `references`), about a third of them on packages the inventory has (names
written as advisories write them, capitals and `_` included, which PEP 503 must meet). The
inventory is 1,000 PyPI packages × 5 approved versions (SQLite in a temporary folder).

Measured, each in a process of its own:
- the first import (every record new, every match made);
- the same zip again (every record unchanged: what a daily re-import of all.zip costs);
- the peer: `python -c` reading every member of the zip as JSON, the floor under any importer.
Ratios are printed against the peer. Exit 1 when the target is missed.

Run: make bench  (or .venv/bin/python benchmarks/advisories_bench.py --records 20000)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.sbom_scale_bench import run_measured  # noqa: E402

TIME_TARGET = 60.0
PEER = ("import json, sys, zipfile\n"
        "archive = zipfile.ZipFile(sys.argv[1])\n"
        "print(sum(1 for n in archive.namelist() if json.loads(archive.read(n))))\n")


def package_names(count: int) -> list[str]:
    stems = ["requests", "Jinja2", "typing_extensions", "PyYAML", "Flask", "urllib3",
             "charset-normalizer", "python-dateutil", "Django", "Pillow"]
    return [f"{random.choice(stems)}-bench{n}" for n in range(count)]


def write_zip(path: Path, records: int, inventory_names: list[str]) -> None:
    others = [f"unused-project-{n}" for n in range(records)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(records):
            name = random.choice(inventory_names) if n % 3 == 0 else others[n]
            # An advisory's spelling of the name: capitals and '_' as authors write them.
            spelled = name.replace("-", "_").upper() if n % 7 == 0 else name
            major = random.randint(1, 5)
            events = ([{"introduced": "0"}, {"fixed": f"{major}.{random.randint(0, 9)}.0"}]
                      if n % 4 else
                      [{"introduced": f"{major}.0.0"}, {"last_affected": f"{major}.5.0"}])
            ranges = [{"type": "ECOSYSTEM", "events": events}]
            if n % 5 == 0:
                ranges.insert(0, {"type": "GIT", "repo": f"https://github.com/x/{name}",
                                  "events": [{"introduced": "0"}, {"fixed": f"{n:040x}"}]})
            record = {
                "id": f"PYSEC-2026-{n}", "modified": "2026-11-30T12:00:00Z",
                "published": "2026-11-01T00:00:00Z", "aliases": [f"CVE-2026-{10000 + n}"],
                "summary": f"Bench advisory {n} in {name}",
                "details": "A generated advisory in osv.dev's format. " * 5,
                "affected": [{"package": {"ecosystem": "PyPI", "name": spelled,
                                          "purl": f"pkg:pypi/{name.lower()}"},
                              "ranges": ranges,
                              "versions": [f"{major}.{m}.0" for m in range(3)]
                              if n % 6 == 0 else []}],
                "references": [{"type": "ADVISORY",
                                "url": f"https://example.org/advisories/{n}"}]}
            archive.writestr(f"PYSEC-2026-{n}.json", json.dumps(record))


def seed_inventory(env: dict, names: list[str], versions: int) -> None:
    from governance import create_app
    from governance.adoption.models import AdoptionRequest
    from governance.auth.models import Team, User
    from governance.components.models import Component
    from governance.database import db
    from governance.states import State

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                      "INSTANCE_PATH": env["INSTANCE_PATH"], "SCAN_AUTOSTART": False})
    with app.app_context():
        db.create_all()
        team = Team(name="Payments")
        user = User(username="bench", password_hash="x", role="engineer")
        db.session.add_all([team, user])
        for name in names:
            for v in range(versions):
                component = Component(type="pypi", namespace="", name=name.lower(),
                                      version=f"{random.randint(1, 5)}.{v}.0")
                db.session.add(AdoptionRequest(
                    title=f"Adopt {name}", requester=user, team=team, component=component,
                    usage_context="internal", linking="dynamic", state=State.APPROVED,
                    answers=[]))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--packages", type=int, default=1_000,
                        help="PyPI packages in the inventory (5 versions each)")
    args = parser.parse_args(argv)
    random.seed(2026)
    with tempfile.TemporaryDirectory(prefix="advisories-bench-") as tmp:
        folder = Path(tmp)
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{folder / 'bench.db'}",
                   FLASK_APP="app", INSTANCE_PATH=str(folder / "instance"),
                   SECRET_KEY="bench", SCAN_AUTOSTART="0")
        names = package_names(args.packages)
        seed_inventory(env, names, 5)
        bundle = folder / "all.zip"
        write_zip(bundle, args.records, names)
        print(f"{args.records:,} OSV records ({bundle.stat().st_size / 1e6:.1f} MB zipped) "
              f"against {args.packages * 5:,} inventory versions")
        flask = [str(Path(sys.executable).with_name("flask")), "advisories", "import",
                 str(bundle), "--json"]
        peer_s, peer_mb, _, _ = run_measured([sys.executable, "-c", PEER, str(bundle)], env)
        first_s, first_mb, status, output = run_measured(flask, env)
        if status != 0:
            print(output[-3000:])
            return 1
        counts = json.loads(output[output.index("{"):])
        again_s, again_mb, _, again_out = run_measured(flask, env)
        unchanged = json.loads(again_out[again_out.index("{"):])["unchanged"]
    print(f"peer (read every record as JSON): {peer_s:7.2f} s {peer_mb:6.0f} MB")
    print(f"flask advisories import, first:   {first_s:7.2f} s {first_mb:6.0f} MB  "
          f"{first_s / peer_s:5.1f}x the peer; {counts['new']:,} new, "
          f"{counts['findings_opened']:,} findings")
    print(f"flask advisories import, again:   {again_s:7.2f} s {again_mb:6.0f} MB  "
          f"{again_s / peer_s:5.1f}x the peer; {unchanged:,} unchanged")
    ok = first_s < TIME_TARGET and counts["new"] == args.records and unchanged == args.records
    print(f"import and match under {TIME_TARGET:.0f} s, every record kept: "
          f"{'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
