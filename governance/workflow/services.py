"""The workflow steps every request kind shares, fired by name through transition().

A step checks the actor's side (auth.permissions) and the current state, compares the version
the actor saw, does what its row of the transition table says, runs the kind's decision rules
for a decision, and records an audit event, all in the caller's transaction (services flush,
the boundary commits). Illegal steps raise one of the errors in governance.errors.
"""
from __future__ import annotations

from datetime import date

from blinker import Namespace
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import User
from governance.auth.roles import Role
from governance.database import db, get_by_id, utcnow
from governance.errors import (
    DecisionBlocked,
    IllegalTransition,
    NotFound,
    StaleObject,
    ValidationFailed,
)
from governance.states import QUEUE_STATES, TRANSITIONS, State, Transition
from governance.workflow import kinds
from governance.workflow.models import Comment, Request

# Sent with the request once an approval is flushed, in the approving transaction: packages
# that keep what approvals mean (security findings on the inventory) connect to it.
request_approved = Namespace().signal("request-approved")

STALE_MESSAGE = ("This request was changed by someone else since you opened it "
                 "(now: {state}). Reload it to see the changes, then try again.")


# --- reading --------------------------------------------------------------------------------

def visible_to(user: User):
    """SQL condition: drafts only for their author and team; everything else for everyone,
    but the kinds kept to their readers (Request.readers) as may.view_request says."""
    team_ids = list(user.team_ids())
    requester_side = or_(Request.requester_id == user.id,
                         Request.team_id.in_(team_ids) if team_ids else False)
    hidden = [m.polymorphic_identity for m in Request.__mapper__.self_and_descendants
              if m.class_.readers is not None and user.role not in m.class_.readers]
    seen = or_(Request.state != State.DRAFT, requester_side)
    return and_(seen, or_(Request.kind.notin_(hidden), requester_side)) if hidden else seen


def get_for(user: User, request_id: int, model=Request) -> Request:
    """The request if it exists and `user` may see it; NotFound otherwise (drafts stay hidden)."""
    request = get_by_id(model, request_id)
    if request is None:
        raise NotFound("No such request, or you cannot see it.")
    may.view_request.require(user, request)
    return request


def allowed_transitions(request: Request, user: User) -> list[Transition]:
    """The steps `user` may take on `request` now: what the UI offers as buttons."""
    return [t for t in TRANSITIONS.values()
            if request.state in t.sources and kinds.takes_step(request, t)
            and may.take_step(user, request, t)]


# --- the steps ------------------------------------------------------------------------------

def check_office_work(request: Request, actor: User, states, doing: str) -> None:
    """The office's own work on a request beside the steps (a waiver, a maturity review):
    only the office, never on its own request, only in `states`."""
    may.office_work.require(actor, request, doing)
    if request.state not in states:
        raise IllegalTransition(f"A request that is {request.state.label.lower()} cannot "
                                f"{doing} now.")


def check_version(request: Request, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != request.version:
        raise StaleObject(STALE_MESSAGE.format(state=request.state.label))


def flush_or_stale(request: Request) -> None:
    """Flush; a concurrent UPDATE that won the race turns into StaleObject."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleObject(STALE_MESSAGE.format(state="changed")) from exc


def transition(request: Request, actor: User, name: str, *, expected_version: int | None = None,
               reason: str = "", conditions: str = "",
               expires_on: date | None = None, inputs: dict | None = None) -> Request:
    """Fire the named person's step (TRANSITIONS): what it does beyond moving the state is
    read from its row; a decision also runs the kind's registered decision rules (given
    `inputs`, the kind's own fields of the decision), and a request whose kind has none
    cannot be decided (fails closed)."""
    inputs = dict(inputs or {})
    step = TRANSITIONS.get(name)
    if step is None:
        raise IllegalTransition(f"Unknown step “{name}”.")
    may.view_request.require(actor, request)
    may.take_step.require(actor, request, step)
    if not kinds.takes_step(request, step):
        raise IllegalTransition(f"A {kinds.kind_of(request.kind).label.lower()} has no step "
                                f"“{step.label.lower()}”.")
    check_version(request, expected_version)
    if request.state not in step.sources:
        raise IllegalTransition(
            f"A request that is {request.state.label.lower()} cannot be "
            f"“{step.label.lower()}”."
        )
    reason, conditions = (reason or "").strip(), (conditions or "").strip()
    errors = {}
    if step.needs_reason and not reason:
        errors["reason"] = "Give the reason; it is kept on record and shown to the requester."
    if step.needs_conditions and not conditions:
        errors["conditions"] = "State the conditions of this approval."
    if expires_on is not None and expires_on <= date.today():
        errors["expires_on"] = "The expiry date must be in the future."
    elif expires_on is not None and not kinds.kind_of(request.kind).approvals_expire:
        errors["expires_on"] = (f"The approval of a {kinds.kind_of(request.kind).label.lower()} "
                                "does not expire; leave the date out.")
    if step.target == State.SUBMITTED:
        errors.update(request.missing_for_submission())
    kind_rules = (kinds.kind_of(request.kind).decision_rules
                  if step.is_decision or step.kind_specific else None)
    if kind_rules is not None:
        errors.update(kind_rules.check(request, step, inputs))
    if errors:
        # 409 when the request is not ready for this decision and the input is otherwise fine.
        if kind_rules is not None and set(errors) <= kind_rules.blocking:
            raise DecisionBlocked(errors, " ".join(errors.values()))
        raise ValidationFailed(errors)

    before = {"state": request.state.value}
    request.state = step.target
    now = utcnow()
    if step.target == State.SUBMITTED:
        request.submitted_at = now
    if step.claims_review and request.reviewer_id is None:
        request.reviewer_id = actor.id
    if step.is_decision:
        request.decided_at, request.decided_by_id = now, actor.id
        request.decision_reason = reason
        request.conditions = conditions if step.needs_conditions else ""
        request.approval_expires_on = expires_on if step.approves else None
    after = {"state": request.state.value}
    if reason:
        after["reason"] = reason
    if conditions and step.needs_conditions:
        after["conditions"] = conditions
    if expires_on and step.is_decision and step.approves:
        after["expires_on"] = expires_on.isoformat()
    if kind_rules is not None:
        # Reading what to record must not flush the state change early: its UPDATE is what
        # detects a concurrent decision, in flush_or_stale below.
        with db.session.no_autoflush:
            after.update(kind_rules.record(request, step, actor, inputs))
    audit.record(actor, "request", request.id, step.event,
                 summary=f"{step.label}: {request.title}", before=before, after=after)
    flush_or_stale(request)
    if kind_rules is not None and kind_rules.after is not None:
        kind_rules.after(request, step, actor, inputs)
    if step.approves:
        request_approved.send(request)
    return request


def record_created(request: Request, actor: User, *, submit: bool = False) -> Request:
    """After a kind filled in a new request: it is saved as a draft with its audit event, and
    submitted at once when asked (the submission's own checks apply)."""
    db.session.add(request)
    db.session.flush()
    audit.record(actor, "request", request.id, "created", summary=request.title,
                 after=request.snapshot())
    if submit:
        transition(request, actor, "submit")
    return request


def record_edit(request: Request, actor: User, before: dict) -> set[str]:
    """After a kind applied an edit: the fields that changed since `before` (a snapshot) go
    into one audit event, the version is bumped even when only a relationship changed, and
    the flush detects a concurrent edit. Returns the names of the changed fields."""
    after = request.snapshot()
    changed = {k for k in after if after[k] != before.get(k)}
    if changed:
        request.updated_at = utcnow()
        audit.record(actor, "request", request.id, "edited",
                     summary=f"Edited {', '.join(sorted(changed))}",
                     before={k: before.get(k) for k in sorted(changed)},
                     after={k: after[k] for k in sorted(changed)})
    flush_or_stale(request)
    return changed


def reopen(request: Request, *, reason: str) -> Request:
    """The app's own step: an approval whose ground lapsed (a waiver expired) goes back to
    the office's review."""
    return system_step(request, "reopen", reason=reason)


def system_step(request: Request, name: str, *, reason: str) -> Request:
    """A step the app takes by itself (reopen a lapsed approval, open a renewal, approve an
    unchanged update), recorded in the audit trail with no person as actor; a decision is
    stamped as decided by nobody."""
    step = TRANSITIONS[name]
    if request.state not in step.sources or not kinds.takes_step(request, step):
        raise IllegalTransition(f"A request that is {request.state.label.lower()} cannot be "
                                f"“{step.label.lower()}”.")
    before = {"state": request.state.value}
    request.state = step.target
    if step.is_decision:
        request.decided_at, request.decided_by_id = utcnow(), None
        request.decision_reason, request.conditions = reason, ""
        request.approval_expires_on = None
    audit.record(None, "request", request.id, step.event,
                 summary=f"{step.label}: {request.title}", before=before,
                 after={"state": request.state.value, "reason": reason})
    flush_or_stale(request)
    if step.approves:
        request_approved.send(request)
    return request


def assign_reviewer(request: Request, actor: User, reviewer: User | None, *,
                    expected_version: int | None = None) -> Request:
    may.work_the_queue.require(actor)
    check_version(request, expected_version)
    if not request.state.is_open:
        raise IllegalTransition("Reviewers can only be assigned to open requests.")
    if reviewer is not None:
        if not reviewer.is_office or not reviewer.active:
            raise ValidationFailed(
                {"reviewer": "The reviewer must be an active OSS office member."})
        if reviewer.id == request.requester_id:
            raise ValidationFailed({"reviewer": "The requester cannot review their own request."})
    before = {"reviewer": request.reviewer.username if request.reviewer else None}
    request.reviewer = reviewer
    # Touching only a relationship leaves the row clean; bump the version explicitly.
    request.updated_at = utcnow()
    audit.record(actor, "request", request.id, "reviewer_assigned",
                 summary=f"Reviewer: {reviewer.display_name if reviewer else 'nobody'}",
                 before=before, after={"reviewer": reviewer.username if reviewer else None})
    flush_or_stale(request)
    return request


def add_comment(request: Request, actor: User, body: str) -> Comment:
    may.view_request.require(actor, request)
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": "Write a comment first."})
    if len(body) > 20000:
        raise ValidationFailed({"body": "Comments are limited to 20,000 characters."})
    comment = Comment(request=request, author=actor, body=body)
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, "request", request.id, "commented", summary=body[:200],
                 after={"comment_id": comment.id})
    return comment


def office_members() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role == Role.OSS_OFFICE, User.active.is_(True))
        .order_by(User.username)
    ))


def queue_query(user: User, which: str = "all"):
    """The office's review queue: submitted and in-review requests, oldest first."""
    query = (select(Request).where(Request.state.in_(QUEUE_STATES))
             .options(selectinload(Request.team), selectinload(Request.requester),
                      selectinload(Request.reviewer)))
    if which == "mine":
        query = query.where(Request.reviewer_id == user.id)
    elif which == "unassigned":
        query = query.where(Request.reviewer_id.is_(None))
    return query.order_by(Request.submitted_at.asc(), Request.id.asc())
