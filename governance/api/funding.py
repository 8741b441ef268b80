"""/api/v1/funding: suggestions from the company's own usage (which projects it depends on most,
and an amount allocated across the top N, drafted as proposals in one step), the budget of each
fiscal year, the Open Source Pledge figure and its report."""
from __future__ import annotations

import json
from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from governance import policies
from governance.auth import permissions as may
from governance.database import unit_of_work
from governance.errors import NotFound
from governance.funding import budgets, pledge, suggestions
from governance.funding import services as funding
from governance.funding.schemas import (
    BudgetInputSchema,
    BudgetSchema,
    DraftsInputSchema,
    FundingProposalSchema,
    PledgeSchema,
    YearArgsSchema,
)
from governance.funding_core.fiscal import fiscal_year_of
from governance.web.api_kit import api_user, attachment, document_errors
from governance.workflow.api import with_steps

blp = Blueprint("api_funding", __name__, url_prefix="/api/v1/funding",
                description="Funding decisions: suggestions from the company's own usage, "
                            "budgets per fiscal year, the Open Source Pledge")


class SuggestionArgsSchema(Schema):
    year = fields.Int(load_default=None, allow_none=True, validate=validate.Range(2000, 2100),
                      metadata={"description": "Fiscal year (default: the current one)"})
    amount = fields.Int(required=True, validate=validate.Range(0, 10**12), metadata={
        "description": "Whole units of the budget currency to allocate"})
    top = fields.Int(load_default=5, validate=validate.Range(1, suggestions.MAX_TOP))


class SuggestionSchema(Schema):
    project = fields.Str()
    purl = fields.Str(metadata={"description": "The project: its purl without a version"})
    score = fields.Float(metadata={"description": "0 to 1, as policies/funding.yaml scores"})
    amount = fields.Int(metadata={"description": "Whole units of the budget currency"})
    signals = fields.Dict(keys=fields.Str(), values=fields.Float())


class SuggestionsSchema(Schema):
    year = fields.Int()
    currency = fields.Str()
    amount = fields.Int()
    suggestions = fields.List(fields.Nested(SuggestionSchema))


@blp.get("/suggestions")
@blp.arguments(SuggestionArgsSchema, location="query")
@blp.response(200, SuggestionsSchema)
@document_errors(blp, 401, 403, 422)
def get_suggestions(args):
    """The projects the company depends on most (highest score first), with the signals behind
    each score and `amount` allocated across the top `top` (cap and minimum from
    policies/funding.yaml)."""
    may.read_funding.require(api_user())
    policy = policies.funding_policy()
    year = args["year"] or fiscal_year_of(date.today(), policy.fiscal_year_start_month)
    chosen = suggestions.suggest(policy, args["amount"], args["top"])
    return {"year": year, "currency": policy.currency, "amount": args["amount"],
            "suggestions": [p.to_dict() for p in chosen]}


class DraftsSchema(Schema):
    proposals = fields.List(fields.Nested(FundingProposalSchema))


@blp.post("/suggestions/drafts")
@blp.arguments(DraftsInputSchema)
@blp.response(201, DraftsSchema)
@document_errors(blp, 401, 403, 422)
def draft_suggestions(data):
    """The office turns "allocate `amount` across the top `top`" into draft donations, one per
    project, each keeping the score and signals it was suggested on."""
    policy = policies.funding_policy()
    year = data["year"] or fiscal_year_of(date.today(), policy.fiscal_year_start_month)
    with unit_of_work():
        drafted = funding.draft_from_suggestions(api_user(), policy, year=year,
                                                 amount=data["amount"], top=data["top"])
    return {"proposals": [with_steps(item) for item in drafted]}


@blp.get("/budgets/<int:year>")
@blp.response(200, BudgetSchema)
@document_errors(blp, 401, 403, 404)
def get_budget(year):
    """The fiscal year's budget: amount, committed (approved, not yet paid), paid, remaining,
    by kind and by beneficiary, exact, in the budget currency."""
    may.read_funding.require(api_user())
    _check_year(year)
    return budgets.to_dict(budgets.summary(year, policies.funding_policy()))


@blp.put("/budgets/<int:year>")
@blp.arguments(BudgetInputSchema)
@blp.response(200, BudgetSchema)
@document_errors(blp, 401, 403, 404, 422)
def put_budget(data, year):
    """The office sets the fiscal year's budget (`amount`, `currency`: the budget currency)."""
    _check_year(year)
    policy = policies.funding_policy()
    with unit_of_work():
        budgets.set_budget(api_user(), year, data["amount"], data["currency"], policy,
                           note=data["note"])
    return budgets.to_dict(budgets.summary(year, policy))


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise NotFound("Fiscal years run from 2000 to 2100.")


def _pledge_year(args) -> int:
    policy = policies.funding_policy()
    return args["year"] or fiscal_year_of(date.today(), policy.fiscal_year_start_month)


@blp.get("/pledge")
@blp.arguments(YearArgsSchema, location="query")
@blp.response(200, PledgeSchema)
@document_errors(blp, 401, 403, 422)
def get_pledge(args):
    """The Open Source Pledge for a fiscal year: developers × the pledge per developer (USD)
    against what was paid to eligible projects and foundations, and what was left out, why."""
    may.read_funding.require(api_user())
    return pledge.to_dict(pledge.summary(_pledge_year(args), policies.funding_policy()))


@blp.get("/pledge/report")
@blp.arguments(YearArgsSchema, location="query")
@blp.response(200)
@document_errors(blp, 401, 403, 422)
def get_pledge_report(args):
    """The year's entry of the Pledge's report JSON (`year`, `dateYearEnding`,
    `averageNumberOfDevs`, `usdAmountPaid`, `monetaryPayments`, `url`), as a download."""
    may.read_funding.require(api_user())
    policy = policies.funding_policy()
    year = _pledge_year(args)
    with unit_of_work():
        pledge.record_download(api_user(), year)
    return attachment(json.dumps(pledge.report(pledge.summary(year, policy), policy), indent=2),
                      f"open-source-pledge-FY{year}.json", "application/json")

