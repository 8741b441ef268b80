"""Adoption requests: may this team use this package version, in this context?

init_app() registers the kind: its model, its decision rules (no approval without a license
verdict or the office's reason, a license the policy denies needs a waiver, a maturity review
where policies/clearing.yaml requires one; the verdict is recorded with every decision), its
page, its API (schema and endpoints), its demo data.
"""
from __future__ import annotations

from flask import Flask

from governance.adoption import api, demo, services, views
from governance.adoption.models import AdoptionRequest
from governance.adoption.schemas import AdoptionRequestSchema
from governance.license_review import services as license_review
from governance.maturity_review import services as maturity_review
from governance.scans.services import scan_succeeded
from governance.workflow import kinds


def _check_decision(request, step, inputs) -> dict[str, str]:
    # Nothing approved blind, a waiver for a deny, a maturity review where the office
    # requires one: every reason at once.
    return {**maturity_review.check_required(request, step, inputs),
            **license_review.check_decision(request, step, inputs)}


KIND = kinds.RequestKind(
    name="adoption", label="Adoption", model=AdoptionRequest,
    decision_rules=kinds.DecisionRules(check=_check_decision,
                                       record=license_review.record_decision,
                                       blocking=frozenset({license_review.WITHOUT_SCAN})),
    detail_endpoint="adoption.detail", render_detail=views.render_detail,
    reviews_license=True, api_schema=AdoptionRequestSchema, api_blueprint=api.blp,
    own_steps=frozenset({"recheck_approve", "supersede"}),
    load_demo=demo.load_demo)


def _learn_component_facts(scan) -> None:
    services.learn_component_facts(scan)


def init_app(app: Flask) -> None:
    kinds.register(app, KIND)
    scan_succeeded.connect(_learn_component_facts)
