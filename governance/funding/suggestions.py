"""Which projects the company depends on most, and why: each project's signals read from the
approved inventory (teams, products, usage contexts, versions), from its latest scan's health
signals and from the upstream ledger (our contributions, our people's current roles), scored
as policies/funding.yaml says, and an amount allocated across the top N. The projects the
company controls itself are left out."""
from __future__ import annotations

from dataclasses import dataclass, field

from packageurl import PackageURL

from governance.components.models import Component
from governance.database import db
from governance.funding_core.allocation import allocate
from governance.funding_core.score import SignalRule, score
from governance.inventory.services import UsageFilters, usages_query
from governance.lifecycle import patches as local_patches
from governance.rules.funding import FundingPolicy
from governance.scans.services import latest_finished_scan
from governance.upstream import reports as upstream

MAX_TOP = 100


@dataclass
class Project:
    purl: str  # without a version: the project, all its versions
    name: str
    signals: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    amount: int = 0
    # The team with the most approved usages: the team a drafted proposal is made for.
    main_team_id: int | None = None

    def to_dict(self) -> dict:
        return {"project": self.name, "purl": self.purl, "score": self.score,
                "amount": self.amount, "signals": dict(self.signals)}


def _health(scan) -> dict[str, float]:
    """The scan's health signals as the score's 'need' signals (1 = the weakness is there)."""
    found = {h["id"]: h for h in ((scan.summary or {}).get("health") or [])} if scan else {}
    need = {}
    if "security_policy" in found:
        need["no_security_policy"] = 0.0 if found["security_policy"].get("found") else 1.0
    if "contributors" in found and isinstance(found["contributors"].get("value"), int):
        need["few_maintainers"] = 1.0 if found["contributors"]["value"] < 3 else 0.0
    if "commit_frequency" in found:
        need["low_activity"] = 0.0 if found["commit_frequency"].get("found") else 1.0
    return need


def projects(policy: FundingPolicy) -> list[Project]:
    """Every project of the approved inventory but the company's own, with its signals."""
    grouped: dict[tuple, dict] = {}
    for request in db.session.scalars(usages_query(UsageFilters())):
        component = request.component
        key = (component.type, component.namespace, component.name)
        entry = grouped.setdefault(key, {"teams": {}, "products": set(), "versions": set(),
                                         "contexts": 0.0, "scan": None})
        entry["teams"][request.team_id] = entry["teams"].get(request.team_id, 0) + 1
        if request.product_id:
            entry["products"].add(request.product_id)
        entry["versions"].add(component.version)
        entry["contexts"] += policy.context_weights.get(request.usage_context, 1.0)
        scan = latest_finished_scan(request)
        if scan is not None and (entry["scan"] is None or scan.id > entry["scan"].id):
            entry["scan"] = scan
    # One grouped query each for the upstream ledger, whatever the number of projects.
    contributions = upstream.contributions_by_project()
    community_roles = upstream.current_roles_by_project()
    carried = local_patches.active_by_project()
    found = []
    for (type_, namespace, name), entry in grouped.items():
        purl = PackageURL(type=type_, namespace=namespace or None, name=name).to_string()
        if policy.is_own_project(purl):
            continue
        signals = {"teams": float(len(entry["teams"])),
                   "products": float(len(entry["products"])),
                   "usage_contexts": entry["contexts"],
                   "approved_versions": float(len(entry["versions"])),
                   "local_patches": float(carried.get(purl, 0)),
                   "upstream_contributions": float(contributions.get(purl, 0)),
                   "community_roles": float(community_roles.get(purl, 0)),
                   **_health(entry["scan"])}
        wanted = {s.id for s in policy.signals}
        main_team = min(entry["teams"], key=lambda t: (-entry["teams"][t], t))
        found.append(Project(purl, f"{namespace}/{name}" if namespace else name,
                             {k: v for k, v in signals.items() if k in wanted},
                             main_team_id=main_team))
    rules = tuple(SignalRule(s.id, s.label, s.weight, s.threshold) for s in policy.signals)
    for project in found:
        project.score = score(project.signals, rules)
    return sorted(found, key=lambda p: (-p.score, p.purl))


def suggest(policy: FundingPolicy, amount: int, top: int) -> list[Project]:
    """The top `top` projects by score, `amount` (whole units of the budget currency)
    allocated across them; highest score first."""
    ranked = projects(policy)
    shares = {s.key: s.amount for s in allocate(
        amount, [(p.purl, p.score) for p in ranked], top=min(top, MAX_TOP),
        cap=policy.allocation_cap, minimum=policy.allocation_minimum)}
    chosen = [p for p in ranked if p.purl in shares]
    for project in chosen:
        project.amount = shares[project.purl]
    return chosen


def in_inventory(type_: str, namespace: str, name: str) -> bool:
    """Whether some version of the project is approved and in use."""
    query = usages_query(UsageFilters()).where(
        Component.type == type_, Component.namespace == namespace, Component.name == name)
    return db.session.scalars(query.limit(1)).first() is not None


def signal_labels(policy: FundingPolicy) -> dict[str, str]:
    return {s.id: s.label for s in policy.signals}
