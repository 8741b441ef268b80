"""How funding proposals, budgets and the Pledge read and are written in the API. Amounts are
exact decimal text in their currency ("12500.00"); on input, text or a JSON number."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from governance.database import MAX_ID
from governance.funding.models import FUNDING_KINDS, RECURRENCES
from governance.states import State
from governance.web.api_kit import InputSchema, PageSchema, StrictBool
from governance.workflow.schemas import RequestSchema


class AmountField(fields.Field):
    """An amount as text ("12,500.50") or a JSON number, kept as text for exact parsing."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError("Give the amount as text or a number, e.g. \"12500.00\".")
        return value if isinstance(value, str) else repr(value)


def _money(value) -> str:
    return f"{value.decimal}"


class FundingProposalSchema(RequestSchema):
    beneficiary_type = fields.Str(metadata={"description": "project | foundation"})
    purl = fields.Str(metadata={"description": "The project, without a version"})
    foundation_id = fields.Str()
    tier_id = fields.Str()
    beneficiary_name = fields.Str()
    funding_kind = fields.Str(metadata={"description": " | ".join(FUNDING_KINDS)})
    amount = fields.Function(lambda p: _money(p.amount))
    currency = fields.Str()
    rate = fields.Str(metadata={"description": "Budget currency per unit of `currency`"})
    budget_amount = fields.Function(lambda p: _money(p.budget_amount), metadata={
        "description": "The amount in the budget currency, at `rate`"})
    budget_currency = fields.Str()
    fiscal_year = fields.Int()
    channel = fields.Str()
    recurrence = fields.Str()
    rationale = fields.Str()
    paid_to_employee = fields.Bool()
    basis = fields.Dict(metadata={"description": "The suggestion it was drafted from: "
                                                 "{score, signals, suggested_amount}"})
    override_reason = fields.Str(metadata={"description": "Why it was approved beyond the "
                                                          "budget (empty when it fitted)"})
    payment_reference = fields.Str()
    paid_on = fields.Date(allow_none=True)
    term_ends_on = fields.Date(allow_none=True)
    renews = fields.Function(lambda p: p.renews_id)


class FundingProposalPageSchema(PageSchema):
    items = fields.List(fields.Nested(FundingProposalSchema))


class FundingListArgsSchema(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=100))
    year = fields.Int(load_default=None, validate=validate.Range(2000, 2100))
    state = fields.List(fields.Str(validate=validate.OneOf([s.value for s in State])),
                        load_default=list)
    funding_kind = fields.List(fields.Str(validate=validate.OneOf(FUNDING_KINDS)),
                               load_default=list)
    q = fields.Str(load_default="", validate=validate.Length(max=200))


class FundingInputSchema(InputSchema):
    team = fields.Int(required=True, validate=validate.Range(min=1, max=MAX_ID),
                      metadata={"description": "Internal team id; see GET /api/v1/me"})
    title = fields.Str(load_default="", validate=validate.Length(max=300))
    purl = fields.Str(load_default="", validate=validate.Length(max=500), metadata={
        "description": "A project of the inventory (any version; kept without one)"})
    foundation = fields.Str(load_default="", validate=validate.Length(max=50), metadata={
        "description": "A foundation id of policies/funding.yaml (instead of a purl)"})
    tier = fields.Str(load_default="", validate=validate.Length(max=50))
    funding_kind = fields.Str(required=True, validate=validate.OneOf(FUNDING_KINDS))
    amount = AmountField(load_default="", metadata={
        "description": "In `currency`; a membership takes its tier's fee when left out"})
    currency = fields.Str(load_default="", validate=validate.Length(max=3))
    rate = AmountField(load_default="", metadata={
        "description": "Budget currency per unit of `currency`, when they differ"})
    fiscal_year = fields.Int(load_default=None, validate=validate.Range(2000, 2100))
    channel = fields.Str(load_default="", validate=validate.Length(max=50))
    recurrence = fields.Str(load_default="", validate=validate.OneOf(("",) + RECURRENCES))
    rationale = fields.Str(load_default="", validate=validate.Length(max=20000))
    paid_to_employee = StrictBool(load_default=False)


class CreateFundingProposalSchema(FundingInputSchema):
    submit = StrictBool(load_default=False)


class UpdateFundingProposalSchema(FundingInputSchema):
    version = fields.Int(required=True)


class BudgetInputSchema(InputSchema):
    amount = AmountField(required=True)
    currency = fields.Str(required=True, validate=validate.Length(max=3))
    note = fields.Str(load_default="", validate=validate.Length(max=5000))


class MoneyLineSchema(Schema):
    committed = fields.Str()
    paid = fields.Str()


class BeneficiaryLineSchema(MoneyLineSchema):
    key = fields.Str(metadata={"description": "The project's purl or the foundation's id"})
    label = fields.Str()


class BudgetSchema(Schema):
    year = fields.Int()
    amount = fields.Str()
    currency = fields.Str()
    set = fields.Bool(metadata={"description": "False until the office sets the budget"})
    committed = fields.Str(metadata={"description": "Approved, not yet paid"})
    paid = fields.Str()
    remaining = fields.Str()
    by_kind = fields.Dict(keys=fields.Str(), values=fields.Nested(MoneyLineSchema))
    by_beneficiary = fields.List(fields.Nested(BeneficiaryLineSchema))


class ExclusionSchema(Schema):
    proposal = fields.Int()
    beneficiary = fields.Str()
    amount = fields.Str(allow_none=True)
    reason = fields.Str()


class PledgeSchema(Schema):
    year = fields.Int()
    developers = fields.Int(allow_none=True, metadata={
        "description": "Head count of the year (policies/funding.yaml); null when not set"})
    currency = fields.Str()
    target = fields.Str()
    paid = fields.Str()
    eligible_paid = fields.Str()
    met = fields.Bool()
    year_ends = fields.Str(metadata={"description": "The fiscal year's last day (ISO date)"})
    report_due = fields.Str(metadata={"description": "The report's due date (ISO date)"})
    excluded = fields.List(fields.Nested(ExclusionSchema))


class YearArgsSchema(Schema):
    year = fields.Int(load_default=None, validate=validate.Range(2000, 2100),
                      metadata={"description": "Fiscal year (default: the current one)"})


class DraftsInputSchema(InputSchema):
    year = fields.Int(load_default=None, validate=validate.Range(2000, 2100))
    amount = fields.Int(required=True, validate=validate.Range(1, 10**12), metadata={
        "description": "Whole units of the budget currency to allocate"})
    top = fields.Int(load_default=5, validate=validate.Range(1, 100))
