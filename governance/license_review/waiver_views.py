"""Waivers: granted on a request's page, listed on their own page."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user, login_required

from governance.auth.roles import Role
from governance.errors import IllegalTransition, ValidationFailed
from governance.license_review import waivers
from governance.license_review.forms import waiver_form
from governance.web.helpers import (
    apply_errors,
    license_policy,
    paginate,
    role_required,
    unit_of_work,
)
from governance.workflow import services as workflow
from governance.workflow.views import KIND_PAGES, detail_url

bp = Blueprint("waivers", __name__)


@bp.get("/waivers/")
@login_required
def index():
    status = request.args.get("status", "active")
    if status not in waivers.STATUSES:
        status = "active"
    q = request.args.get("q", "").strip()[:200]
    page = paginate(waivers.list_query(status, q))
    return render_template("license_review/waivers.html", page=page, status=status, q=q,
                           policy=license_policy(), today=date.today(), detail_url=detail_url)


@bp.post("/requests/<int:request_id>/waivers")
@role_required(Role.OSS_OFFICE)
def grant(request_id: int):
    item = workflow.get_for(current_user, request_id)
    policy = license_policy()
    form = waiver_form(policy)
    if form.validate():
        try:
            with unit_of_work():
                waivers.grant(item, current_user, waivers.WaiverInput(
                    form.reason_code.data, form.text.data, form.expires_on.data), policy)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except IllegalTransition as exc:
            flash(exc.message, "danger")
            return redirect(detail_url(item))
        else:
            flash("Waiver granted. The request can now be approved.", "success")
            return redirect(detail_url(item) + "#license-verdict")
    flash("Waiver: please correct the marked fields.", "danger")
    return KIND_PAGES[item.kind].render_detail(item, waiver_form=form), 422
