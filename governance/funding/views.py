"""Funding pages: the budget of a fiscal year with its chart, the projects the company depends
on most (and "draft these as proposals"), the Open Source Pledge and its report, and the CSV of
a year's decisions and payments. The proposals' own pages are in proposal_views."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from governance import policies
from governance.auth import permissions as may
from governance.auth.permissions import requires
from governance.database import unit_of_work
from governance.errors import DomainError, ValidationFailed
from governance.exports.csv_export import defuse
from governance.funding import budgets, pledge, suggestions
from governance.funding import services as funding
from governance.funding.forms import BudgetForm, DraftsForm
from governance.funding.models import FUNDING_KIND_LABELS
from governance.funding_core import fiscal
from governance.states import PAID_STATES
from governance.web.api_kit import attachment
from governance.web.helpers import apply_errors

bp = Blueprint("funding", __name__, url_prefix="/funding")
DEFAULT_AMOUNT, DEFAULT_TOP = 25_000, 5


def _bounded(name: str, default: int, low: int, high: int) -> tuple[int, str | None]:
    raw = request.args.get(name, "").strip().replace(",", "")
    if not raw:
        return default, None
    if not raw.isdigit() or not low <= int(raw) <= high:
        return default, f"{name.capitalize()}: a whole number from {low:,} to {high:,}."
    return int(raw), None


def _year() -> int:
    policy = policies.funding_policy()
    year, _ = _bounded("year", funding.current_fiscal_year(policy), 2000, 2100)
    return year


@bp.app_context_processor
def _funding_template_values():
    return {"funding_kind_labels": FUNDING_KIND_LABELS}


@bp.get("/")
@requires(may.read_funding)
def index():
    year = _year()
    budget = budgets.budget_of(year)
    form = BudgetForm(formdata=None, amount=f"{budget.amount.decimal}" if budget else "",
                      note=budget.note if budget else "")
    return _budget_page(year, form)


def _budget_page(year: int, form: BudgetForm, status: int = 200):
    policy = policies.funding_policy()
    return render_template("funding/budget.html", summary=budgets.summary(year, policy),
                           year=year, policy=policy,
                           year_label=fiscal.label(year, policy.fiscal_year_start_month),
                           form=form, pledge=pledge.summary(year, policy),
                           pledge_reminder=pledge.reminder(pledge.summary(year - 1, policy))
                           ), status


@bp.post("/budgets/<int:year>")
@requires(may.manage_funding)
def set_budget(year: int):
    """Saved, back to the page; refused, the page again with what was typed and why."""
    form = BudgetForm()
    if form.validate_on_submit():
        policy = policies.funding_policy()
        try:
            with unit_of_work():
                budgets.set_budget(current_user, year, form.amount.data, policy.currency,
                                   policy, note=form.note.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            flash(f"Budget for FY{year} saved.", "success")
            return redirect(url_for("funding.index", year=year))
    flash("Budget: please correct the marked fields.", "danger")
    return _budget_page(year, form, 422)


@bp.get("/suggestions")
@requires(may.read_funding)
def suggestions_page():
    policy = policies.funding_policy()
    amount, amount_error = _bounded("amount", DEFAULT_AMOUNT, 0, 10**12)
    top, top_error = _bounded("top", DEFAULT_TOP, 1, suggestions.MAX_TOP)
    ranked = suggestions.projects(policy)
    chosen = {p.purl: p.amount for p in suggestions.suggest(policy, amount, top)}
    year = funding.current_fiscal_year(policy)
    return render_template(
        "funding/suggestions.html", ranked=ranked, chosen=chosen, amount=amount, top=top,
        errors=[e for e in (amount_error, top_error) if e], policy=policy,
        labels=suggestions.signal_labels(policy), year=year,
        year_label=fiscal.label(year, policy.fiscal_year_start_month),
        allocated=sum(chosen.values()), drafts_form=DraftsForm(formdata=None))


@bp.post("/suggestions/drafts")
@requires(may.manage_funding)
def draft_suggestions():
    form = DraftsForm()
    if not form.validate_on_submit():
        flash("Give the amount to allocate and how many projects.", "danger")
        return redirect(url_for("funding.suggestions_page"))
    policy = policies.funding_policy()
    try:
        with unit_of_work():
            drafted = funding.draft_from_suggestions(
                current_user, policy, year=funding.current_fiscal_year(policy),
                amount=form.amount.data, top=form.top.data)
    except ValidationFailed as exc:
        flash(" ".join(exc.errors.values()), "danger")
        return redirect(url_for("funding.suggestions_page", amount=form.amount.data,
                                top=form.top.data))
    except DomainError as exc:
        flash(exc.message, "danger")
        return redirect(url_for("funding.suggestions_page"))
    flash(f"{len(drafted)} draft proposal{'s' if len(drafted) != 1 else ''} made: edit the "
          "amounts, then submit each for the office's approval.", "success")
    return redirect(url_for("funding.proposals", state="draft", drafted="1"))


@bp.get("/pledge")
@requires(may.read_funding)
def pledge_page():
    policy = policies.funding_policy()
    year = _year()
    result = pledge.summary(year, policy)
    return render_template("funding/pledge.html", pledge=result, year=year, policy=policy,
                           year_label=fiscal.label(year, policy.fiscal_year_start_month),
                           reminder=pledge.reminder(result))


@bp.get("/pledge/report.json")
@requires(may.read_funding)
def pledge_report():
    policy = policies.funding_policy()
    year = _year()
    with unit_of_work():
        pledge.record_download(current_user, year)
    return attachment(json.dumps(pledge.report(pledge.summary(year, policy), policy), indent=2),
                      f"open-source-pledge-FY{year}.json", "application/json")


CSV_COLUMNS = ("id", "title", "state", "kind", "beneficiary", "purl_or_foundation", "tier",
               "amount", "currency", "rate", "budget_amount", "budget_currency", "fiscal_year",
               "channel", "recurrence", "decided_on", "decided_by", "decision_reason",
               "override_reason", "payment_reference", "paid_on", "term_ends_on")


@bp.get("/export.csv")
@requires(may.read_funding)
def export_csv():
    """The year's decisions and payments: every proposal of the year that was decided."""
    year = _year()
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in funding.decided_in(year):
        writer.writerow([defuse(str(cell)) for cell in (
            p.id, p.title, p.state.value, p.funding_kind, p.beneficiary_name,
            p.purl or p.foundation_id, p.tier_id, f"{p.amount.decimal}", p.currency, p.rate,
            f"{p.budget_amount.decimal}", p.budget_currency, p.fiscal_year, p.channel,
            p.recurrence, p.decided_at.date().isoformat() if p.decided_at else "",
            p.decided_by.username if p.decided_by else "", p.decision_reason,
            p.override_reason, p.payment_reference if p.state in PAID_STATES else "",
            p.paid_on.isoformat() if p.paid_on else "",
            p.term_ends_on.isoformat() if p.term_ends_on else "")])
    return attachment(out.getvalue(), f"funding-FY{year}-{date.today()}.csv", "text/csv")
