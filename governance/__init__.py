"""OSS Governance: the app factory.

create_app(): config -> policies -> extensions -> blueprints -> CLI -> error handlers.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from governance.config import build_config


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get(
        "INSTANCE_PATH", str(Path(__file__).resolve().parent.parent / "instance"))
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path, test_config))

    # scancode creates a scancode-tk-* folder on first import (the license metadata the pages
    # use imports it): keep it in the app's own scans folder rather than the system's /tmp.
    scancode_temp = Path(app.config["SCANS_DIR"]) / "tmp"
    scancode_temp.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SCANCODE_TEMP", str(scancode_temp))

    from governance.licensing.policy import load_policy
    from governance.rules.forms import load_request_rules
    from governance.rules.maturity import load_maturity

    # A broken policy stops the app here with the file, the line and the reason.
    app.extensions["governance.rules"] = load_request_rules(app.config["POLICIES_DIR"])
    app.extensions["governance.license_policy"] = load_policy(
        Path(app.config["POLICIES_DIR"]) / "license-policy.yaml",
        contexts=[c.id for c in app.extensions["governance.rules"].contexts])
    app.extensions["governance.maturity"] = load_maturity(
        Path(app.config["POLICIES_DIR"]) / "maturity.yaml")

    from flask_smorest import Api

    from governance import models  # noqa: F401 - registers every table on the metadata
    from governance.extensions import bootstrap, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True,
                     directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    from governance.web.helpers import IdConverter

    # Before any route is added: every <int:...> of the app is bounded (see IdConverter).
    app.url_map.converters["int"] = IdConverter
    # One Api per app: it holds that app's OpenAPI document.
    api = Api(app)

    from governance.api import register_api
    from governance.cli import register_cli
    from governance.web import register_web

    if app.config["SCAN_BACKEND"] == "celery":
        from governance.jobs.celery_backend import celery_init_app

        celery_init_app(app)

    register_web(app)
    register_api(app, api)
    register_cli(app)
    return app
