"""The local patches pages: the list (what needs attention first), a patch recorded, one patch
with its re-confirmation at an update, its removal and the office's approval, and the patch
file itself."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import Team
from governance.auth.permissions import requires
from governance.database import db, unit_of_work
from governance.errors import DomainError, ValidationFailed
from governance.lifecycle import patches, updates
from governance.lifecycle.forms import ConfirmForm, PatchForm, ReasonForm
from governance.lifecycle.models import PATCH_KINDS
from governance.web.forms import choices
from governance.web.helpers import apply_errors, int_list, paginate_list

bp = Blueprint("patches", __name__, url_prefix="/patches")


@bp.get("/")
@login_required
def index():
    show = request.args.get("show", "attention")
    team_id = (int_list([request.args.get("team")]) or [None])[0]
    found = patches.listed(team_id=team_id, needs_attention=show == "attention",
                           include_removed=show == "all")
    teams = list(db.session.scalars(select(Team).order_by(Team.name)))
    return render_template("lifecycle/patches.html", page=paginate_list(found), show=show,
                           team_id=team_id, teams=teams, attention=patches.attention)


def _patch_form(form: PatchForm | None = None, component_id: int | None = None) -> PatchForm:
    form = form or PatchForm(formdata=None, component_id=component_id)
    form.component_id.choices = choices((c.id, c.display_name)
                                        for c in updates.components_in_use())
    teams = (db.session.scalars(select(Team).order_by(Team.name)).all()
             if current_user.is_office else current_user.teams)
    form.team_id.choices = choices((t.id, t.name) for t in teams)
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    component_id = (int_list([request.args.get("component")]) or [None])[0]
    form = _patch_form(PatchForm() if request.method == "POST" else None, component_id)
    if request.method == "POST":
        if form.validate_on_submit():
            upload = form.patch_file.data
            text = ""
            if upload and upload.filename:
                text = upload.read(patches.MAX_PATCH_BYTES + 1).decode("utf-8", "replace")
            try:
                with unit_of_work():
                    patch = patches.create(current_user, patches.PatchInput(
                        component_id=form.component_id.data, team_id=form.team_id.data,
                        kind=form.kind.data, title=form.title.data, reason=form.reason.data,
                        patch_url=form.patch_url.data or "", patch_text=text,
                        patch_filename=upload.filename if upload else "",
                        upstream_url=form.upstream_url.data or "", status=form.status.data,
                        applied_upstream_version=form.applied_upstream_version.data or ""))
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                flash(f"Local patch “{patch.title}” recorded"
                      + (": the office approves permanent patches." if patch.kind == "permanent"
                         else "."), "success")
                return redirect(url_for("patches.detail", patch_id=patch.id))
        flash("Please correct the marked fields.", "danger")
        return render_template("lifecycle/patch_new.html", form=form), 422
    return render_template("lifecycle/patch_new.html", form=form)


def _detail(patch_id: int, status: int = 200, **forms):
    patch = patches.get(patch_id)
    return render_template(
        "lifecycle/patch.html", patch=patch, reasons=patches.attention(patch),
        events=audit.events_for("patch", patch.id), kinds=PATCH_KINDS,
        confirm_form=forms.get("confirm_form") or ConfirmForm(formdata=None),
        reason_form=forms.get("reason_form") or ReasonForm(formdata=None),
        uses=updates.approved_uses(patch.component)), status


@bp.get("/<int:patch_id>")
@login_required
def detail(patch_id: int):
    return _detail(patch_id)


@bp.get("/<int:patch_id>/patch")
@login_required
def download(patch_id: int):
    patch = patches.get(patch_id)
    if not patch.patch_text:
        return redirect(url_for("patches.detail", patch_id=patch.id))
    name = patch.patch_filename or f"patch-{patch.id}.diff"
    return Response(patch.patch_text, mimetype="text/x-diff", headers={
        "Content-Disposition": f"attachment; filename=\"{name.replace(chr(34), '')}\""})


def _act(patch_id: int, form, do, done: str, form_name: str):
    patch = patches.get(patch_id)
    if not may.edit_patch(current_user, patch):
        abort(403)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                do(patch, form)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("patches.detail", patch_id=patch_id))
        else:
            flash(done, "success")
            return redirect(url_for("patches.detail", patch_id=patch_id))
    flash("Please correct the marked fields.", "danger")
    return _detail(patch_id, 422, **{form_name: form})


@bp.post("/<int:patch_id>/confirm")
@login_required
def confirm(patch_id: int):
    return _act(patch_id, ConfirmForm(), lambda p, f: patches.confirm(
        current_user, p, still_needed=f.still_needed.data == "yes", note=f.note.data or ""),
        "Re-confirmation saved.", "confirm_form")


@bp.post("/<int:patch_id>/remove")
@login_required
def remove(patch_id: int):
    return _act(patch_id, ReasonForm(), lambda p, f: patches.remove(
        current_user, p, reason=f.reason.data), "Patch removed.", "reason_form")


@bp.post("/<int:patch_id>/approve")
@requires(may.manage_patches)
def approve(patch_id: int):
    return _act(patch_id, ReasonForm(), lambda p, f: patches.approve(
        current_user, p, reason=f.reason.data), "Permanent patch approved; next review in a "
        "year.", "reason_form")


@bp.route("/<int:patch_id>/edit", methods=["GET", "POST"])
@login_required
def edit(patch_id: int):
    patch = patches.get(patch_id)
    if not may.edit_patch(current_user, patch) or not patch.is_active:
        abort(403)
    if request.method == "GET":
        form = _patch_form(PatchForm(formdata=None, obj=patch))
        return render_template("lifecycle/patch_new.html", form=form, patch=patch)
    form = _patch_form(PatchForm())
    if form.validate_on_submit():
        upload = form.patch_file.data
        text, name = patch.patch_text, patch.patch_filename
        if upload and upload.filename:
            text = upload.read(patches.MAX_PATCH_BYTES + 1).decode("utf-8", "replace")
            name = upload.filename
        try:
            with unit_of_work():
                patches.update(current_user, patch, patches.PatchInput(
                    component_id=form.component_id.data, team_id=form.team_id.data,
                    kind=form.kind.data, title=form.title.data, reason=form.reason.data,
                    patch_url=form.patch_url.data or "", patch_text=text, patch_filename=name,
                    upstream_url=form.upstream_url.data or "", status=form.status.data,
                    applied_upstream_version=form.applied_upstream_version.data or "",
                    owner_id=patch.owner_id))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash("Patch saved.", "success")
            return redirect(url_for("patches.detail", patch_id=patch.id))
    flash("Please correct the marked fields.", "danger")
    return render_template("lifecycle/patch_new.html", form=form, patch=patch), 422
