"""The API fuzz target: schemathesis against the app served for real on 127.0.0.1.

This module owns the fuzzing of /api/v1 (`make fuzz`, and a small run in `make test` through
tests/api/test_fuzz.py). It creates the app with governance.create_app on a fresh SQLite
database in a temporary folder, or in a schema of its own on the PostgreSQL database named by
--database-url (created at the start, dropped at the end: nothing else of that database is
touched); seeds it through the app's services (teams, users, requests in several states, a
product, one personal API token per role); serves it with werkzeug on a free port of
127.0.0.1; and sends schemathesis's cases (positive and negative) for every operation of
/api/v1/openapi.json, until --cases cases or --seconds seconds, whichever comes first.

Any 5xx (or a response schemathesis's `not_a_server_error` check refuses) is a finding. The
report reads like a benchmark's: cases, seconds, cases/s, responses by status, 500s found with
the first few reproduced as curl lines. Exit 1 when a 5xx was found, 0 otherwise. Scans the
fuzzer starts are parked, never run: nothing is fetched from outside this machine.

    python fuzz/api_fuzz.py --cases 2000 --seconds 300 [--database-url URL] [--seed N]
"""
from __future__ import annotations

import argparse
import json
import logging
import secrets
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: `governance` is beside us
    sys.path.insert(0, str(ROOT))

import schemathesis  # noqa: E402
from flask import has_request_context, request  # noqa: E402
from hypothesis import HealthCheck, Phase, Verbosity, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.core.result import Ok  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from governance import create_app, policies  # noqa: E402
from governance.adoption import services as adoption  # noqa: E402
from governance.auth import services as auth  # noqa: E402
from governance.auth.roles import Role  # noqa: E402
from governance.database import db, unit_of_work  # noqa: E402
from governance.inventory import services as inventory  # noqa: E402
from governance.scans import queue  # noqa: E402
from governance.workflow import services as workflow  # noqa: E402

API = "/api/v1"
CASE_HEADER = "X-Fuzz-Case"  # ties the app's log of a failure to the case that caused it
BATCH = 25  # cases per operation and generation mode before moving to the next operation
SHOWN_FINDINGS = 5
TRANSITIONS = ("submit", "resubmit", "withdraw", "start_review", "approve",
               "approve_with_conditions", "reject", "request_changes")
ANSWERS = {"production-users": "Many companies.", "maintainers": "A foundation team.",
           "can-patch": "yes", "data-sensitivity": "No"}


@dataclass
class Finding:
    operation: str
    status: int
    curl: str
    body: str
    reason: str = ""
    exception: str = ""  # where the app failed, from its log of the unhandled error


@dataclass
class Report:
    cases: int = 0
    seconds: float = 0.0
    database: str = ""
    operations: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_operation: Counter = field(default_factory=Counter)
    not_sent: Counter = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
    exceptions: Counter = field(default_factory=Counter)
    scans_parked: int = 0
    limit: int = 0
    seed: int = 0

    @property
    def server_errors(self) -> int:
        return len(self.findings)

    def as_dict(self) -> dict:
        return {"cases": self.cases, "seconds": round(self.seconds, 2),
                "database": self.database, "operations": self.operations,
                "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
                "server_errors": self.server_errors,
                "findings": [vars(f) for f in self.findings],
                "exceptions": dict(self.exceptions), "not_sent": dict(self.not_sent)}


# --- the database and the app -------------------------------------------------------------

@contextmanager
def database(url: str | None, workdir: str):
    """SQLAlchemy settings of a database of the fuzzer's own: a SQLite file in `workdir`, or a
    fresh schema on the PostgreSQL database `url`, dropped with everything in it at the end."""
    if not url:
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/fuzz.db"}, "SQLite", None
        return
    from governance.config import normalise_database_url

    url = normalise_database_url(url)
    if not url.startswith("postgresql"):
        raise SystemExit("--database-url: only postgresql:// URLs (SQLite is the default).")
    name = "fuzz_" + secrets.token_hex(4)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {name}"))
    try:
        yield {"SQLALCHEMY_DATABASE_URI": url,
               "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {
                   "options": f"-csearch_path={name}"}}}, f"PostgreSQL (schema {name})", name
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()


def build_app(workdir: str, db_config: dict):
    app = create_app({
        "INSTANCE_PATH": workdir, "SECRET_KEY": secrets.token_urlsafe(32),
        "SCAN_AUTOSTART": False, "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **db_config})
    parked: list[int] = []
    # Scans started by the fuzzer wait in the queue: fetching would leave this machine.
    queue.install(app, parked.append)
    app.extensions["fuzz.parked_scans"] = parked
    return app


def seed_data(app) -> dict:
    """Rows made through the services, as people would make them; one token per role."""
    with app.app_context(), unit_of_work():
        db.create_all()
        rules = policies.request_rules()
        payments = auth.save_team(None, None, name="Payments")
        data_team = auth.save_team(None, None, name="Data")
        people = {}
        for name, role, teams in (("eve", Role.ENGINEER, [payments]),
                                  ("dan", Role.ENGINEER, [data_team]),
                                  ("olga", Role.OSS_OFFICE, []),
                                  ("cora", Role.COMPLIANCE, []),
                                  ("adam", Role.ADMIN, [])):
            people[name] = auth.create_user(None, username=name, password=secrets.token_hex(16),
                                            role=role, full_name=name.title(),
                                            team_ids=[t.id for t in teams])
        product = inventory.save_product(None, None, name="Billing jobs", team_id=payments.id,
                                         usage_context="saas", description="", rules=rules)
        eve, olga = people["eve"], people["olga"]
        steps = {"draft": [], "submitted": ["submit"], "in_review": ["submit", "start_review"],
                 "approved": ["submit", "start_review", "approve"],
                 "rejected": ["submit", "start_review", "reject"],
                 "changes": ["submit", "start_review", "request_changes"],
                 "withdrawn": ["withdraw"]}
        request_ids = []
        for number, (label, names) in enumerate(steps.items(), start=1):
            item = adoption.create(eve, adoption.AdoptionInput(
                team_id=payments.id, usage_context="saas", linking="dynamic",
                purl=f"pkg:pypi/fuzz-{label}@1.{number}.0", justification="Fuzzing.",
                answers=dict(ANSWERS), product_id=product.id if number % 2 else None), rules)
            for step in names:
                actor = eve if step in ("submit", "withdraw") else olga
                workflow.transition(item, actor, step, reason="Seeded.", inputs={
                    "without_scan_reason": "Fuzz seed data: nothing is scanned."})
            request_ids.append(item.id)
        tokens = [auth.create_token(person, "fuzz")[1] for person in people.values()]
        return {"tokens": tokens, "request_id": request_ids, "product_id": [product.id]}


@contextmanager
def serve(app):
    """The WSGI app on a free port of 127.0.0.1, in a thread; yields its base URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


# --- the fuzzing -----------------------------------------------------------------------------

def _known_ids(known: dict, parked: list[int]) -> dict:
    return {**known, "scan_id": list(parked), "name": list(TRANSITIONS)}


def _aim(case, data, ids: dict) -> None:
    """Half the time, point a path parameter at a row that exists (random ids mostly 404)."""
    for key in list(case.path_parameters or {}):
        choices = ids.get(key)
        if choices and data.draw(st.booleans(), label=f"aim {key}"):
            case.path_parameters[key] = data.draw(st.sampled_from(choices), label=key)


def _short(body) -> str:
    if body is None:
        return ""
    text_ = body if isinstance(body, str) else repr(body)
    return text_ if len(text_) <= 300 else text_[:300] + "…"


def _run_batch(report: Report, operation, mode, count: int, stop_at: float, base_url: str,
               known: dict, parked: list[int], failures: dict, seed_value: int) -> None:
    label = operation.label
    strategy = operation.as_strategy(generation_mode=mode)

    @hypothesis_seed(seed_value)
    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet,
              report_multiple_bugs=False)
    @given(case=strategy, data=st.data())
    def one(case, data):
        if report.cases >= report.limit or time.monotonic() >= stop_at:
            return
        _aim(case, data, _known_ids(known, parked))
        token = data.draw(st.sampled_from(known["tokens"]), label="token")
        headers = {"Authorization": f"Bearer {token}", CASE_HEADER: case.id}
        try:
            response = case.call(base_url=base_url, headers=headers, timeout=60)
        except Exception as exc:  # a case schemathesis cannot send is not a case run
            report.not_sent[f"{type(exc).__name__}"] += 1
            return
        report.cases += 1
        report.by_status[response.status_code] += 1
        report.by_operation[label] += 1
        reason = ""
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
        except (Exception, BaseExceptionGroup) as exc:  # its failures come as a FailureGroup
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if response.status_code >= 500 or reason:
            report.findings.append(Finding(
                operation=label, status=response.status_code, reason=reason,
                curl=case.as_curl_command(headers={"Authorization": "Bearer $TOKEN"},
                                          base_url=base_url),
                body=_short(response.text), exception=failures.get(case.id, "")))

    one()


def fuzz(cases: int, seconds: float, database_url: str | None = None,
         seed: int | None = None) -> Report:
    """Run at most `cases` cases for at most `seconds` seconds; the report of what happened."""
    seed = secrets.randbelow(2**31) if seed is None else seed
    report = Report(limit=cases, seed=seed)
    with tempfile.TemporaryDirectory(prefix="api-fuzz-") as workdir, \
            database(database_url, workdir) as (db_config, db_label, schema_name):
        report.database = db_label
        app = build_app(workdir, db_config)
        if schema_name:
            with app.app_context():  # every table below lands in our schema, or we stop here
                current = db.session.scalar(text("SELECT current_schema()"))
                db.session.remove()
            if current != schema_name:
                raise SystemExit(f"search_path did not take: {current!r}, not {schema_name!r}")
        failures: dict[str, str] = {}  # case id -> where the app failed
        app.logger.handlers = [_Collect(report, failures)]  # counted, not printed
        app.logger.propagate = False
        known = seed_data(app)
        parked = app.extensions["fuzz.parked_scans"]
        try:
            with serve(app) as base_url:
                schema = schemathesis.openapi.from_url(
                    f"{base_url}{API}/openapi.json", timeout=30,
                    headers={"Authorization": f"Bearer {known['tokens'][0]}"})
                operations = [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]
                report.operations = len(operations)
                started = time.monotonic()
                stop_at = started + seconds
                modes = list(schemathesis.GenerationMode)
                round_ = 0
                while report.cases < cases and time.monotonic() < stop_at:
                    before = report.cases
                    # Spread a small budget over every operation and mode, BATCH at most.
                    batch = max(1, min(BATCH, -(-(cases - before) // (2 * len(operations)))))
                    for index, operation in enumerate(operations):
                        for mode_index, mode in enumerate(modes):
                            left = cases - report.cases
                            if left <= 0 or time.monotonic() >= stop_at:
                                break
                            _run_batch(report, operation, mode, min(batch, left), stop_at,
                                       base_url, known, parked, failures,
                                       seed + round_ * 10_000 + index * 10 + mode_index)
                    round_ += 1
                    if report.cases == before:
                        break  # nothing could be sent: do not spin until the deadline
                report.seconds = time.monotonic() - started
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()  # the schema (PostgreSQL) or the folder goes with it
        report.scans_parked = len(parked)
    return report


class _Collect(logging.Handler):
    """The app's log of unhandled errors, kept per case (by the case's header) and counted."""

    def __init__(self, report: Report, failures: dict):
        super().__init__(logging.ERROR)
        self.report, self.failures = report, failures

    def emit(self, record: logging.LogRecord) -> None:
        if not record.exc_info or record.exc_info[1] is None:
            return
        where = _where(record.exc_info[1])
        self.report.exceptions[where] += 1
        if has_request_context() and request.headers.get(CASE_HEADER):
            self.failures[request.headers[CASE_HEADER]] = where


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/governance/" in f.filename] or frames
    last = ours[-1] if ours else None
    place = f" at {Path(last.filename).name}:{last.lineno} ({last.name})" if last else ""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}{place}"


# --- the report ----------------------------------------------------------------------------

def format_report(report: Report, cases: int, seconds: float) -> str:
    rate = report.cases / report.seconds if report.seconds else 0.0
    classes = Counter()
    for status, count in report.by_status.items():
        classes[f"{status // 100}xx"] += count
    lines = [
        "API fuzz (schemathesis "
        f"{schemathesis.__version__}, seed {report.seed})",
        f"database            {report.database}",
        f"operations          {len(report.by_operation)} of {report.operations} reached",
        f"budget              {cases} cases or {seconds:g} s",
        f"cases run           {report.cases}",
        f"seconds             {report.seconds:.1f}",
        f"cases/s             {rate:.1f}",
        "responses by class  " + ", ".join(f"{k}: {v}" for k, v in sorted(classes.items())),
        "responses by status " + ", ".join(f"{k}: {v}" for k, v in
                                           sorted(report.by_status.items())),
    ]
    if report.not_sent:
        lines.append("not sendable        " + ", ".join(f"{k}: {v}" for k, v in
                                                       sorted(report.not_sent.items())))
    lines.append(f"scans parked        {report.scans_parked} (queued, never run)")
    lines.append(f"500s found          {report.server_errors}   (goal: 0)")
    for finding in report.findings[:SHOWN_FINDINGS]:
        lines.append(f"  {finding.status} {finding.operation}"
                     + (f"  [{finding.reason}]" if finding.reason else ""))
        lines.append(f"    {finding.curl}")
        if finding.body:
            lines.append(f"    -> {finding.body}")
        if finding.exception:
            lines.append(f"    in the app: {finding.exception}")
    if report.server_errors > SHOWN_FINDINGS:
        lines.append(f"  … and {report.server_errors - SHOWN_FINDINGS} more")
    if report.exceptions:
        lines.append("exceptions in the app:")
        lines.extend(f"  {count} × {where}" for where, count in report.exceptions.most_common())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="stop after this many cases")
    parser.add_argument("--seconds", type=float, default=300, help="stop after this long")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL URL; the fuzzer works in a schema of its own there")
    parser.add_argument("--seed", type=int, default=None, help="for a repeatable run")
    parser.add_argument("--json", dest="json_path", default=None,
                        help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    report = fuzz(args.cases, args.seconds, args.database_url, args.seed)
    print(format_report(report, args.cases, args.seconds), flush=True)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(report.as_dict(), indent=2))
    return 1 if report.server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
