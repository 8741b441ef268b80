"""Pages every request kind shares: the review queue, steps, reviewer, comments."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from governance.audit import services as audit
from governance.auth.roles import Role
from governance.errors import DomainError, ValidationFailed
from governance.web.forms import choices
from governance.web.helpers import paginate, role_required, unit_of_work
from governance.workflow import services
from governance.workflow.forms import AssignForm, CommentForm, TransitionForm
from governance.workflow.models import Request
from governance.workflow.states import TRANSITIONS

bp = Blueprint("workflow", __name__)

# Where each kind's own page lives; later kinds add themselves here.
DETAIL_ENDPOINTS = {"adoption": "adoption.detail"}


def detail_url(item: Request) -> str:
    return url_for(DETAIL_ENDPOINTS[item.kind], request_id=item.id)


def _candidates(item: Request) -> list[Request]:
    """Every visible request linked to this one as an alternative, in either direction."""
    linked = {r.id: r for r in item.alternatives + item.alternative_of}
    return [r for r in linked.values() if services.can_view(r, current_user)]


def workflow_panel_context(item: Request) -> dict:
    """What templates/workflow/_panel.html needs: allowed steps, forms, comments, timeline."""
    steps = services.allowed_transitions(item, current_user)
    transition_form = TransitionForm(formdata=None, lock_version=item.version)
    assign_form = None
    if current_user.role == Role.OSS_OFFICE and item.state.is_open:
        assign_form = AssignForm(formdata=None, lock_version=item.version,
                                 reviewer=item.reviewer_id or 0)
        assign_form.reviewer.choices = choices([(0, "— nobody —")] + [
            (u.id, u.display_name) for u in services.office_members()
            if u.id != item.requester_id])
    return {"steps": steps, "transition_form": transition_form, "assign_form": assign_form,
            "comment_form": CommentForm(formdata=None),
            "candidates": _candidates(item),
            "events": audit.events_for("request", item.id)}


@bp.get("/requests/<int:request_id>")
@login_required
def show(request_id: int):
    return redirect(detail_url(services.get_for(current_user, request_id)))


@bp.post("/requests/<int:request_id>/step/<name>")
@login_required
def step(request_id: int, name: str):
    item = services.get_for(current_user, request_id)
    form = TransitionForm()
    label = TRANSITIONS[name].label if name in TRANSITIONS else name
    if not form.validate():
        flash("The form was incomplete or expired; please try again.", "danger")
        return redirect(detail_url(item))
    try:
        with unit_of_work():
            services.transition(item, current_user, name,
                                expected_version=form.lock_version.data or None,
                                reason=form.reason.data or "",
                                conditions=form.conditions.data or "",
                                expires_on=form.expires_on.data)
    except ValidationFailed as exc:
        flash(f"{label}: " + " ".join(exc.errors.values()), "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        flash(f"{label}: done.", "success")
    return redirect(detail_url(item))


@bp.post("/requests/<int:request_id>/reviewer")
@role_required(Role.OSS_OFFICE)
def assign(request_id: int):
    item = services.get_for(current_user, request_id)
    form = AssignForm()
    form.reviewer.choices = choices([(0, "")] + [(u.id, u.username)
                                                 for u in services.office_members()])
    if not form.validate():
        flash("Choose a reviewer from the list.", "danger")
        return redirect(detail_url(item))
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
    return redirect(detail_url(item))


@bp.post("/requests/<int:request_id>/comments")
@login_required
def comment(request_id: int):
    item = services.get_for(current_user, request_id)
    form = CommentForm()
    if not form.validate():
        flash("Write a comment first (at most 20,000 characters).", "danger")
        return redirect(detail_url(item))
    try:
        with unit_of_work():
            services.add_comment(item, current_user, form.body.data)
    except DomainError as exc:
        flash(" ".join(getattr(exc, "errors", {}).values()) or exc.message, "danger")
    else:
        flash("Comment added.", "success")
    return redirect(detail_url(item) + "#comments")


@bp.get("/queue")
@role_required(Role.OSS_OFFICE)
def queue():
    which = request.args.get("which", "all")
    if which not in ("all", "mine", "unassigned"):
        which = "all"
    page = paginate(services.queue_query(current_user, which))
    return render_template("workflow/queue.html", page=page, which=which,
                           detail_url=detail_url)
