"""The global audit page for the office and admins, with filters and CSV export."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, Response, render_template, request
from sqlalchemy import select

from governance.audit import services
from governance.auth import permissions as may
from governance.auth.models import User
from governance.auth.permissions import requires
from governance.database import MAX_ID, db
from governance.web.helpers import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _day(value: str, *, end: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(value)
        if end:
            day += timedelta(days=1)
    except (TypeError, ValueError, OverflowError):  # OverflowError: the day after 9999-12-31
        return None
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _filters() -> dict:
    args = request.args
    try:
        object_id = int(args.get("object_id", "") or 0) or None
        actor_id = int(args.get("actor", "") or 0) or None
        if max(abs(object_id or 0), abs(actor_id or 0)) > MAX_ID:
            raise ValueError("not an id")  # and the database could not compare it
    except ValueError:
        object_id = actor_id = None
    return {"actor_id": actor_id, "object_type": args.get("object_type") or None,
            "object_id": object_id, "action": args.get("action") or None,
            "since": _day(args.get("since", "")), "until": _day(args.get("until", ""), end=True),
            "sessions": args.get("sessions") == "1"}


@bp.get("/")
@requires(may.read_audit)
def index():
    filters = _filters()
    page = paginate(services.search_query(**filters))
    users = db.session.scalars(select(User).order_by(User.username)).all()
    # Walking the chain reads every event: only when asked, not on each page of the list.
    chain = services.chain_state() if request.args.get("verify") == "chain" else None
    return render_template("audit/index.html", page=page, users=users,
                           actions=services.known_actions(),
                           object_types=services.known_object_types(), args=request.args,
                           chain=chain, action_label=services.action_label,
                           changes=services.changes)


@bp.get("/export.csv")
@requires(may.read_audit)
def export_csv():
    body = services.export_csv(services.search_query(**_filters()))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})
