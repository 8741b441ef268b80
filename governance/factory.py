"""The app factory: the one place where the app is wired together.

create_app(): config -> policies -> extensions -> each package's init_app (request kinds,
login, template helpers, the job backend) -> blueprints -> API -> CLI. Nothing is registered
because a module happened to be imported.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from governance import (
    adoption,
    advisories,
    api,
    auth,
    cli,
    funding,
    github_requests,
    jobs,
    license_review,
    lifecycle,
    models,  # noqa: F401 - every table on the metadata, for Alembic too
    policies,
    scans,
    web,
    workflow,
)
from governance.adoption.views import bp as adoption_bp
from governance.advisories.views import bp as advisories_bp
from governance.auth.admin_views import bp as admin_bp
from governance.auth.views import bp as auth_bp
from governance.auth.views import limit_sign_in
from governance.config import build_config, default_instance_path
from governance.extensions import bootstrap, csrf, db, login_manager, migrate
from governance.funding.views import bp as funding_bp
from governance.github_requests.views import bp as github_bp
from governance.inventory.import_views import bp as sbom_imports_bp
from governance.inventory.views import bp as inventory_bp
from governance.license_review.clearing_views import bp as clearing_bp
from governance.license_review.views import bp as policies_bp
from governance.license_review.waiver_views import bp as waivers_bp
from governance.lifecycle.patch_views import bp as patches_bp
from governance.lifecycle.views import bp as lifecycle_bp
from governance.maturity_review.views import bp as maturity_bp
from governance.pages.api_docs import bp as api_docs_bp
from governance.pages.audit_views import bp as audit_bp
from governance.pages.office_views import bp as office_bp
from governance.pages.views import bp as pages_bp
from governance.scans.views import bp as scans_bp
from governance.upstream.views import bp as upstream_bp
from governance.web.helpers import IdConverter
from governance.workflow.views import bp as workflow_bp

BLUEPRINTS = (pages_bp, api_docs_bp, audit_bp, office_bp, auth_bp, admin_bp, adoption_bp,
              workflow_bp, scans_bp, policies_bp, waivers_bp, clearing_bp, maturity_bp,
              inventory_bp, sbom_imports_bp, github_bp, funding_bp, advisories_bp, lifecycle_bp,
              patches_bp, upstream_bp)


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = (test_config or {}).get("INSTANCE_PATH") or default_instance_path()
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path, test_config))
    (Path(app.config["SCANS_DIR"]) / "tmp").mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"] > 0:
        # Only when configured: otherwise anyone could pick their address by sending a header.
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    # A broken policy stops the app here with the file, the line and the reason.
    policies.init_app(app)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True,
                     directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    login_manager.init_app(app)
    # One limiter per app (its counts and storage are that app's); before the API's hooks, so
    # a flood is refused before any token is looked up. Configured by RATELIMIT_* (config.py).
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    # Before any route is added: every <int:...> of the app is bounded (see IdConverter).
    app.url_map.converters["int"] = IdConverter
    # One Api per app: it holds that app's OpenAPI document. Made before web.init_app, whose
    # error pages replace the Api's own HTML-unaware handler.
    smorest = Api(app)

    web.init_app(app)
    auth.init_app(app)
    workflow.init_app(app)
    adoption.init_app(app)
    github_requests.init_app(app)
    funding.init_app(app)
    advisories.init_app(app)
    lifecycle.init_app(app)
    license_review.init_app(app)
    scans.init_app(app)
    jobs.init_app(app)

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    limit_sign_in(limiter)
    api.init_app(app, smorest, limiter)
    cli.init_app(app)
    return app
