"""The Celery backend end to end: a real worker process, a real Redis broker, the test's
database and scans folder, and the scan the worker runs."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest
import redis
from sqlalchemy import select

from governance import create_app
from governance.audit import services as audit
from governance.auth.models import User
from governance.auth.roles import Role
from governance.database import db
from governance.scans import services
from governance.scans.models import ScanFile, ScanState
from governance.scans.queue import enqueue, scan_config
from governance.states import State
from governance.workflow.models import Request
from tests import factories as f
from tests.jobs.helpers import ROOT, children_of, tail, wait_for_scan, wait_until_gone
from tests.scans.archives import tar_gz, tiny_package_files

# A database of its own on the local Redis, emptied before and after: nothing else's queue.
BROKER_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture
def broker():
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        pytest.skip(f"No Redis server at 127.0.0.1:6379 for the Celery broker ({exc}).")
    client.flushdb()
    yield BROKER_URL
    client.flushdb()
    client.close()


@pytest.fixture
def start_worker(app, broker, tmp_path, fake_registry):
    """Start `celery -A governance.jobs.worker worker ARGS…` on the test's database, with the
    local registry as PyPI; every worker started is stopped after the test."""
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SCAN_BACKEND="celery", CELERY_BROKER_URL=broker,
               SCANS_DIR=app.config["SCANS_DIR"], SCAN_PROCESSES="1",
               PYPI_URL=fake_registry.pypi_url, SECRET_KEY="x")
    started = []

    def start(*args: str, extra_env: dict | None = None) -> subprocess.Popen:
        name = f"worker-{len(started)}"
        log_path = tmp_path / f"{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "governance.jobs.worker", "worker",
                 "--loglevel", "INFO", "--hostname", f"{name}@%h", *args],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                env=dict(env, INSTANCE_PATH=str(tmp_path / f"{name}-instance"),
                         **(extra_env or {})))
        process.log_path = log_path
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def worker(start_worker):
    """A scan worker as the README starts it: `--pool solo`."""
    return start_worker("--pool", "solo")


@pytest.fixture
def celery_app(app, broker, tmp_path):
    """The app as a web process configured for Celery would be, on the same database."""
    celery_flask_app = create_app({
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SCAN_BACKEND": "celery", "CELERY_BROKER_URL": broker,
        "SCANS_DIR": app.config["SCANS_DIR"], "SCAN_AUTOSTART": False,
        "INSTANCE_PATH": str(tmp_path / "web-instance"), "SECRET_KEY": "x",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    yield celery_flask_app
    celery_flask_app.extensions["celery"].close()
    with celery_flask_app.app_context():
        db.engine.dispose()


def test_a_scan_enqueued_for_celery_is_run_by_a_worker(celery_app, worker, tmp_path):
    team = f.team("Payments")
    erin = f.user(Role.ENGINEER, teams=[team], username="erin")
    item = f.request_in(State.SUBMITTED, erin, team, purl="pkg:pypi/tinypkg@1.0.0")
    archive = tar_gz(tmp_path / "tinypkg-1.0.0.tar.gz", tiny_package_files())

    with celery_app.app_context():
        scan = services.start_scan(db.session.get(Request, item.id),
                                   db.session.get(User, erin.id), scan_config(),
                                   upload=io.BytesIO(archive.read_bytes()),
                                   upload_name=archive.name)
        db.session.commit()
        enqueue(scan.id)
        # The worker loads scancode's license index (5 to 10 s) before its first file.
        done = wait_for_scan(scan.id, lambda s: s.is_finished, timeout=120)
        assert done.state == ScanState.SUCCEEDED, (
            f"{done.state} {done.error!r}; worker log:\n{tail(worker.log_path)}")
        summary = done.summary
        files = {r.path: r for r in db.session.scalars(
            select(ScanFile).where(ScanFile.scan_id == scan.id))}
        db.session.remove()

    assert done.attempts == 1
    assert summary["declared_license_expression"] == "mit"
    assert summary["declared_license_expression_spdx"] == "MIT"
    assert summary["files"] == 6 and summary["errors"] == 0
    assert files["tinypkg-1.0.0/tinypkg/vendored.py"].license_expression == "apache-2.0"
    assert files["tinypkg-1.0.0/LICENSE"].license_expression == "mit"
    actions = [e.action for e in audit.events_for("request", item.id)]
    assert actions[-2:] == ["scan_queued", "scan_succeeded"]

    # The scan workers are the worker's children; none outlives it.
    spawned = {pid: cmd for pid, cmd in children_of(worker.pid).items()
               if "multiprocessing" in cmd}
    assert any("spawn_main" in cmd for cmd in spawned.values()), children_of(worker.pid)
    worker.terminate()
    worker.wait(30)
    assert wait_until_gone(spawned, timeout=10) == []


def test_a_fetch_runs_on_the_fetch_queue_and_holds_up_no_scan(celery_app, worker, start_worker,
                                                             fake_registry, tmp_path):
    # The README's fetch worker: the `fetch` queue, threads.
    fetcher = start_worker("-Q", "fetch", "--pool", "threads", "--concurrency", "2")
    fake_registry.misbehave("/files/demo_lib-1.0.0.tar.gz", trickle=4, trickle_headers=True,
                            body=b"x" * 100)
    archive = tar_gz(tmp_path / "tinypkg-1.0.0.tar.gz", tiny_package_files())

    with celery_app.app_context():
        config = scan_config()
        slow = services.start_scan(None, None, config, source="pkg:pypi/demo-lib@1.0.0")
        fetched = services.start_scan(None, None, config, source="pkg:pypi/demo-lib@1.1.0")
        db.session.commit()
        enqueue(slow.id)
        trickling = wait_for_scan(slow.id, lambda s: s.phase == "fetching", timeout=120)
        assert trickling.phase == "fetching", (trickling.state, tail(fetcher.log_path))
        uploaded = services.start_scan(None, None, config,
                                       upload=io.BytesIO(archive.read_bytes()),
                                       upload_name=archive.name)
        db.session.commit()
        enqueue(uploaded.id)
        enqueue(fetched.id)
        for scan_id in (uploaded.id, fetched.id):
            done = wait_for_scan(scan_id, lambda s: s.is_finished, timeout=180)
            assert done.state == ScanState.SUCCEEDED, (
                f"{done.state} {done.error!r}; scan worker log:\n{tail(worker.log_path)}\n"
                f"fetch worker log:\n{tail(fetcher.log_path)}")
        assert done.archive.filename == "demo_lib-1.1.0.tar.gz" and done.attempts == 1
        still = wait_for_scan(slow.id, lambda s: True, timeout=0)
        assert (still.state, still.phase) == (ScanState.RUNNING, "fetching")
        # The registry hangs up: the fetch fails with the reason, and the fetch worker is
        # free to stop at once (a worker stopping waits for the task in hand).
        fake_registry.stop()
        failed = wait_for_scan(slow.id, lambda s: s.is_finished, timeout=120)
        assert failed.state == ScanState.FAILED and "demo_lib-1.0.0" in failed.error
        db.session.remove()


def test_github_provisioning_asked_for_on_approval_is_run_by_a_worker(celery_app, start_worker,
                                                                      people_for_github):
    from tests.github.fake_github import FakeGitHub

    engineer, office, team = people_for_github
    with FakeGitHub() as fake:
        worker = start_worker("--pool", "solo", extra_env={
            "GITHUB_API_URL": fake.url, "GITHUB_TOKEN": fake.token})
        item = f.github_request_in(State.IN_REVIEW, engineer, team, office)
        with celery_app.app_context():
            from governance.github_requests.models import GitHubRequest
            from governance.workflow import services as workflow

            workflow.transition(db.session.get(GitHubRequest, item.id),
                                db.session.get(User, office.id), "approve", reason="Joins.")
            db.session.commit()  # the task goes to the broker once this commits
            db.session.remove()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            db.session.expire_all()
            state = db.session.get(Request, item.id).provisioning_state
            if state in ("done", "failed"):
                break
            time.sleep(0.5)
        assert state == "done", tail(worker.log_path)
        assert [c.status for c in fake.calls_to("orgs/set-membership-for-user")] == [200]
    assert fake.violations == []


@pytest.fixture
def people_for_github():
    team = f.team("Platform")
    return (f.user(Role.ENGINEER, teams=[team]), f.user(Role.OSS_OFFICE), team)
