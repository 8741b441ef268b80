"""The office's rules as the app loaded them from policies/: the one way in to them.

init_app() loads every file at start-up and stops the app with the file, line and reason when
one is broken (never a half-loaded policy); everything else reads them through the accessors
below, never through app.extensions.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from governance.funding_core import money
from governance.licensing.expressions import categories as license_categories
from governance.licensing.expressions import lookup as lookup_license
from governance.licensing.policy import LicensePolicy, load_policy
from governance.rules.clearing import ClearingRules, load_clearing
from governance.rules.funding import FundingPolicy, load_funding_policy
from governance.rules.gate_scope import GateScope, load_gate_scope
from governance.rules.github import GitHubPolicy, load_github_policy
from governance.rules.lifecycle import LifecyclePolicy, load_lifecycle_policy
from governance.rules.maturity import MaturityCriteria, load_maturity
from governance.rules.request_rules import RequestRules, load_request_rules
from governance.rules.service_levels import ServiceLevels, load_service_levels

EXTENSION = "governance.policies"


@dataclass
class LoadedPolicies:
    rules: RequestRules  # usage contexts, linking options, the questions of each kind
    license_policy: LicensePolicy
    maturity: MaturityCriteria
    clearing: ClearingRules  # reason codes; where approvals need a maturity review
    gate_scope: GateScope  # what the CI gate leaves out
    github: GitHubPolicy  # governed orgs, outbound licenses, checks on code to publish
    funding: FundingPolicy  # budget currency, foundations, channels, usage score, allocation
    lifecycle: LifecyclePolicy  # update cadence and security-fix deadlines per criticality
    service_levels: ServiceLevels  # how soon the office answers, per request kind


def load(policies_dir: Path | str) -> LoadedPolicies:
    rules = load_request_rules(policies_dir)
    return LoadedPolicies(
        rules=rules,
        license_policy=load_policy(Path(policies_dir) / "license-policy.yaml",
                                   contexts=[c.id for c in rules.contexts]),
        maturity=load_maturity(Path(policies_dir) / "maturity.yaml"),
        clearing=load_clearing(Path(policies_dir) / "clearing.yaml", kinds=list(rules.questions),
                               contexts=[c.id for c in rules.contexts]),
        gate_scope=load_gate_scope(Path(policies_dir) / "gate.yaml"),
        github=load_github_policy(Path(policies_dir) / "github.yaml",
                                  categories=license_categories(), is_spdx_id=_is_spdx_id),
        funding=load_funding_policy(Path(policies_dir) / "funding.yaml",
                                    contexts=[c.id for c in rules.contexts],
                                    read_money=money.parse, check_currency=money.check_currency),
        lifecycle=load_lifecycle_policy(Path(policies_dir) / "lifecycle.yaml",
                                        contexts=[c.id for c in rules.contexts]),
        service_levels=load_service_levels(Path(policies_dir) / "service-levels.yaml"))


def _is_spdx_id(name: str) -> bool:
    found = lookup_license(name)
    return found.known and not found.is_exception and found.spdx.lower() == name.lower()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = load(app.config["POLICIES_DIR"])

    @app.context_processor
    def request_rules_for_templates():
        return {"rules": loaded(app).rules}


def loaded(app: Flask | None = None) -> LoadedPolicies:
    return (app or current_app).extensions[EXTENSION]


def request_rules() -> RequestRules:
    return loaded().rules


def license_policy() -> LicensePolicy:
    return loaded().license_policy


def maturity_criteria() -> MaturityCriteria:
    return loaded().maturity


def clearing_rules() -> ClearingRules:
    return loaded().clearing


def gate_scope() -> GateScope:
    return loaded().gate_scope


def github_policy() -> GitHubPolicy:
    return loaded().github


def funding_policy() -> FundingPolicy:
    return loaded().funding


def lifecycle_policy() -> LifecyclePolicy:
    return loaded().lifecycle


def service_levels() -> ServiceLevels:
    return loaded().service_levels
