"""Funding pages: the projects the company depends on most, with the signals behind each score,
and an amount allocated across the top N."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from governance import policies
from governance.auth import permissions as may
from governance.auth.permissions import requires
from governance.funding import suggestions
from governance.funding_core import fiscal

bp = Blueprint("funding", __name__, url_prefix="/funding")
DEFAULT_AMOUNT, DEFAULT_TOP = 25_000, 5


def _bounded(name: str, default: int, low: int, high: int) -> tuple[int, str | None]:
    raw = request.args.get(name, "").strip().replace(",", "")
    if not raw:
        return default, None
    if not raw.isdigit() or not low <= int(raw) <= high:
        return default, f"{name.capitalize()}: a whole number from {low:,} to {high:,}."
    return int(raw), None


@bp.get("/suggestions")
@requires(may.read_funding)
def suggestions_page():
    policy = policies.funding_policy()
    amount, amount_error = _bounded("amount", DEFAULT_AMOUNT, 0, 10**12)
    top, top_error = _bounded("top", DEFAULT_TOP, 1, suggestions.MAX_TOP)
    ranked = suggestions.projects(policy)
    chosen = {p.purl: p.amount for p in suggestions.suggest(policy, amount, top)}
    year = fiscal.fiscal_year_of(date.today(), policy.fiscal_year_start_month)
    return render_template(
        "funding/suggestions.html", ranked=ranked, chosen=chosen, amount=amount, top=top,
        errors=[e for e in (amount_error, top_error) if e], policy=policy,
        labels=suggestions.signal_labels(policy),
        year_label=fiscal.label(year, policy.fiscal_year_start_month),
        allocated=sum(chosen.values()))
