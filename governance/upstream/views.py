"""The upstream pages: the contributions ledger (filters kept in the URL, the yearly chart,
counts by team), a contribution added, its state changed, the office's CSV import, the
community roles; and the template helpers behind `upstream/_project_card.html`, which other
pages include without depending on this package."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.auth.permissions import requires
from governance.database import db, unit_of_work
from governance.errors import ValidationFailed
from governance.inventory.services import UsageFilters, usages_query
from governance.upstream import csv_file, reports, roles, services
from governance.upstream.forms import (
    ContributionForm,
    EndRoleForm,
    ImportForm,
    RoleForm,
    StateForm,
)
from governance.upstream.models import CONTRIBUTION_KINDS, CONTRIBUTION_STATES
from governance.web.helpers import apply_errors, paginate

bp = Blueprint("upstream", __name__, url_prefix="/upstream")


@bp.app_context_processor
def _upstream_template_values():
    return {"upstream_for_project": services.for_project,
            "upstream_project_of": services.project_of}


def _int_arg(name: str, low: int, high: int) -> int | None:
    try:
        value = int(request.args.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


def _filters() -> services.Filters:
    kind, state = request.args.get("kind", ""), request.args.get("state", "")
    return services.Filters(
        year=_int_arg("year", 1970, 2100), team_id=_int_arg("team", 1, 2**31 - 1),
        kind=kind if kind in CONTRIBUTION_KINDS else "",
        state=state if state in CONTRIBUTION_STATES else "",
        q=request.args.get("q", "").strip()[:200],
        project=request.args.get("project", "").strip()[:300])


def _teams_for(user) -> list[Team]:
    """The teams `user` may record upstream work for."""
    return [t for t in db.session.scalars(select(Team).order_by(Team.name))
            if may.record_upstream(user, t)]


@bp.get("/contributions")
@login_required
def contributions():
    filters = _filters()
    teams = list(db.session.scalars(select(Team).order_by(Team.name)))
    return render_template(
        "upstream/contributions.html", page=paginate(services.list_query(filters)),
        filters=filters, summary=reports.summary(team_id=filters.team_id), teams=teams,
        team_name=next((t.name for t in teams if t.id == filters.team_id), None),
        kinds=CONTRIBUTION_KINDS, states=CONTRIBUTION_STATES,
        may_import=may.import_contributions(current_user))


def _contribution_form(form: ContributionForm) -> ContributionForm:
    form.team_id.choices = [(t.id, t.name) for t in _teams_for(current_user)]
    components = {r.component.id: r.component for r in db.session.scalars(
        usages_query(UsageFilters()))}
    form.component_id.choices = [("", "— none: name the project below —")] + [
        (c.id, c.display_name) for c in sorted(components.values(),
                                               key=lambda c: (c.full_name.lower(), c.version))]
    return form


@bp.route("/contributions/new", methods=["GET", "POST"])
@login_required
def new_contribution():
    form = _contribution_form(ContributionForm(
        project=request.args.get("project", "")[:300] or None))
    if request.method == "GET":
        return render_template("upstream/new.html", form=form)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                item = services.record(current_user, services.ContributionInput(
                    url=form.url.data or "", team_id=form.team_id.data, kind=form.kind.data,
                    state=form.state.data, project=form.project.data or "",
                    component_id=form.component_id.data, title=form.title.data or "",
                    opened_on=form.opened_on.data, closed_on=form.closed_on.data))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"{item.kind_label} recorded for {item.team.name}: {item.url}", "success")
            return redirect(url_for("upstream.contributions", team=item.team_id))
    flash("Please correct the marked fields.", "danger")
    return render_template("upstream/new.html", form=form), 422


def _back_to_list() -> str:
    """Back to the list as it was filtered (only ever this app's own list)."""
    target = request.form.get("next", "")
    if target.startswith("/upstream/contributions") and "//" not in target \
            and "\\" not in target:
        return target
    return url_for("upstream.contributions")


@bp.post("/contributions/<int:contribution_id>/state")
@login_required
def change_state(contribution_id: int):
    item = services.get(contribution_id)
    if not may.record_upstream(current_user, item.team):
        abort(403)
    form = StateForm()
    if not form.validate_on_submit():
        flash("Choose open, merged or closed.", "danger")
        return redirect(_back_to_list())
    try:
        with unit_of_work():
            services.change_state(current_user, item, form.state.data, form.closed_on.data)
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "danger")
    else:
        flash(f"{item.url}: {item.state_label.lower()}.", "success")
    return redirect(_back_to_list())


@bp.route("/contributions/import", methods=["GET", "POST"])
@requires(may.import_contributions)
def import_contributions():
    form = ImportForm()
    if request.method == "GET":
        return render_template("upstream/import.html", form=form, problems={},
                               header=",".join(csv_file.HEADER))
    upload = request.files.get("file")
    try:
        if not form.validate_on_submit() or upload is None or not upload.filename:
            raise csv_file.CsvRejected({"file": "Choose a CSV file to import."})
        text = csv_file.decode(upload.read(csv_file.MAX_BYTES + 1), upload.filename)
        with unit_of_work():
            result = services.import_csv(current_user, text)
    except csv_file.CsvRejected as exc:
        flash(exc.message, "danger")
        return render_template("upstream/import.html", form=form, problems=exc.errors,
                               header=",".join(csv_file.HEADER)), 422
    flash(f"{result.read} row(s) read: {result.new} new, {result.updated} updated, "
          f"{result.unchanged} unchanged.", "success")
    return redirect(url_for("upstream.contributions"))


# --- community roles --------------------------------------------------------------------------

def _role_form(form: RoleForm) -> RoleForm:
    form.team_id.choices = [("", "— no team —")] + [
        (t.id, t.name) for t in _teams_for(current_user)]
    people = db.session.scalars(select(User).where(User.active.is_(True))
                                .order_by(User.username))
    form.person_id.choices = [("", "— not a user of the app: give the name —")] + [
        (u.id, f"{u.display_name} ({u.username})") for u in people]
    return form


def _roles_page(form: RoleForm, status: int = 200):
    show = request.args.get("show", "current")
    project = request.args.get("project", "").strip()[:300]
    query = roles.list_query(project=project, team_id=_int_arg("team", 1, 2**31 - 1),
                             current=show != "all")
    return render_template("upstream/roles.html", page=paginate(query), form=form,
                           show=show, project=project, today=date.today(),
                           end_form=EndRoleForm(formdata=None),
                           teams=list(db.session.scalars(select(Team).order_by(Team.name)))
                           ), status


@bp.get("/roles")
@login_required
def community_roles():
    return _roles_page(_role_form(RoleForm(
        formdata=None, project=request.args.get("project", "")[:300] or None)))


@bp.post("/roles")
@login_required
def add_role():
    form = _role_form(RoleForm())
    if form.validate_on_submit():
        try:
            with unit_of_work():
                item = roles.record(current_user, roles.RoleInput(
                    project=form.project.data or "", role=form.role.data,
                    since=form.since.data, person_id=form.person_id.data,
                    person_name=form.person_name.data or "", url=form.url.data or "",
                    until=form.until.data, team_id=form.team_id.data))
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"{item.person_label}: {item.role_label.lower()} of {item.project}.",
                  "success")
            return redirect(url_for("upstream.community_roles"))
    flash("Please correct the marked fields.", "danger")
    return _roles_page(form, 422)


@bp.post("/roles/<int:role_id>/end")
@login_required
def end_role(role_id: int):
    item = roles.get(role_id)
    if not may.record_community_role(current_user, item.team, item.person_id):
        abort(403)
    form = EndRoleForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                roles.end(current_user, item, form.until.data)
        except ValidationFailed as exc:
            flash(" ".join(exc.errors.values()), "danger")
        else:
            flash(f"{item.person_label}: {item.role_label.lower()} of {item.project} ended "
                  f"on {item.until}.", "success")
    else:
        flash("Give the day the role ended (YYYY-MM-DD).", "danger")
    return redirect(url_for("upstream.community_roles"))
