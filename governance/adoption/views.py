"""Adoption request pages: list, new, detail, edit, compare."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from governance import policies
from governance.adoption import services
from governance.adoption.forms import adoption_form_class, answers_to_form_data, fill_choices
from governance.adoption.models import AdoptionRequest
from governance.auth import permissions as may
from governance.auth.models import Team
from governance.components import services as components
from governance.database import db, unit_of_work
from governance.errors import DomainError, StaleObject, ValidationFailed
from governance.license_review import clearing
from governance.license_review.forms import conclusion_form as conclusion_form_for
from governance.license_review.forms import dismissal_form as dismissal_form_for
from governance.license_review.forms import waiver_form as forms_for_waiver
from governance.license_review.services import recorded_verdict, standing, waivers_of
from governance.license_review.verdicts import verdict_for, verdicts_for
from governance.license_review.waivers import may_grant_waiver
from governance.maturity_review import services as maturity_services
from governance.maturity_review.views import maturity_card_context
from governance.policies import license_policy, request_rules
from governance.scans.services import latest_finished_scan
from governance.scans.views import scan_panel_context
from governance.states import EDITABLE_STATES
from governance.web.helpers import apply_errors, int_list, paginate
from governance.workflow import services as workflow
from governance.workflow.views import workflow_panel_context

bp = Blueprint("adoption", __name__, url_prefix="/adoption")


def _filters_from_args() -> services.ListFilters:
    args = request.args
    return services.ListFilters(
        scope=args.get("scope", "all"), states=args.getlist("state"),
        team_id=(int_list([args.get("team")]) or [None])[0],
        usage_context=args.get("context", ""), q=args.get("q", "").strip()[:200],
        sort=args.get("sort", "newest"))


@bp.get("/")
@login_required
def index():
    filters = _filters_from_args()
    page = paginate(services.list_query(current_user, filters))
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    return render_template("adoption/list.html", page=page, filters=filters, teams=teams)


def _form(obj=None, exclude_id=None):
    rules = request_rules()
    form_class = adoption_form_class(rules)
    form = form_class(data=obj) if obj is not None and request.method == "GET" else form_class()
    fill_choices(form, rules, current_user.teams,
                 services.alternative_choices(current_user, exclude_id),
                 components.products_of(current_user.teams))
    if not form.alternatives.choices:
        form.alternatives.description = ("No other requests yet. When several packages could "
                                          "fill the same need, request each and link them here.")
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = _form()
    if not current_user.teams:
        flash("You are not in any team yet. Ask an administrator to add you to your team "
              "before you request a package.", "warning")
    if request.method == "GET":
        form.usage_context.data = form.usage_context.data or "internal"
        if len(current_user.teams) == 1:
            form.team.data = current_user.teams[0].id
        form.alternatives.data = int_list(request.args.getlist("alternative"))
    if form.validate_on_submit():
        submit = "submit" in request.form
        try:
            with unit_of_work():
                created = services.create(current_user, form.to_input(form.question_ids),
                                          request_rules(), submit=submit)
        except ValidationFailed as exc:
            apply_errors(form, exc)
            flash(exc.message, "danger")
        else:
            flash("Request submitted to the OSS office." if submit else "Draft saved.",
                  "success")
            return redirect(url_for("adoption.detail", request_id=created.id))
    elif request.method == "POST":
        # The form's own checks failed: the service's are shown with them, in this round.
        for name, message in services.problems(current_user, form.to_input(form.question_ids),
                                               request_rules(),
                                               submit="submit" in request.form).items():
            field = form._fields.get(name)
            if field is not None and not field.errors:
                field.errors = [message]
        flash("Please correct the marked fields.", "danger")
    return render_template("adoption/form.html", form=form, item=None)


def _clearing_context(item: AdoptionRequest, verdict, conclusion_form, dismissal_form) -> dict:
    """The license clearing of the request's component: conclusion, dismissals, suggestion,
    and the office's forms (prefilled with the suggestion, or the declared license)."""
    component = item.component
    concluded = clearing.conclusion_of(component)
    suggestion = clearing.suggestion_for(component)
    may_clear = may.conclude_license(current_user)
    rules = policies.clearing_rules()
    if may_clear and conclusion_form is None:
        initial = ({"expression": suggestion.conclusion.expression_spdx,
                    "option": suggestion.conclusion.option_spdx,
                    "reason_code": suggestion.conclusion.reason_code,
                    "reason": suggestion.conclusion.reason} if suggestion else
                   {"expression": concluded.expression_spdx, "option": concluded.option_spdx,
                    "reason_code": concluded.reason_code} if concluded else
                   {"expression": verdict.expression_spdx if verdict.basis == "declared"
                    else ""})
        conclusion_form = conclusion_form_for(rules, formdata=None, data=initial)
    if may_clear and dismissal_form is None:
        dismissal_form = dismissal_form_for(rules, formdata=None)
    finished = latest_finished_scan(item)
    return {"concluded": concluded, "dismissals": clearing.dismissals_of(component),
            "finished_summary": (finished.summary or {}) if finished else None,
            "finished_scan": finished,
            "suggestion": suggestion, "clearing_rules": rules,
            "conclusion_form": conclusion_form if may_clear else None,
            "dismissal_form": dismissal_form if may_clear else None}


def render_detail(item: AdoptionRequest, waiver_form=None, conclusion_form=None,
                  dismissal_form=None, **panel) -> str:
    policy = license_policy()
    verdict = verdict_for(item, policy)
    if waiver_form is None and may_grant_waiver(item, verdict, current_user):
        waiver_form = forms_for_waiver(policy, formdata=None)
    recorded = recorded_verdict(item)
    return render_template("adoption/detail.html", item=item, **scan_panel_context(item),
                           verdict=verdict, recorded=recorded,
                           standing=standing(recorded, verdict, policy),
                           **_clearing_context(item, verdict, conclusion_form, dismissal_form),
                           license_policy=policy, waivers=waivers_of(item),
                           waiver_form=waiver_form, maturity=maturity_card_context(item),
                           **workflow_panel_context(item, **panel))



@bp.get("/<int:request_id>")
@login_required
def detail(request_id: int):
    return render_detail(workflow.get_for(current_user, request_id, AdoptionRequest))


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit(request_id: int):
    item = workflow.get_for(current_user, request_id, AdoptionRequest)
    may.edit_request.require(current_user, item)
    if request.method == "GET" and item.state not in EDITABLE_STATES:
        # (A POST goes on: if the state changed under the user, the version check says so
        # and their text stays on screen.)
        flash(f"A request that is {item.state.label.lower()} can no longer be edited.", "warning")
        return redirect(url_for("adoption.detail", request_id=item.id))
    initial = None
    if request.method == "GET":
        initial = {
            "purl": item.component.purl, "homepage_url": item.homepage_url,
            "repository_url": item.repository_url, "team": item.team_id,
            "usage_context": item.usage_context, "linking": item.linking,
            "will_modify": item.will_modify, "justification": item.justification,
            "alternatives": [a.id for a in item.alternatives], "lock_version": item.version,
            "product": item.product_id or 0,
            **answers_to_form_data(item.answers),
        }
    form = _form(initial, exclude_id=item.id)
    if form.validate_on_submit():
        resubmit = "resubmit" in request.form
        try:
            with unit_of_work():
                services.update(item, current_user, form.to_input(form.question_ids),
                                request_rules(), expected_version=form.lock_version.data)
                if resubmit:
                    workflow.transition(item, current_user, "resubmit")
        except StaleObject as exc:
            # Keep what the user typed on screen; show the conflict above it.
            form.form_errors.append(exc.message)
        except ValidationFailed as exc:
            apply_errors(form, exc)
            flash(exc.message, "danger")
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("adoption.detail", request_id=item.id))
        else:
            flash("Changes saved and request resubmitted." if resubmit else "Changes saved.",
                  "success")
            return redirect(url_for("adoption.detail", request_id=item.id))
    return render_template("adoption/form.html", form=form, item=item)


@bp.get("/compare")
@login_required
def compare():
    ids = int_list(request.args.getlist("ids"))
    try:
        items = services.for_compare(current_user, ids)
    except ValidationFailed as exc:
        flash(exc.errors.get("ids", exc.message), "warning")
        return redirect(url_for("adoption.index"))
    policy = license_policy()
    return render_template("adoption/compare.html", items=items,
                           verdicts=verdicts_for(items, policy),
                           reviews={i.id: maturity_services.review_of(i) for i in items},
                           review_labels=maturity_services.RECOMMENDATION_LABELS)
