"""The office's license clearing on a request's page (the component it names), and the list
of decided requests whose verdict no longer holds as recorded."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user

from governance import policies
from governance.auth import permissions as may
from governance.auth.permissions import requires
from governance.database import unit_of_work
from governance.errors import DomainError, ValidationFailed
from governance.license_review import clearing
from governance.license_review.forms import conclusion_form, dismissal_form
from governance.license_review.services import changed_verdicts, decided_license_requests
from governance.web.helpers import apply_errors, paginate_list
from governance.workflow import kinds
from governance.workflow import services as workflow

bp = Blueprint("clearing", __name__)


def _component_of(item):
    component = getattr(item, "component", None)
    if component is None:
        raise ValidationFailed({}, "This request names no package to clear.")
    return component


def _back(item, anchor="clearing"):
    return redirect(kinds.detail_url(item) + f"#{anchor}")


@bp.post("/requests/<int:request_id>/conclusion")
@requires(may.conclude_license)
def conclude(request_id: int):
    item = workflow.get_for(current_user, request_id)
    form = conclusion_form(policies.clearing_rules())
    if form.validate():
        try:
            with unit_of_work():
                clearing.conclude(_component_of(item), current_user, clearing.ConclusionInput(
                    form.expression.data, form.reason_code.data, form.reason.data,
                    form.option.data or None))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash("License concluded. The verdict now rests on it.", "success")
            return _back(item)
    flash("Concluded license: please correct the marked fields.", "danger")
    return kinds.render_detail(item, conclusion_form=form), 422


@bp.post("/requests/<int:request_id>/conclusion/withdraw")
@requires(may.conclude_license)
def withdraw(request_id: int):
    item = workflow.get_for(current_user, request_id)
    try:
        with unit_of_work():
            clearing.withdraw_conclusion(_component_of(item), current_user,
                                         request.form.get("reason", ""))
    except DomainError as exc:
        errors = getattr(exc, "errors", {})
        flash(errors.get("expression") or errors.get("reason") or exc.message, "danger")
    else:
        flash("Conclusion withdrawn: the declared license stands again.", "success")
    return _back(item)


@bp.post("/requests/<int:request_id>/dismissals")
@requires(may.conclude_license)
def dismiss(request_id: int):
    item = workflow.get_for(current_user, request_id)
    form = dismissal_form(policies.clearing_rules())
    if form.validate():
        try:
            with unit_of_work():
                clearing.dismiss(_component_of(item), current_user, form.expression.data,
                                 form.reason_code.data, form.reason.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"{form.expression.data} is marked as not applying.", "success")
            return _back(item)
    flash("Marking a detection as not applying: please correct the marked fields.", "danger")
    return kinds.render_detail(item, dismissal_form=form), 422


@bp.post("/requests/<int:request_id>/dismissals/<int:dismissal_id>/restore")
@requires(may.conclude_license)
def restore(request_id: int, dismissal_id: int):
    item = workflow.get_for(current_user, request_id)
    try:
        with unit_of_work():
            clearing.restore_detection(_component_of(item), current_user, dismissal_id)
    except ValidationFailed as exc:
        flash(exc.message, "danger")
    else:
        flash("The detection counts as a finding again.", "success")
    return _back(item)


@bp.get("/licenses/changed")
@requires(may.work_the_queue)
def changed():
    """Decided requests whose license verdict today is not the one decided on (by default the
    approvals whose verdict got worse)."""
    requests = decided_license_requests()
    only = request.args.get("only", "worse")
    found = changed_verdicts(requests)
    if only == "worse":
        found = [s for s in found if s.needs_a_look]
    items = {r.id: r for r in requests}
    return render_template("license_review/changed.html", page=paginate_list(found),
                           items=items, only=only, detail_url=kinds.detail_url)
