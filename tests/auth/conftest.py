"""Apps of their own, for tests that need another configuration than the suite's app."""
from __future__ import annotations

import pytest

from governance import create_app
from governance.database import db
from tests.conftest import FreshContextClient


@pytest.fixture
def other_app(tmp_path):
    """other_app(**config): a TESTING app on a SQLite file of its own, schema created."""
    made = []

    def make(**config):
        n = len(made)
        base = {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / f"instance-{n}"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/other-{n}.db",
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test-secret-key",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SCAN_AUTOSTART": False,
        }
        base.update(config)
        app = create_app(base)
        app.test_client_class = FreshContextClient
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
