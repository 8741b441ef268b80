"""GitHub organization requests: publish a repository, make one public, join the org, an
outside collaborator. Four request kinds on the workflow core, with the checks on the code to
publish (code_checks, run as a background task after the upload's scan) and provisioning on
approval (github_api, run as a background task).

init_app() registers the kinds, their decision rules, pages and API, and the two tasks.
"""
from __future__ import annotations

from flask import Flask

from governance import background
from governance.github_requests import api, checks, decisions, demo, provisioning, views
from governance.github_requests.models import KIND_LABELS, MODELS
from governance.github_requests.schemas import GitHubRequestSchema
from governance.scans.services import scan_succeeded
from governance.workflow import kinds

RULES = kinds.DecisionRules(check=decisions.check_decision, record=provisioning.freeze_plan,
                            blocking=decisions.BLOCKING)


def _checks_after_scan(scan) -> None:
    checks.on_scan_succeeded(scan)


def init_app(app: Flask) -> None:
    for position, (name, model) in enumerate(MODELS.items()):
        kinds.register(app, kinds.RequestKind(
            name=name, label=KIND_LABELS[name], model=model, decision_rules=RULES,
            detail_endpoint="github.detail", render_detail=views.render_detail,
            api_schema=GitHubRequestSchema, scans_source=False,
            # one blueprint serves the four kinds: registered with the first
            api_blueprint=api.blp if position == 0 else None,
            load_demo=demo.load_demo if position == 0 else None))
    scan_succeeded.connect(_checks_after_scan)
    background.register(app, checks.TASK, checks.run_checks, checks.waiting_runs)
    background.register(app, provisioning.TASK, provisioning.provision,
                        provisioning.waiting_requests)
