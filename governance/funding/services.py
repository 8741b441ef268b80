"""Funding proposals: who is paid (a project of the inventory or a foundation of
policies/funding.yaml), how, how much, in which fiscal year; created and edited on the shared
workflow core (states, audit, optimistic locking)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from packageurl import PackageURL
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.database import db, get_by_id
from governance.errors import IllegalTransition, ValidationFailed
from governance.funding import suggestions
from governance.funding.models import (
    BENEFICIARY_TYPES,
    FUNDING_KIND_LABELS,
    FUNDING_KINDS,
    RECURRENCES,
    FundingProposal,
    missing_to_submit,
)
from governance.funding_core import fiscal
from governance.funding_core.money import (
    Money,
    MoneyError,
    check_currency,
    convert,
    parse,
    parse_rate,
)
from governance.rules.funding import FundingPolicy
from governance.states import EDITABLE_STATES, State
from governance.workflow import services as workflow

MAX_TITLE = 300


@dataclass
class ProposalInput:
    team_id: int | None = None
    title: str = ""
    purl: str = ""
    foundation_id: str = ""
    tier_id: str = ""
    funding_kind: str = "donation"
    amount: str = ""  # text, parsed exactly in `currency`
    currency: str = ""
    rate: str = ""  # budget currency per unit of `currency`; needed when they differ
    fiscal_year: int | None = None
    channel: str = ""
    recurrence: str = ""
    rationale: str = ""
    paid_to_employee: bool = False


def current_fiscal_year(policy: FundingPolicy, today: date | None = None) -> int:
    return fiscal.fiscal_year_of(today or date.today(), policy.fiscal_year_start_month)


def _project(purl_text: str, errors: dict, policy: FundingPolicy) -> tuple[str, str]:
    """(purl without a version, name) of a project of the approved inventory."""
    try:
        purl = PackageURL.from_string(purl_text.strip())
    except ValueError as exc:
        errors["purl"] = f"“{purl_text[:200]}” is not a package URL ({exc})."
        return "", ""
    project = PackageURL(type=purl.type, namespace=purl.namespace, name=purl.name)
    text = project.to_string()
    if policy.is_own_project(text):
        errors["purl"] = (f"{text} is a project the company controls itself "
                          "(policies/funding.yaml, own_projects): it is not funded this way.")
    elif not suggestions.in_inventory(project.type, project.namespace or "", project.name):
        errors["purl"] = (f"{text} is not in the approved inventory: fund a project the "
                          "company uses (see Funding suggestions).")
    return text, f"{project.namespace}/{project.name}" if project.namespace else project.name


def _amounts(data: ProposalInput, policy: FundingPolicy, errors: dict, fee: Money | None):
    """(amount, rate text, amount in the budget currency); a tier's fee when one is chosen."""
    if fee is not None and not (data.amount or "").strip():
        amount = fee
    else:
        try:
            currency = check_currency(data.currency or policy.currency)
        except MoneyError as exc:
            errors["currency"] = str(exc)
            return None, "1", None
        try:
            amount = parse(data.amount or "", currency) if (data.amount or "").strip() else \
                Money(0, currency)
        except MoneyError as exc:
            errors["amount"] = str(exc)
            return None, "1", None
    if amount.currency == policy.currency:
        return amount, "1", amount
    if not (data.rate or "").strip():
        errors["rate"] = (f"The budget is in {policy.currency}: give the rate, in "
                          f"{policy.currency} per {amount.currency}, that converts this amount.")
        return amount, "1", None
    try:
        rate = parse_rate(data.rate)
    except MoneyError as exc:
        errors["rate"] = str(exc)
        return amount, "1", None
    return amount, str(rate), convert(amount, policy.currency, rate)


def _validate(data: ProposalInput, actor: User, policy: FundingPolicy,
              submit: bool = False) -> dict:
    """The input, cleaned, as the model's fields; ValidationFailed with every problem at once
    (and what submitting needs too, when the form submits it)."""
    errors: dict[str, str] = {}
    team = get_by_id(Team, data.team_id) if data.team_id else None
    if team is None:
        errors["team"] = "Choose the team that proposes it."
    elif not actor.is_office and team.id not in actor.team_ids():
        errors["team"] = "You can only propose for one of your own teams."
    kind = data.funding_kind
    if kind not in FUNDING_KINDS:
        raise ValidationFailed({"funding_kind": f"Choose one of {', '.join(FUNDING_KINDS)}."})
    fields: dict = {"team": team, "funding_kind": kind, "purl": "", "foundation_id": "",
                    "tier_id": "", "paid_to_employee": bool(data.paid_to_employee)}
    fee = None
    foundation_id = (data.foundation_id or "").strip()
    if foundation_id:
        foundation = policy.foundation(foundation_id)
        if foundation is None:
            errors["foundation_id"] = (f"“{foundation_id[:50]}” is not a foundation of "
                                       "policies/funding.yaml; known: "
                                       f"{', '.join(f.id for f in policy.foundations)}.")
            fields["beneficiary_name"] = foundation_id[:300]
        else:
            fields["beneficiary_name"] = foundation.name
            tier = foundation.tier((data.tier_id or "").strip())
            if kind == "membership" and tier is None:
                errors["tier_id"] = (f"Choose the membership tier of {foundation.name}: "
                                     f"{', '.join(t.id for t in foundation.tiers)}.")
            elif tier is not None:
                fields["tier_id"], fee = tier.id, (tier.annual_fee if kind == "membership"
                                                   else None)
        fields.update(beneficiary_type="foundation", foundation_id=foundation_id)
        if (data.purl or "").strip():
            errors["purl"] = "Name either a project or a foundation, not both."
    elif (data.purl or "").strip():
        fields["purl"], fields["beneficiary_name"] = _project(data.purl, errors, policy)
        fields["beneficiary_type"] = "project"
        if kind == "membership":
            errors["funding_kind"] = "Memberships are of foundations: choose one."
    else:
        errors["purl"] = "Name the project (its package URL) or choose a foundation."
        fields.update(beneficiary_type=BENEFICIARY_TYPES[0], beneficiary_name="")
    amount, rate, budget = _amounts(data, policy, errors, fee)
    if amount is not None:
        fields.update(amount_minor=amount.minor, currency=amount.currency)
        if fee is not None and amount != fee:
            errors["amount"] = (f"The {fields['tier_id']} tier's fee is {fee}: a membership "
                                "takes its tier's fee (edit policies/funding.yaml when it "
                                "changes), or leave the amount empty.")
    fields.update(rate=rate, budget_currency=policy.currency,
                  budget_minor=budget.minor if budget is not None else 0)
    year = data.fiscal_year or current_fiscal_year(policy)
    if not 2000 <= year <= 2100:
        errors["fiscal_year"] = "Give the fiscal year, e.g. 2026."
    fields["fiscal_year"] = year
    channel = (data.channel or "").strip()
    found = policy.channel(channel) if channel else None
    if channel and found is None:
        errors["channel"] = (f"Choose one of {', '.join(c.id for c in policy.channels)}.")
    elif found is not None and found.card_only and kind in ("membership", "contract"):
        errors["channel"] = (f"{found.label} takes only cards; memberships and contracts are "
                             "invoiced: choose an invoice or bank transfer.")
    fields["channel"] = channel
    recurrence = (data.recurrence or "").strip() or (
        "once" if kind in ("donation", "contract") else "yearly")
    if recurrence not in RECURRENCES:
        errors["recurrence"] = f"Choose one of {', '.join(RECURRENCES)}."
    elif kind in ("donation", "contract") and recurrence != "once":
        errors["recurrence"] = (f"A {FUNDING_KIND_LABELS[kind].lower()} is paid once; a "
                                "recurring payment is a sponsorship.")
    elif kind in ("sponsorship", "membership") and recurrence == "once":
        errors["recurrence"] = "A sponsorship or membership recurs: monthly, quarterly or yearly."
    fields["recurrence"] = recurrence
    rationale = (data.rationale or "").strip()
    if len(rationale) > 20_000:
        errors["rationale"] = "The rationale is limited to 20,000 characters."
    fields["rationale"] = rationale
    if amount is not None and amount.minor <= 0 and (data.amount or "").strip():
        errors["amount"] = "The amount must be more than zero."
    title = (data.title or "").strip()[:MAX_TITLE]
    fields["title"] = title or (
        f"{FUNDING_KIND_LABELS[kind]}: {fields.get('beneficiary_name') or '?'}"
        f"{' (' + fields['tier_id'] + ')' if fields.get('tier_id') else ''}, "
        f"FY{year}")
    if submit:
        errors.update({k: v for k, v in missing_to_submit(fields).items() if k not in errors})
    if errors:
        raise ValidationFailed(errors)
    return fields


def create(actor: User, data: ProposalInput, policy: FundingPolicy, *, submit: bool = False,
           basis: dict | None = None) -> FundingProposal:
    fields = _validate(data, actor, policy, submit=submit)
    proposal = FundingProposal(requester=actor, answers=[], basis=basis or {}, **fields)
    return workflow.record_created(proposal, actor, submit=submit)


def update(proposal: FundingProposal, actor: User, data: ProposalInput, policy: FundingPolicy,
           *, expected_version: int | None = None, resubmit: bool = False) -> set[str]:
    may.edit_request.require(actor, proposal)
    workflow.check_version(proposal, expected_version)
    if proposal.state not in EDITABLE_STATES:
        raise IllegalTransition(f"A proposal that is {proposal.state.label.lower()} can no "
                                "longer be edited.")
    fields = _validate(data, actor, policy,
                       submit=resubmit or proposal.state != State.DRAFT)
    before = proposal.snapshot()
    for name, value in fields.items():
        setattr(proposal, name, value)
    return workflow.record_edit(proposal, actor, before)


def input_of(proposal: FundingProposal) -> ProposalInput:
    """The stored proposal as the input an edit starts from."""
    return ProposalInput(
        team_id=proposal.team_id, title=proposal.title, purl=proposal.purl,
        foundation_id=proposal.foundation_id, tier_id=proposal.tier_id,
        funding_kind=proposal.funding_kind, amount=f"{proposal.amount.decimal}",
        currency=proposal.currency, rate="" if not proposal.converted else proposal.rate,
        fiscal_year=proposal.fiscal_year, channel=proposal.channel,
        recurrence=proposal.recurrence, rationale=proposal.rationale,
        paid_to_employee=proposal.paid_to_employee)


@dataclass
class ListFilters:
    year: int | None = None
    states: list[str] | None = None
    funding_kinds: list[str] | None = None
    q: str = ""


def list_query(user: User, filters: ListFilters) -> Select:
    query = (select(FundingProposal).where(workflow.visible_to(user))
             .options(selectinload(FundingProposal.team),
                      selectinload(FundingProposal.requester)))
    if filters.year:
        query = query.where(FundingProposal.fiscal_year == filters.year)
    states = [s for s in filters.states or [] if s in {x.value for x in State}]
    if states:
        query = query.where(FundingProposal.state.in_([State(s) for s in states]))
    funding_kinds = [k for k in filters.funding_kinds or [] if k in FUNDING_KINDS]
    if funding_kinds:
        query = query.where(FundingProposal.funding_kind.in_(funding_kinds))
    if filters.q:
        like = f"%{filters.q.lower()}%"
        query = query.where(or_(func.lower(FundingProposal.title).like(like),
                                func.lower(FundingProposal.beneficiary_name).like(like),
                                func.lower(FundingProposal.purl).like(like),
                                func.lower(FundingProposal.foundation_id).like(like)))
    return query.order_by(FundingProposal.created_at.desc(), FundingProposal.id.desc())


def draft_from_suggestions(actor: User, policy: FundingPolicy, *, year: int, amount: int,
                           top: int) -> list[FundingProposal]:
    """"Allocate `amount` across the top `top`" as draft donations, one per project, each
    keeping the score and signals it was suggested on; the office edits them after."""
    may.manage_funding.require(actor)
    chosen = [p for p in suggestions.suggest(policy, amount, top) if p.amount > 0]
    if not chosen:
        raise ValidationFailed({"amount": "Nothing to draft: no project of the inventory gets "
                                          "an amount (is the amount below the minimum?)."})
    channel = next((c.id for c in policy.channels if not c.card_only), policy.channels[0].id)
    labels = suggestions.signal_labels(policy)
    drafted = []
    for project in chosen:
        why = "; ".join(f"{labels[k].lower()}: {v:g}" for k, v in project.signals.items() if v)
        drafted.append(create(actor, ProposalInput(
            team_id=project.main_team_id, purl=project.purl, funding_kind="donation",
            amount=str(project.amount), currency=policy.currency, fiscal_year=year,
            channel=channel, rationale=(f"Suggested from our own usage (score "
                                        f"{project.score:.2f}): {why}.")), policy,
            basis={"score": project.score, "signals": project.signals,
                   "suggested_amount": project.amount}))
    return drafted


def decided_in(year: int) -> list[FundingProposal]:
    """The year's proposals the office decided (approved, rejected, paid and after), for the
    CSV of the year's decisions and payments."""
    return list(db.session.scalars(
        select(FundingProposal).where(FundingProposal.fiscal_year == year,
                                      FundingProposal.decided_at.is_not(None))
        .options(selectinload(FundingProposal.decided_by))
        .order_by(FundingProposal.decided_at, FundingProposal.id)))
