"""Outside collaborators are given access until a date; when it passes, the approval goes back
to the office for re-certification (the app's own `reopen` step, on record). Approving again
needs a new end date, which the team gives after the office asks for changes."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from governance.database import db
from governance.github_requests.models import OutsideCollaboratorRequest
from governance.states import APPROVED_STATES
from governance.workflow import services as workflow


def lapse_expired_access(today: date | None = None) -> list[OutsideCollaboratorRequest]:
    """Reopen every approved outside collaborator whose access ended before `today`."""
    today = today or date.today()
    expired = db.session.scalars(select(OutsideCollaboratorRequest).where(
        OutsideCollaboratorRequest.state.in_(APPROVED_STATES),
        OutsideCollaboratorRequest.access_expires_on < today)).all()
    for request in expired:
        workflow.reopen(request, reason=(
            f"The access of {request.username} to {request.org}/{request.repository} ended on "
            f"{request.access_expires_on.isoformat()}: re-certify it (ask the team for a new "
            "end date) or reject it."))
    return list(expired)


def check_access_date(request, step, today: date | None = None) -> dict[str, str]:
    """An approval of an outside collaborator needs an end date still ahead."""
    today = today or date.today()
    if step.approves and request.kind == "outside_collaborator" and (
            request.access_expires_on is None or request.access_expires_on <= today):
        return {"access_expires_on": (
            "The access would already have ended: request changes so that the team gives a "
            "new end date, then approve.")}
    return {}
