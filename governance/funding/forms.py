"""The funding proposal form (a project of the inventory or a foundation with its tier, in one
list), the budget form and the "draft these" form of the suggestions."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from governance.funding.models import (
    FUNDING_KIND_HELP,
    FUNDING_KIND_LABELS,
    FUNDING_KINDS,
    RECURRENCES,
)
from governance.funding.services import ProposalInput
from governance.funding_core.money import MINOR_UNITS
from governance.rules.funding import FundingPolicy
from governance.web.forms import choices


def foundation_choices(policy: FundingPolicy) -> list:
    """One list of foundations and their tiers: "cncf" or "cncf/silver"."""
    pairs = [("", "— a project, not a foundation —")]
    for foundation in policy.foundations:
        pairs.append((foundation.id, f"{foundation.name} (no tier: a donation or sponsorship)"))
        pairs.extend((f"{foundation.id}/{tier.id}",
                      f"{foundation.name} — {tier.name} ({tier.annual_fee} a year)")
                     for tier in foundation.tiers)
    return choices(pairs)


class ProposalForm(FlaskForm):
    team = SelectField("Proposing team", coerce=int, validators=[DataRequired()])
    funding_kind = SelectField(
        "Kind", choices=choices((k, f"{FUNDING_KIND_LABELS[k]}: {FUNDING_KIND_HELP[k]}")
                                for k in FUNDING_KINDS), default="donation")
    purl = StringField("Project (package URL)", validators=[Optional(), Length(max=500)],
                       render_kw={"list": "inventory-projects", "autocomplete": "off"},
                       description="A project of the approved inventory, e.g. pkg:pypi/requests "
                                   "(a version is left out: the project is funded).")
    foundation_id = SelectField("Or a foundation", default="",
                                description="A membership picks its tier, and takes its fee.")
    amount = StringField("Amount", validators=[Optional(), Length(max=30)],
                         description="For the fiscal year (a recurring payment: the year's total)."
                                     " Leave empty for a membership: its tier's fee.")
    currency = SelectField("Currency", choices=choices((c, c) for c in sorted(MINOR_UNITS)))
    rate = StringField("Exchange rate", validators=[Optional(), Length(max=30)],
                       description="Only for another currency than the budget's: budget "
                                   "currency per unit, as the bank quotes it today.")
    fiscal_year = IntegerField("Fiscal year", validators=[Optional(), NumberRange(2000, 2100)])
    channel = SelectField("Paid through", default="")
    recurrence = SelectField("Recurrence", default="",
                             choices=choices([("", "— by kind —")] +
                                             [(r, r.capitalize()) for r in RECURRENCES]))
    rationale = TextAreaField("Rationale", validators=[Optional(), Length(max=20000)],
                              render_kw={"rows": 5},
                              description="How the company depends on it, or what it brings.")
    paid_to_employee = BooleanField("The money goes to one of our own employees",
                                    description="Left out of the Open Source Pledge.")
    title = StringField("Title", validators=[Optional(), Length(max=300)],
                        description="Optional: made from the kind, beneficiary and year.")
    lock_version = HiddenField()

    def to_input(self) -> ProposalInput:
        foundation, _, tier = (self.foundation_id.data or "").partition("/")
        return ProposalInput(
            team_id=self.team.data, title=self.title.data or "", purl=self.purl.data or "",
            foundation_id=foundation, tier_id=tier, funding_kind=self.funding_kind.data,
            amount=self.amount.data or "", currency=self.currency.data or "",
            rate=self.rate.data or "", fiscal_year=self.fiscal_year.data,
            channel=self.channel.data or "", recurrence=self.recurrence.data or "",
            rationale=self.rationale.data or "", paid_to_employee=bool(self.paid_to_employee.data))


def form_data_of(data: ProposalInput) -> dict:
    return {"team": data.team_id, "title": data.title, "purl": data.purl,
            "foundation_id": data.foundation_id + (f"/{data.tier_id}" if data.tier_id else ""),
            "funding_kind": data.funding_kind, "amount": data.amount, "currency": data.currency,
            "rate": data.rate, "fiscal_year": data.fiscal_year, "channel": data.channel,
            "recurrence": data.recurrence, "rationale": data.rationale,
            "paid_to_employee": data.paid_to_employee}


class BudgetForm(FlaskForm):
    amount = StringField("Budget", validators=[DataRequired("Give the budget."), Length(max=30)])
    note = StringField("Note", validators=[Optional(), Length(max=5000)],
                       description="Optional: where the figure comes from.")


class DraftsForm(FlaskForm):
    amount = IntegerField("Allocate", validators=[DataRequired(), NumberRange(1, 10**12)])
    top = IntegerField("Top", validators=[DataRequired(), NumberRange(1, 100)])
