"""Adoption requests: may this team use this package version, in this context?

init_app() registers the kind: its model, its decision rules (a license the policy denies
needs a waiver, and the verdict is recorded with every decision), its page, its API (schema
and endpoints), its demo data.
"""
from __future__ import annotations

from flask import Flask

from governance.adoption import api, demo, services, views
from governance.adoption.models import AdoptionRequest
from governance.adoption.schemas import AdoptionRequestSchema
from governance.license_review import services as license_review
from governance.scans.services import scan_succeeded
from governance.workflow import kinds

KIND = kinds.RequestKind(
    name="adoption", label="Adoption", model=AdoptionRequest,
    decision_rules=kinds.DecisionRules(check=license_review.check_decision,
                                       record=license_review.record_decision),
    detail_endpoint="adoption.detail", render_detail=views.render_detail,
    reviews_license=True, api_schema=AdoptionRequestSchema, api_blueprint=api.blp,
    load_demo=demo.load_demo)


def _learn_component_facts(scan) -> None:
    services.learn_component_facts(scan)


def init_app(app: Flask) -> None:
    kinds.register(app, KIND)
    scan_succeeded.connect(_learn_component_facts)
