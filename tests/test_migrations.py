"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from governance import create_app
from governance.database import db


@pytest.fixture
def empty_database_url(app, tmp_path):
    """A brand-new empty database on the same server as the suite's."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"governance_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrading_an_empty_database_gives_exactly_the_models(empty_database_url, tmp_path):
    fresh = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url,
                        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with fresh.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
