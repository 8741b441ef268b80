"""Admin pages: users and teams."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth import services
from governance.auth.forms import TeamForm, UserForm
from governance.auth.models import Team, User
from governance.auth.permissions import requires
from governance.auth.roles import Role
from governance.database import db, unit_of_work
from governance.errors import ValidationFailed
from governance.web.forms import choices
from governance.web.helpers import apply_errors, paginate

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _team_choices():
    return choices((t.id, t.name) for t in db.session.scalars(select(Team).order_by(Team.name)))


def _user_choices():
    return choices((u.id, f"{u.display_name} ({u.username})")
                   for u in db.session.scalars(select(User).order_by(User.username)))


@bp.get("/users")
@requires(may.administer)
def users():
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    query = select(User).order_by(User.username)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.username).like(like),
                                func.lower(User.full_name).like(like),
                                func.lower(User.email).like(like)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return render_template("admin/users.html", page=paginate(query), q=q, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(may.administer)
def new_user():
    form = UserForm()
    form.teams.choices = _team_choices()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.create_user(
                    current_user, username=form.username.data, password=form.password.data or "",
                    role=form.role.data, full_name=form.full_name.data, email=form.email.data,
                    team_ids=form.teams.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"User {user.username} created.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(may.administer)
def edit_user(user_id: int):
    user = services.get_user(user_id)
    # As for teams: a POST is read from its own data, never completed with stored values.
    form = UserForm(obj=user if request.method == "GET" else None)
    form.teams.choices = _team_choices()
    if request.method == "GET":
        form.teams.data = [t.id for t in user.teams]
        form.role.data = user.role.value
    form.username.render_kw = {"readonly": True}
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.update_user(current_user, user, role=form.role.data,
                                     full_name=form.full_name.data, email=form.email.data,
                                     active=form.active.data, team_ids=form.teams.data,
                                     password=form.password.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"User {user.username} saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           history=audit.events_for("user", user.id))


@bp.get("/teams")
@requires(may.administer)
def teams():
    return render_template("admin/teams.html",
                           teams=db.session.scalars(select(Team).order_by(Team.name)).all())


@bp.route("/teams/new", methods=["GET", "POST"], defaults={"team_id": None})
@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@requires(may.administer)
def edit_team(team_id: int | None):
    team = services.get_team(team_id) if team_id else None
    # Seed from the team only to show it: a POST (even an empty one) is read from its own
    # data, never completed with the stored values.
    form = TeamForm(obj=team if request.method == "GET" else None)
    form.members.choices = _user_choices()
    if request.method == "GET" and team:
        form.members.data = [u.id for u in team.members]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                team = services.save_team(current_user, team, name=form.name.data,
                                          description=form.description.data or "",
                                          member_ids=form.members.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"Team {team.name} saved.", "success")
            return redirect(url_for("admin.teams"))
    return render_template("admin/team_form.html", form=form, team=team,
                           history=audit.events_for("team", team.id) if team else [])
