"""The HTML side: login wiring, template helpers, security headers, blueprints."""
from __future__ import annotations

from datetime import date, timedelta

from flask import session
from markupsafe import Markup, escape

from governance.auth.roles import Role
from governance.extensions import login_manager
from governance.web.errors import register_error_handlers
from governance.web.security import add_security_headers
from governance.workflow.states import State

STATE_BADGES = {
    State.DRAFT: "secondary", State.SUBMITTED: "primary", State.IN_REVIEW: "info",
    State.APPROVED: "success", State.APPROVED_WITH_CONDITIONS: "success",
    State.REJECTED: "danger", State.CHANGES_REQUESTED: "warning", State.WITHDRAWN: "dark",
}


def state_badge(state) -> Markup:
    state = State(state)
    return Markup('<span class="badge text-bg-{}">{}</span>').format(
        STATE_BADGES[state], escape(state.label))


def register_web(app) -> None:
    from governance.auth import services as auth_services

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    app.permanent_session_lifetime = timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            return auth_services.user_for_session(int(user_id), session.get("login_key"))
        except ValueError:
            return None

    app.after_request(add_security_headers)

    if app.config["SCAN_BACKEND"] == "embedded" and app.config["SCAN_AUTOSTART"]:
        from governance.jobs.embedded import start_with_app

        @app.before_request
        def _start_scan_runner():
            start_with_app(app)  # once: later calls find the running runner
    register_error_handlers(app)

    @app.context_processor
    def template_globals():
        return {"Role": Role, "State": State, "state_badge": state_badge,
                "rules": app.extensions["governance.rules"], "today": date.today()}

    @app.template_filter("datetime")
    def format_datetime(value):
        return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""

    from governance.adoption.views import bp as adoption_bp
    from governance.audit.views import bp as audit_bp
    from governance.auth.admin_views import bp as admin_bp
    from governance.auth.views import bp as auth_bp
    from governance.inventory.import_views import bp as sbom_imports_bp
    from governance.inventory.views import bp as inventory_bp
    from governance.license_review.views import bp as policies_bp
    from governance.license_review.waiver_views import bp as waivers_bp
    from governance.maturity_review.views import bp as maturity_bp
    from governance.scans.views import bp as scans_bp
    from governance.web.views import bp as main_bp
    from governance.workflow.views import bp as workflow_bp

    for blueprint in (main_bp, auth_bp, admin_bp, adoption_bp, workflow_bp, audit_bp, scans_bp,
                      policies_bp, waivers_bp, maturity_bp, inventory_bp, sbom_imports_bp):
        app.register_blueprint(blueprint)
