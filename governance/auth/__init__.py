"""Accounts and access: users, teams, roles, sign-in, API tokens and the permission rules."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, session

from governance.auth import permissions
from governance.auth import services as auth_services
from governance.auth.roles import Role
from governance.extensions import login_manager


def init_app(app: Flask) -> None:
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

    # Templates ask the same rules as the services (`may.edit_request(current_user, item)`).
    app.jinja_env.globals.update(Role=Role, may=permissions)
