"""The office dashboard: how quickly the office answers, against its service levels."""
from __future__ import annotations

from flask import Blueprint, render_template

from governance import policies
from governance.auth import permissions as may
from governance.auth.permissions import requires
from governance.workflow import kinds, service_levels

bp = Blueprint("office", __name__, url_prefix="/office")


@bp.get("/")
@requires(may.work_the_queue)
def dashboard():
    levels = policies.service_levels()
    return render_template("office/dashboard.html", board=service_levels.build(levels),
                           windows=service_levels.WINDOWS, detail_url=kinds.detail_url,
                           working_days=len(levels.working_days))
