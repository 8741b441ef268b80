"""Funding decisions: which open-source projects the company pays and which foundations it
joins, from how much it depends on each (its own approved inventory): suggestions, proposals
(a request kind on the workflow core), the budget of each fiscal year, the Open Source Pledge.

init_app() registers the kind, its decision rules, pages and API.
"""
from __future__ import annotations

from flask import Flask

from governance.funding import api, decisions, demo, proposal_views
from governance.funding.models import KIND, FundingProposal
from governance.funding.schemas import FundingProposalSchema
from governance.workflow import kinds

RULES = kinds.DecisionRules(check=decisions.check, record=decisions.record,
                            blocking=decisions.BLOCKING, after=decisions.after)


def init_app(app: Flask) -> None:
    kinds.register(app, kinds.RequestKind(
        name=KIND, label="Funding proposal", model=FundingProposal, decision_rules=RULES,
        detail_endpoint="funding.detail", render_detail=proposal_views.render_detail,
        api_schema=FundingProposalSchema, api_blueprint=api.blp, scans_source=False,
        approvals_expire=False,
        own_steps=frozenset({"record_payment", "open_renewal", "renew", "end_funding"}),
        load_demo=demo.load_demo))
