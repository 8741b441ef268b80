"""What the company uses: products, and the usages that approved requests make.

A usage is an approved adoption request that has not expired: this component version, used
by this team (in this product, if it names one) in this context. Its license is the declared
license of the request's latest finished scan, judged by the current policy.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from governance.adoption.models import AdoptionRequest
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.components.models import Component, Product
from governance.database import db, get_by_id
from governance.errors import NotFound, ValidationFailed
from governance.license_review.models import RecordedVerdict, Waiver
from governance.license_review.services import active_waivers, latest_recorded
from governance.license_review.verdicts import RequestVerdict, verdicts_for
from governance.licensing.policy import LicensePolicy
from governance.rules.request_rules import RequestRules
from governance.states import APPROVED_STATES

NO_LICENSE = "(no scan yet)"


# --- products ---------------------------------------------------------------------------------

def all_products() -> list[Product]:
    return list(db.session.scalars(select(Product).order_by(func.lower(Product.name))))


def get_product(product_id: int) -> Product:
    product = get_by_id(Product, product_id)
    if product is None:
        raise NotFound("No such product.")
    return product


def product_named(name: str) -> Product | None:
    return db.session.scalar(
        select(Product).where(func.lower(Product.name) == (name or "").strip().lower()))


def save_product(actor: User | None, product: Product | None, *, name: str, team_id: int | None,
                 usage_context: str, description: str, rules: RequestRules) -> Product:
    """Create or update a product; compliance and admins keep the list (actor None: the CLI)."""
    if actor is not None:
        may.manage_products.require(actor)
    name, description = (name or "").strip(), (description or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the product a name."
    elif len(name) > 120:
        errors["name"] = "Keep the name under 120 characters."
    else:
        clash = product_named(name)
        if clash is not None and clash is not product:
            errors["name"] = "A product with that name exists."
    team = get_by_id(Team, team_id)
    if team is None:
        errors["team"] = "Choose the team that owns the product."
    if rules.context(usage_context) is None:
        errors["usage_context"] = "Choose how the product uses what it contains."
    if len(description) > 5000:
        errors["description"] = "Keep the description under 5,000 characters."
    if errors:
        raise ValidationFailed(errors)
    created = product is None
    before = None if created else _snapshot(product)
    if created:
        product = Product()
        db.session.add(product)
    product.name, product.team, product.usage_context = name, team, usage_context
    product.description = description
    db.session.flush()
    audit.record(actor, "product", product.id,
                 "product_created" if created else "product_updated", summary=name,
                 before=before, after=_snapshot(product))
    return product


def _snapshot(product: Product) -> dict:
    return {"name": product.name, "team": product.team.name if product.team else None,
            "usage_context": product.usage_context, "description": product.description}


# --- usages -----------------------------------------------------------------------------------

@dataclass
class UsageFilters:
    product_id: int | None = None
    team_id: int | None = None
    context: str = ""
    q: str = ""


def usages_query(filters: UsageFilters, today: date | None = None):
    """Approved, unexpired adoption requests: the company's usages, by component name."""
    today = today or date.today()
    query = (select(AdoptionRequest).join(Component, AdoptionRequest.component_id == Component.id)
             .where(AdoptionRequest.state.in_(APPROVED_STATES),
                    or_(AdoptionRequest.approval_expires_on.is_(None),
                        AdoptionRequest.approval_expires_on >= today))
             # Everything the pages show of each usage, in a fixed number of statements.
             .options(contains_eager(AdoptionRequest.component),
                      selectinload(AdoptionRequest.scans), selectinload(AdoptionRequest.team),
                      selectinload(AdoptionRequest.product)))
    if filters.product_id:
        query = query.where(AdoptionRequest.product_id == filters.product_id)
    if filters.team_id:
        query = query.where(AdoptionRequest.team_id == filters.team_id)
    if filters.context:
        query = query.where(AdoptionRequest.usage_context == filters.context)
    if filters.q:
        like = f"%{filters.q.lower()}%"
        query = query.where(or_(func.lower(Component.name).like(like),
                                func.lower(Component.namespace).like(like)))
    return query.order_by(func.lower(Component.name), Component.version, AdoptionRequest.id)


@dataclass
class Usage:
    request: AdoptionRequest
    verdict: RequestVerdict
    # The active waiver that lets a deny through, and the verdict recorded with the approval
    # (its without_scan_reason says when the office approved with no verdict at all).
    waiver: Waiver | None = None
    recorded: RecordedVerdict | None = None

    @property
    def without_scan(self) -> bool:
        return bool(self.recorded and self.recorded.without_scan_reason)

    @property
    def license(self) -> str:
        return self.verdict.expression_spdx or NO_LICENSE

    @property
    def categories(self) -> list[str]:
        found = sorted({lic.get("category") or "Unknown" for lic in self.verdict.licenses
                        if lic.get("relied_on")})
        return found or ["Not scanned"]


def usages(filters: UsageFilters, policy: LicensePolicy) -> list[Usage]:
    """The usages with their stored verdicts, in a fixed number of queries."""
    requests = db.session.scalars(usages_query(filters)).all()
    verdicts = verdicts_for(requests, policy)
    recorded = latest_recorded(r.id for r in requests)
    denied = [r.id for r in requests if verdicts[r.id].verdict == "deny"]
    waivers = active_waivers(denied)
    return [Usage(r, verdicts[r.id],
                  next((w for w in waivers.get(r.id, ())
                        if w.covers(verdicts[r.id].context, verdicts[r.id].expression_spdx,
                                    date.today())), None),
                  recorded.get(r.id)) for r in requests]


@dataclass
class ComponentUse:
    """One package (all its versions) and who uses which version, for "who uses X?"."""

    name: str
    type: str
    versions: dict[str, list[Usage]] = field(default_factory=dict)


def by_component(items: list[Usage]) -> list[ComponentUse]:
    grouped: dict[tuple, ComponentUse] = {}
    for usage in items:
        component = usage.request.component
        key = (component.type, component.namespace, component.name)
        entry = grouped.setdefault(key, ComponentUse(component.full_name, component.type))
        entry.versions.setdefault(component.version or "—", []).append(usage)
    return list(grouped.values())


def license_mix(items: list[Usage]) -> dict[str, list[tuple[str, int]]]:
    """Counts of usages by license and by license category, largest first."""
    by_license = Counter(u.license for u in items)
    by_category = Counter(c for u in items for c in u.categories)
    return {"licenses": by_license.most_common(), "categories": by_category.most_common()}


def by_license(items: list[Usage]) -> dict[str, list[Usage]]:
    grouped: dict[str, list[Usage]] = defaultdict(list)
    for usage in items:
        grouped[usage.license].append(usage)
    return dict(sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def by_product(items: list[Usage]) -> list[tuple[Product | None, list[Usage]]]:
    """Usages per product, products by name, team-wide use (no product) last."""
    grouped: dict[int | None, list[Usage]] = defaultdict(list)
    for usage in items:
        grouped[usage.request.product_id].append(usage)
    named = sorted((k for k in grouped if k is not None),
                   key=lambda k: grouped[k][0].request.product.name.lower())
    order = named + ([None] if None in grouped else [])
    return [(grouped[k][0].request.product if k else None, grouped[k]) for k in order]
