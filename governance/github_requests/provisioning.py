"""Approval carries out the GitHub work: the plan (the exact calls) is shown before the
decision, frozen with it, and run by a background task that records each call's result at
once, so a retry resumes after the last call that succeeded and never makes one twice."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from governance import background
from governance.audit import services as audit
from governance.auth.models import User
from governance.database import db, utcnow
from governance.errors import IllegalTransition
from governance.github_api.client import GitHubCallFailed
from governance.github_api.plan import Call, Spec, plan
from governance.github_requests import gateway
from governance.github_requests.models import GitHubRequest, ProvisioningCall
from governance.states import APPROVED_STATES
from governance.workflow import services as workflow

TASK = "github.provision"
# A run that has said nothing for this long died with its worker: it is failed, to be retried.
STALE_AFTER = timedelta(minutes=30)


def spec_of(request: GitHubRequest) -> Spec:
    return Spec(kind=request.kind, org=request.org, repository=request.repository,
                description=request.description, visibility=request.visibility,
                github_teams=tuple((t["slug"], t["permission"])
                                   for t in request.github_teams or ()),
                maintainers=tuple(request.maintainers or ()), username=request.username,
                permission=request.permission or "pull",
                enterprise_server=gateway.enterprise_server())


def plan_for(request: GitHubRequest) -> list[Call]:
    """What approving would do now: the page shows it before the office decides."""
    return plan(spec_of(request))


def _as_call(row: ProvisioningCall) -> Call:
    return Call(row.key, row.operation, row.method, row.path, dict(row.params or {}), row.body,
                row.description)


def freeze_plan(request: GitHubRequest, step, actor: User | None, inputs: dict) -> dict:
    """The kind's `record` rule: an approval freezes the plan and asks for the task; calls
    already done (an approval given again after re-certification) are kept, not repeated.
    Rows are updated in place, never deleted and added again under the same key, and nothing
    is flushed here: the state change's own UPDATE is what detects a concurrent decision."""
    if not step.approves:
        return {}
    rows = {c.key: c for c in request.calls}
    calls = plan_for(request)
    for position, call in enumerate(calls):
        row = rows.pop(call.key, None)
        if row is None:
            request.calls.append(ProvisioningCall(
                position=position, key=call.key, operation=call.operation, state="pending",
                method=call.method, path=call.path, params=call.params, body=call.body,
                description=call.description))
            continue
        row.position = position
        if row.state not in ("done", "dry_run"):
            row.operation, row.method, row.path = call.operation, call.method, call.path
            row.params, row.body, row.description = call.params, call.body, call.description
            row.state, row.status, row.error = "pending", None, ""
    for row in rows.values():  # no longer planned
        if row.state not in ("done", "dry_run"):
            request.calls.remove(row)
    request.provisioning_state, request.provisioning_error = "not_started", ""
    request.provisioning_dry_run = gateway.dry_run()
    background.enqueue_after_commit(TASK, request.id)
    return {"plan": [f"{c.method} {c.path}" for c in calls],
            "dry_run": request.provisioning_dry_run}


def waiting_requests() -> list[int]:
    """Approved requests whose provisioning has not started (its task was lost), after failing
    runs that stopped with their worker."""
    stale = db.session.scalars(select(GitHubRequest).where(
        GitHubRequest.provisioning_state == "running",
        GitHubRequest.provisioning_started_at < utcnow() - STALE_AFTER))
    for request in stale:
        _fail(request, "Provisioning stopped without finishing (its worker stopped). Retry it; "
                       "the calls that succeeded are not made again.")
    db.session.commit()
    return list(db.session.scalars(
        select(GitHubRequest.id).where(GitHubRequest.provisioning_state == "not_started",
                                       GitHubRequest.state.in_(APPROVED_STATES))
        .order_by(GitHubRequest.id)))


def _fail(request: GitHubRequest, reason: str) -> None:
    request.provisioning_state, request.provisioning_error = "failed", reason
    audit.record(None, "request", request.id, "provisioning_failed", summary=reason[:300],
                 after={"error": reason})


def _created_earlier(github, request: GitHubRequest, row: ProvisioningCall) -> bool:
    """A create call whose earlier attempt got no answer may have created the repository:
    GitHub is asked before it is called again."""
    if row.operation != "repos/create-in-org" or row.attempts <= 1 or row.status is not None:
        return False
    return github.repository_exists(request.org, request.repository)


def provision(request_id: int) -> None:
    """The task: claim a request whose provisioning has not started and make its calls."""
    claimed = db.session.execute(
        update(GitHubRequest.__table__)
        .where(GitHubRequest.__table__.c.id == request_id,
               GitHubRequest.__table__.c.provisioning_state == "not_started")
        .values(provisioning_state="running", provisioning_started_at=utcnow())).rowcount
    db.session.commit()
    if claimed != 1:
        return
    try:
        _make_calls(db.session.get(GitHubRequest, request_id))
    except Exception:
        # A bug, not GitHub's answer: failed with a message that says so (the runner logs
        # it), never left "running"; a retry resumes after the calls on record.
        db.session.rollback()
        _fail(db.session.get(GitHubRequest, request_id),
              "Provisioning stopped on an internal error; it has been logged. Retry it.")
        db.session.commit()
        raise


def _make_calls(request: GitHubRequest) -> None:
    db.session.refresh(request)
    github = gateway.client()
    for row in request.calls:
        if row.state in ("done", "dry_run"):
            continue
        row.attempts += 1
        if github is None:
            row.state, row.finished_at = "dry_run", utcnow()
            audit.record(None, "request", request.id, "github_call",
                         summary=f"Dry run: {row.method} {row.path}",
                         after={"method": row.method, "path": row.path, "dry_run": True})
            db.session.commit()
            continue
        try:
            if _created_earlier(github, request, row):
                status = 201
            else:
                status = github.execute(_as_call(row)).status
        except GitHubCallFailed as exc:
            row.state, row.status, row.error = "failed", exc.status, exc.reason
            row.finished_at = utcnow()
            audit.record(None, "request", request.id, "github_call_failed",
                         summary=f"{row.method} {row.path}: {exc.reason}"[:300],
                         after={"method": row.method, "path": row.path, "status": exc.status,
                                "error": exc.reason})
            then = ("Retry once GitHub answers again." if exc.retryable else
                    "Correct the cause (the request, the token's rights, the org), then retry.")
            _fail(request, f"{row.description}: {exc.reason} {then}")
            db.session.commit()
            return
        row.state, row.status, row.error, row.finished_at = "done", status, "", utcnow()
        audit.record(None, "request", request.id, "github_call",
                     summary=f"{row.method} {row.path} → {status}",
                     after={"method": row.method, "path": row.path, "status": status})
        # At once: whatever happens next, this call is never made again.
        db.session.commit()
    request.provisioning_state, request.provisioning_error = "done", ""
    request.provisioning_dry_run = github is None
    audit.record(None, "request", request.id, "provisioned",
                 summary=("Provisioning done (dry run: nothing was called)" if github is None
                          else f"Provisioning done: {len(request.calls)} calls"),
                 after={"calls": len(request.calls), "dry_run": github is None})
    db.session.commit()


def retry(request: GitHubRequest, actor: User, *, expected_version: int | None = None) -> None:
    """The office asks again after a failure; the caller commits (the task follows)."""
    workflow.check_office_work(request, actor, APPROVED_STATES, "retry provisioning")
    workflow.check_version(request, expected_version)
    if request.provisioning_state != "failed":
        raise IllegalTransition(f"Provisioning is {request.provisioning_state.replace('_', ' ')}"
                                "; only a failed one is retried.")
    for row in request.calls:
        if row.state == "failed":
            row.state = "pending"
    request.provisioning_state, request.provisioning_error = "not_started", ""
    request.provisioning_dry_run = gateway.dry_run()
    audit.record(actor, "request", request.id, "provisioning_retried",
                 summary="Provisioning retried",
                 after={"remaining": [f"{c.method} {c.path}" for c in request.calls
                                      if c.state == "pending"]})
    workflow.flush_or_stale(request)
    background.enqueue_after_commit(TASK, request.id)


def provisioning_json(request: GitHubRequest) -> dict:
    return {"state": request.provisioning_state, "dry_run": request.provisioning_dry_run,
            "error": request.provisioning_error or None,
            "calls": [{"key": c.key, "method": c.method, "path": c.path, "status": c.status,
                       "state": c.state, "description": c.description,
                       "error": c.error or None} for c in request.calls]}
