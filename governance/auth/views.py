"""Signing in and out (with the sign-in page's rate limit), and the user's own API tokens."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_login import current_user, login_required, login_user, logout_user

from governance.auth import services
from governance.auth.forms import LoginForm, TokenForm
from governance.database import db, unit_of_work
from governance.errors import ValidationFailed
from governance.web.helpers import apply_errors

bp = Blueprint("auth", __name__)


def limit_sign_in(limiter: Limiter) -> None:
    """Rate-limit the sign-in POST per client address (RATELIMIT_SIGNIN), on top of the
    per-account throttle of services.authenticate: it slows password spraying over many
    accounts, which the per-account counts do not see. Called once per app by the factory."""
    limiter.limit(lambda: current_app.config["RATELIMIT_SIGNIN"], methods=["POST"],
                  exempt_when=lambda: request.endpoint != "auth.login",
                  error_message="Too many sign-in attempts from your address. "
                                "Wait a minute, then try again.")(bp)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login is a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            # request.remote_addr is the client's own address, or, with TRUSTED_PROXIES set,
            # the one the trusted proxies forwarded (ProxyFix, in the factory).
            user = services.authenticate(form.username.data, form.password.data,
                                         request.remote_addr)
            login = services.open_session(user, current_app.config["SESSION_LIFETIME_HOURS"])
            db.session.commit()
        except services.LoginThrottled as exc:
            db.session.commit()
            form.form_errors.append(exc.message)
            status = 429
        except ValidationFailed as exc:
            db.session.commit()  # keep the failure count
            apply_errors(form, exc)
            status = 401
        else:
            session.clear()  # a fresh session: no fixation
            session.permanent = True
            session["login_key"] = login.key
            login_user(user)
            flash(f"Welcome, {user.display_name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    with unit_of_work():
        services.close_session(session.get("login_key"), current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = TokenForm()
    new_secret = None
    if form.validate_on_submit():
        try:
            with unit_of_work():
                _, new_secret = services.create_token(current_user, form.name.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            form = TokenForm(formdata=None)
    return render_template("auth/tokens.html", form=form, new_secret=new_secret,
                           tokens=services.tokens_of(current_user))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    with unit_of_work():
        token = services.revoke_token(current_user, token_id)
    flash(f"Token “{token.name}” revoked.", "info")
    return redirect(url_for("auth.tokens"))
