"""Security findings pages: what the advisories affect (open first, oldest first), the office's
upload of OSV records, one finding with its advisory and the office's analysis; and the card
on an adoption request's page (through a template helper, so that adoption does not depend on
this package)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from governance.advisories import reports, services
from governance.advisories.forms import FindingForm, ImportForm
from governance.advisories.models import FINDING_STATE_LABELS, OPEN_FINDING_STATES
from governance.advisories_core import osv
from governance.auth import permissions as may
from governance.auth.permissions import requires
from governance.database import unit_of_work
from governance.errors import ValidationFailed
from governance.web.helpers import apply_errors, paginate_list

bp = Blueprint("advisories", __name__, url_prefix="/advisories")


@bp.app_context_processor
def _advisory_template_values():
    return {"advisory_findings": reports.for_request,
            "open_findings_by_component": reports.open_counts,
            "finding_state_labels": FINDING_STATE_LABELS,
            "open_finding_states": OPEN_FINDING_STATES}


@bp.get("/")
@login_required
def index():
    which = request.args.get("state", "open")
    q = request.args.get("q", "").strip()[:200].lower()
    rows = reports.affected(open_only=which == "open")
    if which not in ("open", "all"):
        rows = [r for r in rows if r.finding.state == which]
    if q:
        rows = [r for r in rows if q in r.finding.advisory.osv_id.lower()
                or q in r.finding.component.purl.lower()
                or any(q in a.lower() for a in r.finding.advisory.aliases or [])]
    return render_template("advisories/index.html", page=paginate_list(rows), which=which,
                           q=q, import_form=ImportForm(formdata=None))


@bp.post("/import")
@requires(may.manage_advisories)
def import_records():
    upload = request.files.get("records")
    if upload is None or not upload.filename:
        flash("Choose a file of OSV records (.json or .zip).", "danger")
        return redirect(url_for("advisories.index"))
    try:
        with unit_of_work():
            result = services.import_records(current_user, osv.read_upload(
                upload.filename, upload.read()))
    except osv.OsvError as exc:
        flash(f"{upload.filename}: {exc}", "danger")
        return redirect(url_for("advisories.index"))
    skipped = "; ".join(f"{w}: {r}" for w, r in result.skipped[:5])
    flash(f"{result.read} record(s) read: {result.new} new, {result.updated} updated, "
          f"{result.unchanged} unchanged, {len(result.skipped)} skipped"
          f"{' (' + skipped + ')' if skipped else ''}; {result.findings_opened} finding(s) "
          f"opened, {result.findings_resolved} resolved.",
          "warning" if result.skipped else "success")
    return redirect(url_for("advisories.index"))


def _finding_page(finding_id: int, form: FindingForm | None = None, status: int = 200):
    finding = services.get_finding(finding_id)
    row = next(r for r in reports.affected(component_ids={finding.component_id})
               if r.finding.id == finding.id)
    if form is None:
        form = FindingForm(formdata=None, state=finding.state,
                           justification=finding.justification,
                           not_affected_until=finding.not_affected_until)
    return render_template("advisories/finding.html", row=row, finding=finding,
                           advisory=finding.advisory, form=form), status


@bp.get("/findings/<int:finding_id>")
@login_required
def finding(finding_id: int):
    return _finding_page(finding_id)


@bp.post("/findings/<int:finding_id>")
@requires(may.manage_advisories)
def analyse(finding_id: int):
    finding = services.get_finding(finding_id)
    form = FindingForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.set_state(finding, current_user, form.state.data,
                                   justification=form.justification.data or "",
                                   until=form.not_affected_until.data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"Analysis saved: {FINDING_STATE_LABELS[finding.state]}.", "success")
            return redirect(url_for("advisories.finding", finding_id=finding.id))
    flash("Please correct the marked fields.", "danger")
    return _finding_page(finding_id, form, 422)
