"""/api/v1/funding: suggestions from the company's own usage (which projects it depends on most,
and an amount allocated across the top N)."""
from __future__ import annotations

from datetime import date

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from governance import policies
from governance.auth import permissions as may
from governance.funding import suggestions
from governance.funding_core.fiscal import fiscal_year_of
from governance.web.api_kit import api_user, document_errors

blp = Blueprint("api_funding", __name__, url_prefix="/api/v1/funding",
                description="Funding decisions: suggestions from the company's own usage")


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
