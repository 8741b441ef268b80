"""Scan pages: start a scan on a request, follow its progress, read its findings."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request
from flask_login import current_user, login_required

from governance.auth import permissions as may
from governance.database import unit_of_work
from governance.errors import DomainError, ValidationFailed
from governance.scans import services
from governance.scans.forms import ScanForm
from governance.scans.queue import enqueue, scan_config
from governance.web.helpers import paginate
from governance.workflow import kinds
from governance.workflow import services as workflow
from governance.workflow.models import Request

bp = Blueprint("scans", __name__)


def scan_panel_context(item: Request) -> dict:
    """What templates/scans/_panel.html needs on a request's page."""
    scan = services.latest_scan(item)
    form = None
    if may.start_scan(current_user, item) and (scan is None or scan.is_finished):
        form = ScanForm(formdata=None)
        purl = getattr(getattr(item, "component", None), "purl", "")
        form.source.data = purl if scan is None else ""
    return {"scan": scan, "scan_form": form,
            "scan_counts": services.status_counts(scan) if scan and scan.summary else {}}


@bp.post("/requests/<int:request_id>/scans")
@login_required
def start(request_id: int):
    item = workflow.get_for(current_user, request_id)
    form = ScanForm()
    upload = form.archive.data if form.archive.data and form.archive.data.filename else None
    try:
        with unit_of_work():
            services.ensure_source_scan(item, current_user)
            scan = services.start_scan(
                item, current_user, scan_config(), source=form.source.data or "",
                upload=upload.stream if upload else None,
                upload_name=upload.filename if upload else "")
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "danger")
    except DomainError as exc:
        flash(exc.message, "danger")
    else:
        enqueue(scan.id)
        flash(f"Scan #{scan.id} queued. Progress shows below.", "success")
    return redirect(kinds.detail_url(item) + "#scan")


@bp.get("/scans/<int:scan_id>/status")
@login_required
def status(scan_id: int):
    scan = services.get_scan_for(current_user, scan_id)
    return jsonify({"id": scan.id, "state": scan.state.value, "phase": scan.phase,
                    "files_done": scan.files_done, "files_total": scan.files_total,
                    "percent": scan.percent, "error": scan.error})


@bp.get("/scans/<int:scan_id>")
@login_required
def show(scan_id: int):
    scan = services.get_scan_for(current_user, scan_id)
    return render_template("scans/show.html", scan=scan,
                           counts=services.status_counts(scan),
                           problems=services.problem_files(scan))


@bp.get("/scans/<int:scan_id>/files")
@login_required
def files(scan_id: int):
    scan = services.get_scan_for(current_user, scan_id)
    filters = {"license_expression": request.args.get("license", ""),
               "path": request.args.get("path", "").strip()[:300],
               "status": request.args.get("status", "")}
    page = paginate(services.files_query(scan, **filters))
    return render_template("scans/files.html", scan=scan, page=page, filters=filters,
                           counts=services.status_counts(scan))


@bp.get("/scans/<int:scan_id>/files/<int:file_id>")
@login_required
def file(scan_id: int, file_id: int):
    scan = services.get_scan_for(current_user, scan_id)
    record, results = services.file_with_results(scan, file_id)
    return render_template("scans/file.html", scan=scan, record=record, results=results)

