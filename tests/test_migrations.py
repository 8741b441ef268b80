"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from governance import create_app
from governance.database import db


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
