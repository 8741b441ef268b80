"""/api/v1/funding-proposals: funding proposals for automation: list, create, read, edit, fire
a step (the shared ones, and record_payment, renew, end_funding). (Comments and events are the
shared /api/v1/requests/{id}/comments and /events.)"""
from __future__ import annotations

from flask_smorest import Blueprint

from governance import policies
from governance.database import db, unit_of_work
from governance.funding import services as funding
from governance.funding.models import FundingProposal
from governance.funding.schemas import (
    CreateFundingProposalSchema,
    FundingListArgsSchema,
    FundingProposalPageSchema,
    FundingProposalSchema,
    UpdateFundingProposalSchema,
)
from governance.web.api_kit import api_user, document_errors, page_of
from governance.workflow import services as workflow
from governance.workflow.api import fire, with_steps
from governance.workflow.schemas import TransitionSchema

blp = Blueprint("api_funding_proposals", __name__, url_prefix="/api/v1/funding-proposals",
                description="Funding proposals: donations, sponsorships, foundation "
                            "memberships and paid upstream work, against the year's budget")


def _get(request_id: int) -> FundingProposal:
    return workflow.get_for(api_user(), request_id, FundingProposal)


def _input(data: dict) -> funding.ProposalInput:
    return funding.ProposalInput(
        team_id=data["team"], title=data["title"], purl=data["purl"],
        foundation_id=data["foundation"], tier_id=data["tier"],
        funding_kind=data["funding_kind"], amount=data["amount"], currency=data["currency"],
        rate=data["rate"], fiscal_year=data["fiscal_year"], channel=data["channel"],
        recurrence=data["recurrence"], rationale=data["rationale"],
        paid_to_employee=data["paid_to_employee"])


@blp.get("")
@blp.arguments(FundingListArgsSchema, location="query")
@blp.response(200, FundingProposalPageSchema)
@document_errors(blp, 401, 422)
def list_proposals(args):
    """The funding proposals you can see, newest first, by fiscal year, state, kind and text."""
    filters = funding.ListFilters(year=args["year"], states=args["state"],
                                  funding_kinds=args["funding_kind"], q=args["q"])
    page = db.paginate(funding.list_query(api_user(), filters), page=args["page"],
                       per_page=args["per_page"], error_out=False)
    for item in page.items:
        with_steps(item)
    return page_of(page)


@blp.post("")
@blp.arguments(CreateFundingProposalSchema)
@blp.response(201, FundingProposalSchema)
@document_errors(blp, 401, 403, 422)
def create_proposal(data):
    """Propose paying a project of the inventory (`purl`) or a foundation (`foundation`, and
    a `tier` for a membership), as a draft or submitted at once (`submit: true`)."""
    with unit_of_work():
        item = funding.create(api_user(), _input(data), policies.funding_policy(),
                              submit=data["submit"])
    return with_steps(item)


@blp.get("/<int:request_id>")
@blp.response(200, FundingProposalSchema)
@document_errors(blp, 401, 404)
def get_proposal(request_id):
    """One proposal with its amounts, payment and term."""
    return with_steps(_get(request_id))


@blp.patch("/<int:request_id>")
@blp.arguments(UpdateFundingProposalSchema)
@blp.response(200, FundingProposalSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def update_proposal(data, request_id):
    """Edit a draft, submitted or changes-requested proposal. Send the `version` you read."""
    item = _get(request_id)
    with unit_of_work():
        funding.update(item, api_user(), _input(data), policies.funding_policy(),
                       expected_version=data["version"])
    return with_steps(item)


@blp.post("/<int:request_id>/transitions/<name>")
@blp.arguments(TransitionSchema)
@blp.response(200, FundingProposalSchema)
@document_errors(blp, 401, 403, 404, 409, 422)
def fire_transition(data, request_id, name):
    """Move the proposal: submit, resubmit, withdraw, start_review, approve,
    approve_with_conditions, reject, request_changes; then record_payment (`reference`,
    `paid_on`), and renew or end_funding once its renewal is due. An approval that would
    overspend the year's budget answers 409 naming what remains, unless `override_reason`
    says why."""
    return fire(FundingProposal, request_id, name, data)
