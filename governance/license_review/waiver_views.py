"""Waivers: granted on a request's page, listed on their own page."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user, login_required

from governance.auth import permissions as may
from governance.auth.permissions import requires
from governance.database import unit_of_work
from governance.errors import IllegalTransition, ValidationFailed
from governance.license_review import waivers
from governance.license_review.forms import waiver_form
from governance.policies import license_policy
from governance.web.helpers import apply_errors, paginate
from governance.workflow import kinds
from governance.workflow import services as workflow

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
                           policy=license_policy(), today=date.today(), detail_url=kinds.detail_url)


@bp.post("/requests/<int:request_id>/waivers")
@requires(may.manage_waivers)
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
            return redirect(kinds.detail_url(item))
        else:
            flash("Waiver granted. The request can now be approved.", "success")
            return redirect(kinds.detail_url(item) + "#license-verdict")
    flash("Waiver: please correct the marked fields.", "danger")
    return kinds.render_detail(item, waiver_form=form), 422
