"""Pages every request kind shares: the review queue, steps, reviewer, comments."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user, login_required

from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.permissions import requires
from governance.database import unit_of_work
from governance.errors import DomainError, IllegalTransition, StaleObject, ValidationFailed
from governance.states import PERSON_TRANSITIONS
from governance.web.forms import choices
from governance.web.helpers import apply_errors, paginate
from governance.workflow import kinds, services
from governance.workflow.forms import AssignForm, CommentForm, TransitionForm
from governance.workflow.models import Request

bp = Blueprint("workflow", __name__)

def _candidates(item: Request) -> list[Request]:
    """Every visible request linked to this one as an alternative, in either direction."""
    linked = {r.id: r for r in item.alternatives + item.alternative_of}
    return [r for r in linked.values() if may.view_request(current_user, r)]


def workflow_panel_context(item: Request, *, transition_form: TransitionForm | None = None,
                           open_step: str | None = None,
                           comment_form: CommentForm | None = None) -> dict:
    """What the workflow partials need: allowed steps, forms, comments, timeline.

    A form that failed is passed back in, so what the user typed is shown again."""
    steps = services.allowed_transitions(item, current_user)
    if transition_form is None:
        transition_form = TransitionForm(formdata=None, lock_version=item.version)
    assign_form = None
    if may.work_the_queue(current_user) and item.state.is_open:
        assign_form = AssignForm(formdata=None, lock_version=item.version,
                                 reviewer=item.reviewer_id or 0)
        assign_form.reviewer.choices = choices([(0, "— nobody —")] + [
            (u.id, u.display_name) for u in services.office_members()
            if u.id != item.requester_id])
    return {"steps": steps, "transition_form": transition_form, "open_step": open_step,
            "assign_form": assign_form,
            "comment_form": comment_form or CommentForm(formdata=None),
            "candidates": _candidates(item),
            "approvals_expire": kinds.kind_of(item.kind).approvals_expire,
            "events": audit.events_for("request", item.id)}


def _render_again(item: Request, status: int, **panel):
    return kinds.render_detail(item, **panel), status


@bp.get("/requests/<int:request_id>")
@login_required
def show(request_id: int):
    return redirect(kinds.detail_url(services.get_for(current_user, request_id)))


@bp.post("/requests/<int:request_id>/step/<name>")
@login_required
def step(request_id: int, name: str):
    item = services.get_for(current_user, request_id)
    if name not in PERSON_TRANSITIONS:
        abort(404)
    form = TransitionForm()
    label = PERSON_TRANSITIONS[name].label
    if not form.validate():
        flash("The form was incomplete or expired; please try again.", "danger")
        return _render_again(item, 400, transition_form=form, open_step=name)
    try:
        with unit_of_work():
            services.transition(item, current_user, name,
                                expected_version=form.lock_version.data or None,
                                reason=form.reason.data or "",
                                conditions=form.conditions.data or "",
                                expires_on=form.expires_on.data,
                                inputs=form.kind_inputs())
    except ValidationFailed as exc:
        apply_errors(form, exc)
        flash(f"{label}: please correct the marked fields.", "danger")
        return _render_again(item, 422, transition_form=form, open_step=name)
    except (StaleObject, IllegalTransition) as exc:
        # Show the request as it is now, with the text the user wrote still in the form.
        flash(exc.message, "danger")
        form.lock_version.data = item.version
        still_possible = any(t.name == name
                             for t in services.allowed_transitions(item, current_user))
        # When the step is gone, offer the reason as a comment rather than dropping it.
        comment_form = None if still_possible or not form.reason.data else CommentForm(
            formdata=None, body=form.reason.data)
        return _render_again(item, 409, transition_form=form, open_step=name,
                             comment_form=comment_form)
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(f"{label}: done.", "success")
    return redirect(kinds.detail_url(item))


@bp.post("/requests/<int:request_id>/reviewer")
@requires(may.work_the_queue)
def assign(request_id: int):
    item = services.get_for(current_user, request_id)
    form = AssignForm()
    form.reviewer.choices = choices([(0, "")] + [(u.id, u.username)
                                                 for u in services.office_members()])
    if not form.validate():
        flash("Choose a reviewer from the list.", "danger")
        return redirect(kinds.detail_url(item))
    reviewer = next((u for u in services.office_members() if u.id == form.reviewer.data), None)
    try:
        with unit_of_work():
            services.assign_reviewer(item, current_user, reviewer,
                                     expected_version=form.lock_version.data or None)
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash("Reviewer updated.", "success")
    return redirect(kinds.detail_url(item))


@bp.post("/requests/<int:request_id>/comments")
@login_required
def comment(request_id: int):
    item = services.get_for(current_user, request_id)
    form = CommentForm()
    if form.validate():
        try:
            with unit_of_work():
                services.add_comment(item, current_user, form.body.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash("Comment added.", "success")
            return redirect(kinds.detail_url(item) + "#comments")
    return _render_again(item, 422, comment_form=form)


@bp.get("/queue")
@requires(may.work_the_queue)
def queue():
    which = request.args.get("which", "all")
    if which not in ("all", "mine", "unassigned"):
        which = "all"
    page = paginate(services.queue_query(current_user, which))
    return render_template("workflow/queue.html", page=page, which=which,
                           detail_url=kinds.detail_url)
