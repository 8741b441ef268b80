"""SBOM checks of a product: upload, the status of every component, drafts in bulk."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from governance.auth import permissions as may
from governance.compliance import STATUS_TONES, STATUSES
from governance.database import get_by_id, unit_of_work
from governance.errors import NotFound, ValidationFailed
from governance.inventory import checks
from governance.inventory import services as inventory
from governance.inventory.forms import DraftsForm, SbomUploadForm
from governance.inventory.models import SbomImport
from governance.policies import license_policy, request_rules
from governance.web.forms import choices
from governance.web.helpers import int_list, paginate

bp = Blueprint("sbom_imports", __name__)
ROWS_PER_PAGE = 100


@bp.post("/products/<int:product_id>/sboms")
@login_required
def upload(product_id: int):
    product = inventory.get_product(product_id)
    may.check_sbom.require(current_user, product)  # before reading what was sent
    form = SbomUploadForm()
    if not form.validate():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("inventory.product", product_id=product.id))
    upload_file = form.sbom.data
    data = upload_file.read(current_app.config["SBOM_MAX_BYTES"] + 1)
    try:
        with unit_of_work():
            record = checks.import_sbom(product, current_user, upload_file.filename or "sbom",
                                        data, license_policy(),
                                        current_app.config["SBOM_MAX_BYTES"])
    except ValidationFailed as exc:
        flash(f"This SBOM could not be read: {' '.join(exc.errors.values())}", "danger")
        return redirect(url_for("inventory.product", product_id=product.id))
    return redirect(url_for("sbom_imports.show", import_id=record.id))


def _record(import_id: int) -> SbomImport:
    record = get_by_id(SbomImport, import_id)
    if record is None:
        raise NotFound("No such SBOM check.")
    return record


@bp.get("/sbom-imports/<int:import_id>")
@login_required
def show(import_id: int):
    record = _record(import_id)
    # An SBOM check shows what a product is made of: the same people who may check it read it.
    may.check_sbom.require(current_user, record.product)
    status = request.args.get("status", "")
    q = request.args.get("q", "").strip().lower()[:200]
    rows = paginate(checks.component_rows(record, status=status, q=q), ROWS_PER_PAGE)
    can_draft = may.draft_for_product(current_user, record.product)
    return render_template("inventory/sbom_import.html", record=record, rows=rows,
                           status=status, q=q, statuses=STATUSES, status_tones=STATUS_TONES,
                           can_draft=can_draft, outcome=checks.verdict_of(record),
                           drafts_form=DraftsForm(formdata=None))


@bp.post("/sbom-imports/<int:import_id>/drafts")
@login_required
def drafts(import_id: int):
    record = _record(import_id)
    form = DraftsForm()
    # The positions ticked, each of this SBOM (create_drafts checks they are unknown ones).
    form.components.choices = choices(
        (i, str(i)) for i in int_list(request.form.getlist("components"))
        if 0 <= i < record.total)
    if not form.validate():
        flash("Tick the unknown components to request.", "warning")
        return redirect(url_for("sbom_imports.show", import_id=record.id, status="unknown"))
    try:
        with unit_of_work():
            created = checks.create_drafts(record, current_user, form.components.data,
                                           request_rules())
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "danger")
        return redirect(url_for("sbom_imports.show", import_id=record.id, status="unknown"))
    flash(f"{len(created)} draft request(s) created for {record.product.name}: complete and "
          "submit them from My requests.", "success")
    return redirect(url_for("adoption.index", scope="mine", state="draft"))
