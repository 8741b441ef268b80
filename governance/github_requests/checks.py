"""The checks on code a team wants to publish: the upload goes through the scan pipeline's
intake (limits, storage, workers); once its scan succeeded, a background task extracts the
same archive again, reads scancode's findings, looks for secrets and internal references,
checks hygiene and names, and stores the checklist. A failing item blocks approval until the
code is fixed and uploaded again, or the office waives that item with a reason."""
from __future__ import annotations

from sqlalchemy import select, update

from governance import background, policies
from governance.audit import services as audit
from governance.auth.models import User
from governance.code_checks.checklist import CheckItem, failing, with_waivers
from governance.code_checks.licenses import ScannedFile
from governance.code_checks.run import Publication, check_code
from governance.database import db, utcnow
from governance.errors import IllegalTransition, NotFound, ValidationFailed
from governance.github_requests import gateway
from governance.github_requests.models import CheckWaiver, CodeCheckRun, GitHubRequest
from governance.scanning import fetch
from governance.scanning.extraction import ExtractionRefused, extract_safely
from governance.scanning.long_paths import remove_tree
from governance.scans import services as scans
from governance.scans.models import Scan, ScanFile, ScanState
from governance.scans.queue import scan_config
from governance.states import EDITABLE_STATES, QUEUE_STATES
from governance.workflow import services as workflow

TASK = "github.checks"


def upload_code(request: GitHubRequest, actor: User, config: scans.ScanConfig, upload,
                upload_name: str) -> CodeCheckRun:
    """A new upload of the code: its scan and its (pending) checks. The caller commits and
    enqueues the scan."""
    if not request.ships_code:
        raise IllegalTransition("Only requests that publish code take an upload.")
    if request.state not in EDITABLE_STATES | QUEUE_STATES:
        raise IllegalTransition(f"A request that is {request.state.label.lower()} takes no "
                                "new code.")
    scans.ensure_scannable(request, actor)
    scan = scans.start_scan(request, actor, config, upload=upload, upload_name=upload_name)
    run = CodeCheckRun(request=request, scan=scan, state="pending", items=[])
    db.session.add(run)
    db.session.flush()
    audit.record(actor, "request", request.id, "code_uploaded",
                 summary=f"Code uploaded: {scan.archive.filename}",
                 after={"scan_id": scan.id, "check_run_id": run.id,
                        "archive": scan.archive.filename, "sha256": scan.archive.sha256})
    return run


def on_scan_succeeded(scan: Scan) -> None:
    """Connected to scans' scan_succeeded: the upload's checks run once the scan commits."""
    run = db.session.scalar(select(CodeCheckRun).where(CodeCheckRun.scan_id == scan.id,
                                                       CodeCheckRun.state == "pending"))
    if run is not None:
        background.enqueue_after_commit(TASK, run.id)


def waiting_runs() -> list[int]:
    """Checks whose scan succeeded but which have not run (their task was lost)."""
    return list(db.session.scalars(
        select(CodeCheckRun.id).join(Scan, Scan.id == CodeCheckRun.scan_id)
        .where(CodeCheckRun.state == "pending", Scan.state == ScanState.SUCCEEDED)
        .order_by(CodeCheckRun.id)))


def _scanned_files(scan: Scan) -> list[ScannedFile]:
    rows = db.session.execute(
        select(ScanFile.path, ScanFile.license_expression, ScanFile.holders)
        .where(ScanFile.scan_id == scan.findings_scan_id)).all()
    return [ScannedFile(path, expression or "",
                        tuple(h for h in (holders or "").split("\n") if h))
            for path, expression, holders in rows]


def run_checks(run_id: int) -> None:
    """The task: claim a pending run whose scan succeeded, check, store the checklist."""
    claimed = db.session.execute(
        update(CodeCheckRun).where(CodeCheckRun.id == run_id, CodeCheckRun.state == "pending")
        .values(state="running", started_at=utcnow())).rowcount
    db.session.commit()
    if claimed != 1:
        return
    run = db.session.get(CodeCheckRun, run_id)
    request, scan, config = run.request, run.scan, scan_config()
    work = config.work_root / f"checks-{run.id}"
    try:
        if request.kind == "publish_repository":
            taken, why_not = gateway.repository_taken(request.org, request.repository)
        else:
            taken, why_not = None, ""
        extracted = extract_safely(fetch.stored_path(config.archives_dir, scan.archive.sha256),
                                   work, config.settings.limits,
                                   original_name=scan.archive.filename)
        items = check_code(extracted.root, _scanned_files(scan), Publication(
            repository=request.repository, license=request.license,
            package_names=tuple(request.package_names or ()), name_taken=taken,
            ask_name=request.kind == "publish_repository", name_unasked_reason=why_not),
            policies.github_policy())
        run.items, run.state = [i.to_dict() for i in items], "done"
    except ExtractionRefused as exc:
        run.state, run.error = "failed", exc.reason
    except Exception:
        # A bug, not bad input: the run fails with a message that says so (logged by the
        # runner), never stays "running".
        db.session.rollback()
        fail_run(run_id, "The checks stopped on an internal error; it has been logged. Upload "
                         "the code again, or tell the administrators.")
        raise
    finally:
        remove_tree(work)
    run.finished_at = utcnow()
    counts = {o: sum(1 for i in run.items if i["outcome"] == o) for o in ("fail", "warn")}
    audit.record(None, "request", request.id, "checks_finished",
                 summary=(f"Checks of the code: {counts['fail']} failing, {counts['warn']} "
                          "to look at") if run.state == "done" else f"Checks failed: {run.error}",
                 after={"check_run_id": run.id, "state": run.state, **counts,
                        # rule and file only: a finding's message never carries a secret, but
                        # the trail keeps to what is needed
                        "failing": [f"{i['rule']} {i['path']}".strip() for i in run.items
                                    if i["outcome"] == "fail"][:50]})
    db.session.commit()


def fail_run(run_id: int, reason: str) -> None:
    run = db.session.get(CodeCheckRun, run_id)
    if run is not None and run.state in ("pending", "running"):
        run.state, run.error, run.finished_at = "failed", reason, utcnow()
        db.session.commit()


# --- reading ---------------------------------------------------------------------------------

def checks_state(request: GitHubRequest) -> tuple[str, str]:
    """(pending | running | done | failed, the reason when failed)."""
    run = request.latest_check_run
    if run is None:
        return "pending", ""
    if run.state == "pending":
        # Its scan is queued or running, or it succeeded and the checks task is on its way.
        return ("failed", run.scan.error) if run.scan.state == ScanState.FAILED \
            else ("running", "")
    return run.state, run.error


def checklist(request: GitHubRequest) -> list[CheckItem]:
    """The latest run's items with the office's waivers applied."""
    run = request.latest_check_run
    if run is None or run.state != "done":
        return []
    waived = {w.item_key: w.reason for w in request.check_waivers}
    return with_waivers([CheckItem.from_dict(i) for i in run.items], waived)


def failing_items(request: GitHubRequest) -> list[CheckItem]:
    return failing(checklist(request))


# --- the office's waivers ----------------------------------------------------------------------

def waive(request: GitHubRequest, actor: User, rule: str, path: str, reason: str) -> CheckWaiver:
    workflow.check_office_work(request, actor, QUEUE_STATES, "waive a check")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Give the reason; it is kept on record."})
    if len(reason) > 5000:
        raise ValidationFailed({"reason": "The reason is limited to 5,000 characters."})
    item = next((i for i in checklist(request)
                 if i.rule == rule and i.path == (path or "") and i.outcome == "fail"), None)
    if item is None:
        raise NotFound("No failing check item like that in the latest checks.")
    waiver = CheckWaiver(request=request, item_key=item.key, rule=item.rule, path=item.path,
                         reason=reason, waived_by=actor)
    db.session.add(waiver)
    request.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "request", request.id, "check_waived",
                 summary=f"Waived {item.rule}{' in ' + item.path if item.path else ''}",
                 after={"rule": item.rule, "path": item.path, "reason": reason})
    return waiver


def waiver_of(request: GitHubRequest, waiver_id: int) -> CheckWaiver:
    waiver = next((w for w in request.check_waivers if w.id == waiver_id), None)
    if waiver is None:
        raise NotFound("No such waiver on this request.")
    return waiver


def withdraw_waiver(request: GitHubRequest, actor: User, waiver: CheckWaiver,
                    reason: str) -> None:
    workflow.check_office_work(request, actor, QUEUE_STATES, "withdraw a waiver")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why the waiver no longer holds."})
    request.check_waivers.remove(waiver)
    request.updated_at = utcnow()
    audit.record(actor, "request", request.id, "check_waiver_withdrawn",
                 summary=f"Waiver withdrawn: {waiver.rule} {waiver.path}".strip(),
                 before={"rule": waiver.rule, "path": waiver.path, "reason": waiver.reason},
                 after={"reason": reason[:5000]})
    db.session.flush()
