"""The home page: what needs the signed-in user's attention."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from governance.adoption import services as adoption
from governance.auth import permissions as may
from governance.database import db
from governance.states import State
from governance.workflow import services as workflow
from governance.workflow.models import Request

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    counts = dict(db.session.execute(
        select(Request.state, func.count(Request.id)).where(workflow.visible_to(current_user))
        .group_by(Request.state)
    ).all())
    mine = db.session.scalars(
        adoption.list_query(current_user, adoption.ListFilters(scope="mine", sort="updated"))
        .limit(8)
    ).all()
    queue = []
    if may.work_the_queue(current_user):
        queue = db.session.scalars(workflow.queue_query(current_user, "all").limit(8)).all()
    return render_template("home.html", counts=counts, mine=mine, queue=queue, State=State)


@bp.get("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
