"""Shared fixtures: one app and schema per test session, every table emptied after each test.

The database is SQLite in a temporary folder unless TEST_DATABASE_URL names another
(CI runs the suite a second time on PostgreSQL).
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from governance import create_app, policies
from governance.database import db

ROOT_DIR = Path(__file__).resolve().parent.parent


def database_url(tmp_dir) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/test.db"


class FreshContextClient(FlaskClient):
    """Each request in an app context of its own, as in production.

    The autouse fixture below keeps an app context pushed, and Flask would reuse it for the
    test client's requests; Flask-Login caches current_user on `g`, so a later request (even
    from another, anonymous client) would run as the previous request's user.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url(instance),
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key",
        # Real scrypt costs 60 ms a hash; the suite creates thousands of users.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Throttling is tested on its own with a small limit.
        "LOGIN_MAX_FAILURES": 5,
        "SCAN_AUTOSTART": False,
    })
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _empty_all_tables() -> None:
    db.session.rollback()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            if table.name == "audit_events" and conn.dialect.name == "postgresql":
                # Its trigger refuses DELETE (as in production); TRUNCATE fires no row trigger.
                conn.execute(text("TRUNCATE audit_events"))
            else:
                conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            # Fresh ids per test keep "someone else's id" tests honest.
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is not False:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                        f" WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"))


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        db.session.remove()
        _empty_all_tables()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def rules(app):
    return policies.loaded(app).rules


FLASK = Path(sys.executable).parent / "flask"


@pytest.fixture
def flask_cli(app, tmp_path):
    """`flask ARGS…` in a new process on this test's database, as the same Python installs it."""
    env = dict(os.environ, FLASK_APP="app", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               INSTANCE_PATH=str(tmp_path / "cli-instance"), SECRET_KEY="x",
               SCAN_AUTOSTART="0", PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")

    def run(*args: str) -> subprocess.CompletedProcess:
        # Commit so the process sees the test's rows, and so that what it commits is read
        # afresh afterwards (a commit expires every loaded row).
        db.session.commit()
        return subprocess.run([str(FLASK), *args], cwd=ROOT_DIR, env=env, capture_output=True,
                              text=True, timeout=120)

    return run


@pytest.fixture
def fake_registry():
    """A local PyPI and npm registry (tests/scanning/fakeregistry.py), fresh for each test."""
    from tests.scanning.fakeregistry import FakeRegistry

    with FakeRegistry() as registry:
        yield registry


@pytest.fixture(scope="session")
def scan_pool(tmp_path_factory):
    """One real scan worker (scancode's license index loads once for the whole run)."""
    from governance.scanning.workers import ScanWorkerPool

    with ScanWorkerPool(1, file_timeout=60,
                        temp_dir=str(tmp_path_factory.mktemp("scancode-temp"))) as pool:
        yield pool


@pytest.fixture
def held_tasks(app):
    """Background tasks (governance.background) asked for after a commit are kept in this
    list instead of going to the job backend: for tests that run them by hand, or that must
    not have them run at all. (Flows that run them use the real runner: `embedded`.)"""
    from governance import background

    asked: list[tuple[str, int]] = []
    original = app.extensions[background.BACKEND]
    app.extensions[background.BACKEND] = lambda name, object_id: asked.append((name, object_id))
    yield asked
    app.extensions[background.BACKEND] = original


@pytest.fixture
def embedded(app, monkeypatch):
    """The test starts the app's runner (by enqueue or runner_for); it is stopped after, with
    its thread and scan workers, so the next runner_for(app) is a fresh start."""
    monkeypatch.setitem(app.config, "SCAN_BACKEND", "embedded")
    monkeypatch.setitem(app.config, "SCAN_PROCESSES", 1)
    yield
    from governance.jobs.embedded import runner_for

    runner = runner_for(app)
    processes = [w.process for w in runner.pool.workers] if runner.pool else []
    runner.stop()
    assert not runner.thread.is_alive()
    assert not any(p.is_alive() for p in processes)
    assert runner_for(app) is not runner
    runner_for(app).stop()


@pytest.fixture
def empty_database_url(app, tmp_path):
    """A brand-new empty database on the same server as the suite's."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"governance_empty_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
