"""Funding proposal pages: the list (by year, state, kind, text), new, detail (amounts, the
budget it is counted against, the payment and term, the trail) and edit."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from governance import policies
from governance.auth import permissions as may
from governance.auth.models import Team
from governance.database import db, unit_of_work
from governance.errors import DomainError, StaleObject, ValidationFailed
from governance.funding import decisions, suggestions
from governance.funding import services as funding
from governance.funding.forms import ProposalForm, form_data_of, foundation_choices
from governance.funding.models import FUNDING_KINDS, FundingProposal
from governance.funding.views import bp
from governance.funding_core import fiscal
from governance.states import EDITABLE_STATES, State
from governance.web.forms import choices
from governance.web.helpers import apply_errors, paginate
from governance.workflow import services as workflow
from governance.workflow.views import workflow_panel_context

# The form shows the foundation and its tier in one list.
FIELD_OF_ERROR = {"tier_id": "foundation_id"}


def _detail_url(item: FundingProposal) -> str:
    return url_for("funding.detail", request_id=item.id)


@bp.get("/proposals")
@login_required
def proposals():
    args = request.args
    year = args.get("year", type=int)
    filters = funding.ListFilters(year=year if year and 2000 <= year <= 2100 else None,
                                  states=args.getlist("state"),
                                  funding_kinds=args.getlist("funding_kind"),
                                  q=args.get("q", "").strip()[:200])
    page = paginate(funding.list_query(current_user, filters))
    return render_template("funding/proposals.html", page=page, filters=filters,
                           funding_kinds=FUNDING_KINDS, states=list(State),
                           drafted=args.get("drafted") == "1")


def _form(data=None) -> ProposalForm:
    policy = policies.funding_policy()
    form = ProposalForm(data=data) if data is not None else ProposalForm()
    teams = (db.session.scalars(select(Team).order_by(Team.name)).all()
             if current_user.is_office else current_user.teams)
    form.team.choices = choices((t.id, t.name) for t in teams)
    form.foundation_id.choices = foundation_choices(policy)
    form.channel.choices = choices([("", "—")] + [
        (c.id, c.label + (" (cards only)" if c.card_only else "")) for c in policy.channels])
    if request.method == "GET" and data is None:
        form.currency.data = policy.currency
        form.fiscal_year.data = funding.current_fiscal_year(policy)
        form.purl.data = request.args.get("purl", "")[:500]
        form.foundation_id.data = request.args.get("foundation", "")[:100]
        kind = request.args.get("funding_kind", "")
        form.funding_kind.data = kind if kind in FUNDING_KINDS else "donation"
        if len(teams) == 1:
            form.team.data = teams[0].id
    return form


def _render_form(form: ProposalForm, item: FundingProposal | None):
    policy = policies.funding_policy()
    return render_template("funding/proposal_form.html", form=form, item=item, policy=policy,
                           projects=suggestions.projects(policy))


def _apply(form: ProposalForm, exc: ValidationFailed) -> None:
    apply_errors(form, ValidationFailed(
        {FIELD_OF_ERROR.get(k, k): v for k, v in exc.errors.items()}))
    flash(exc.message, "danger")


@bp.route("/proposals/new", methods=["GET", "POST"])
@login_required
def new():
    form = _form()
    if form.validate_on_submit():
        submit = "submit" in request.form
        try:
            with unit_of_work():
                created = funding.create(current_user, form.to_input(),
                                         policies.funding_policy(), submit=submit)
        except ValidationFailed as exc:
            _apply(form, exc)
        else:
            flash("Proposal submitted to the OSS office." if submit else "Draft saved.",
                  "success")
            return redirect(_detail_url(created))
    elif request.method == "POST":
        flash("Please correct the marked fields.", "danger")
    return _render_form(form, None)


def render_detail(item: FundingProposal, **panel) -> str:
    policy = policies.funding_policy()
    foundation = policy.foundation(item.foundation_id) if item.foundation_id else None
    channel = policy.channel(item.channel) if item.channel else None
    return render_template(
        "funding/proposal.html", item=item, foundation=foundation,
        tier=foundation.tier(item.tier_id) if foundation and item.tier_id else None,
        channel=channel, policy=policy, signal_labels=suggestions.signal_labels(policy),
        year_label=fiscal.label(item.fiscal_year, policy.fiscal_year_start_month),
        budget_check=(decisions.budget_check(item)
                      if item.state in (State.IN_REVIEW, State.SUBMITTED) else None),
        successors=list(db.session.scalars(select(FundingProposal).where(
            FundingProposal.renews_id == item.id))),
        **workflow_panel_context(item, **panel))


@bp.get("/proposals/<int:request_id>")
@login_required
def detail(request_id: int):
    return render_detail(workflow.get_for(current_user, request_id, FundingProposal))


@bp.route("/proposals/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit(request_id: int):
    item = workflow.get_for(current_user, request_id, FundingProposal)
    may.edit_request.require(current_user, item)
    if request.method == "GET" and item.state not in EDITABLE_STATES:
        flash(f"A proposal that is {item.state.label.lower()} can no longer be edited.",
              "warning")
        return redirect(_detail_url(item))
    form = _form(form_data_of(funding.input_of(item)) if request.method == "GET" else None)
    if request.method == "GET":
        form.lock_version.data = item.version
    if form.validate_on_submit():
        resubmit = "resubmit" in request.form
        try:
            with unit_of_work():
                funding.update(item, current_user, form.to_input(), policies.funding_policy(),
                               expected_version=int(form.lock_version.data or 0) or None,
                               resubmit=resubmit)
                if resubmit:
                    workflow.transition(item, current_user, "resubmit")
        except StaleObject as exc:
            form.form_errors.append(exc.message)
        except ValidationFailed as exc:
            _apply(form, exc)
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(_detail_url(item))
        else:
            flash("Changes saved and proposal resubmitted." if resubmit else "Changes saved.",
                  "success")
            return redirect(_detail_url(item))
    return _render_form(form, item)

