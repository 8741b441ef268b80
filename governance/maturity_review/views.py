"""The maturity review page: each criterion beside its health signals, scored by the office."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from governance import policies
from governance.database import unit_of_work
from governance.errors import IllegalTransition, NotAllowed, NotFound, StaleObject, ValidationFailed
from governance.license_review.verdicts import verdict_for
from governance.maturity_review import services
from governance.maturity_review.forms import form_data, review_form_class
from governance.policies import license_policy
from governance.scans.services import latest_finished_scan
from governance.web.helpers import apply_errors
from governance.workflow import kinds
from governance.workflow import services as workflow

bp = Blueprint("maturity", __name__)


def maturity_criteria():
    return policies.maturity_criteria()


def signals_by_id(item) -> dict[str, dict]:
    """The health signals of the request's latest finished scan, by id."""
    scan = latest_finished_scan(item)
    return {h["id"]: h for h in (scan.summary.get("health") or [])} if scan else {}


@bp.route("/adoption/<int:request_id>/maturity", methods=["GET", "POST"])
@login_required
def review(request_id: int):
    item = workflow.get_for(current_user, request_id)
    kind = kinds.registered().get(item.kind)
    if kind is None or not kind.reviews_license:  # maturity is judged of a package
        raise NotFound("No such adoption request, or you cannot see it.")
    criteria, policy = maturity_criteria(), license_policy()
    existing = services.review_of(item)
    can_edit = services.may_review(item, current_user)
    form_class = review_form_class(criteria)
    if request.method == "POST":
        if not can_edit:
            raise NotAllowed("Only the OSS office reviews open requests, and not their own.")
        form = form_class()
    else:
        form = form_class(data=form_data(existing) if existing else None)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                with unit_of_work():
                    services.save(item, current_user, form.entries(), criteria, policy,
                                  expected_version=form.lock_version.data or None)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            except (StaleObject, IllegalTransition) as exc:
                form.form_errors.append(exc.message)
            else:
                flash("Maturity review saved.", "success")
                return redirect(url_for("adoption.detail", request_id=item.id) + "#maturity")
        flash("Maturity review: please correct the marked fields.", "danger")
        status = 422
    return render_template(
        "maturity_review/review.html", item=item, form=form, review=existing,
        criteria=criteria, can_edit=can_edit, signals=signals_by_id(item),
        verdict=verdict_for(item, policy),
        labels=services.RECOMMENDATION_LABELS), status


def maturity_card_context(item) -> dict:
    """What the request page's maturity card shows."""
    review = services.review_of(item)
    criteria = maturity_criteria()
    return {"review": review, "criteria": criteria, "labels": services.RECOMMENDATION_LABELS,
            "older_criteria": bool(review and review.maturity_digest != criteria.digest),
            "can_edit": services.may_review(item, current_user)}
