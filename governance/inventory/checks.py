"""SBOMs checked against what the office approved: the import page and the CI gate.

Both read the document with governance.sbom, build an index of the company's adoption
requests (one query) and let governance.compliance classify each component.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from packageurl import PackageURL
from sqlalchemy import Text, cast, func, select
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table

from governance import policies
from governance.adoption import services as adoption
from governance.adoption.models import AdoptionRequest
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import Team, User
from governance.compliance import (
    PASSING,
    STATUSES,
    KnownRequest,
    RequestIndex,
    classify_each,
    gate,
)
from governance.components.models import Component, Product
from governance.database import db
from governance.errors import ValidationFailed
from governance.inventory.models import SbomImport, SbomImportComponent
from governance.inventory.services import product_named
from governance.licensing.policy import LicensePolicy
from governance.rules.request_rules import RequestRules
from governance.sbom import SbomError, component_key, match_key, read_sbom
from governance.states import State

MAX_DRAFTS = 200
INSERT_BATCH = 5000
# A Core insert: one executemany per batch, no ORM bookkeeping, no primary keys fetched back.
# Its columns untyped: no bind processing per value; `requests` goes in as JSON text already.
_ROWS = sa_table(SbomImportComponent.__tablename__,
                 *(sa_column(c.name) for c in SbomImportComponent.__table__.c if c.name != "id"))
COMPONENT_INSERT = _ROWS.insert()
_NONE = "[]"
# What the API gives of each (the explanation is the page's).
RESULT_COLUMNS = ("name", "version", "purl", "license", "status", "verdict", "reason",
                  "requests")


def build_index(product: Product | None = None, today: date | None = None) -> RequestIndex:
    """Every adoption request but withdrawn ones; with a product, the approvals that count
    for it: those naming it, and its team's requests that name no product.

    Only the columns the index needs are read (no ORM objects): the CI gate runs this on
    every build."""
    today = today or date.today()
    query = (select(AdoptionRequest.id, AdoptionRequest.title, AdoptionRequest.usage_context,
                    AdoptionRequest.state, AdoptionRequest.approval_expires_on,
                    Component.type, Component.namespace, Component.name, Component.version,
                    Team.name.label("team"), Product.name.label("product"))
             .join(Component, AdoptionRequest.component_id == Component.id)
             .join(Team, AdoptionRequest.team_id == Team.id)
             .outerjoin(Product, AdoptionRequest.product_id == Product.id)
             .where(AdoptionRequest.state != State.WITHDRAWN))
    if product is not None:
        query = query.where(
            (AdoptionRequest.product_id == product.id)
            | ((AdoptionRequest.product_id.is_(None))
               & (AdoptionRequest.team_id == product.team_id)))
    return RequestIndex(_known(row, today) for row in db.session.execute(query))


def _known(row, today: date) -> KnownRequest:
    name = f"{row.namespace}/{row.name}" if row.namespace else row.name
    purl = PackageURL(type=row.type, namespace=row.namespace or None, name=row.name,
                      version=row.version or None).to_string()
    return KnownRequest(
        request_id=row.id, title=row.title, match_key=match_key(purl),
        name_key=component_key(name, row.version or ""), context=row.usage_context,
        state=row.state.value,
        expired=bool(row.approval_expires_on and row.approval_expires_on < today),
        product=row.product, team=row.team)


def read(data: bytes, filename: str, max_bytes: int):
    """The SBOM, or ValidationFailed({"sbom": reason}) for anything unreadable or hostile."""
    try:
        return read_sbom(data, filename=filename, max_bytes=max_bytes)
    except SbomError as exc:
        raise ValidationFailed({"sbom": exc.reason}) from exc


def check_context(policy: LicensePolicy, context: str) -> None:
    if context not in policy.contexts:
        raise ValidationFailed({"context": f"Unknown usage context “{context}”; the policy's "
                                           f"are {', '.join(policy.contexts)}."})


def import_sbom(product: Product, actor: User, filename: str, data: bytes,
                policy: LicensePolicy, max_bytes: int) -> SbomImport:
    """Read a product's SBOM and keep each component's status as it is today."""
    return import_document(product, actor, filename, read(data, filename, max_bytes), policy)


def import_document(product: Product, actor: User, filename: str, document,
                    policy: LicensePolicy) -> SbomImport:
    may.check_sbom.require(actor, product)
    record = SbomImport(product=product, filename=(filename or "sbom")[:255],
                        format=document.format, spec_version=document.spec_version or "",
                        subject=(document.name or "")[:300], context=product.usage_context,
                        policy_digest=policy.digest, counts={},
                        warnings=list(document.warnings)[:100], imported_by=actor)
    db.session.add(record)
    db.session.flush()
    tally = dict.fromkeys(STATUSES, 0)
    rows = []
    # Classified and written a batch at a time: 100,000 components never sit in memory twice.
    for position, s in enumerate(classify_each(document, product.usage_context,
                                               build_index(product), policy,
                                               product=product.name,
                                               scope=policies.gate_scope())):
        tally[s.status] += 1
        rows.append({"import_id": record.id, "position": position, "name": s.component.name,
                     "version": s.component.version, "purl": s.component.purl,
                     "license": s.component.license_expression, "status": s.status,
                     "verdict": s.verdict, "explanation": s.explanation, "reason": s.reason,
                     "requests": json.dumps(s.requests) if s.requests else _NONE})
        if len(rows) == INSERT_BATCH:
            db.session.execute(COMPONENT_INSERT, rows)
            rows = []
    if rows:
        db.session.execute(COMPONENT_INSERT, rows)
    record.counts = {status: n for status, n in tally.items() if n}
    audit.record(actor, "product", product.id, "sbom_imported",
                 summary=f"{record.filename}: {record.total} components",
                 after={"import_id": record.id, "format": record.format,
                        "counts": record.counts})
    return record


def component_rows(record: SbomImport, *, status: str = "", q: str = ""):
    """The import's components in SBOM order, with a status and a search on name or purl."""
    query = (select(SbomImportComponent).where(SbomImportComponent.import_id == record.id)
             .order_by(SbomImportComponent.position))
    if status:
        query = query.where(SbomImportComponent.status == status)
    if q:
        query = query.where(
            func.lower(SbomImportComponent.name).contains(q.lower(), autoescape=True)
            | func.lower(SbomImportComponent.purl).contains(q.lower(), autoescape=True))
    return query


def verdict_of(record: SbomImport, shown: int = 10) -> dict:
    """What the gate would answer for this SBOM in its context: passed, how many fail and why
    (by status, with how many of the unknown ones the policy denies), the first failures."""
    failing = {s: n for s, n in record.counts.items() if s not in PASSING and n}
    denied = db.session.scalar(select(func.count(SbomImportComponent.id)).where(
        SbomImportComponent.import_id == record.id, SbomImportComponent.status == "unknown",
        SbomImportComponent.verdict == "deny")) if failing.get("unknown") else 0
    first = list(db.session.scalars(
        select(SbomImportComponent).where(SbomImportComponent.import_id == record.id,
                                          SbomImportComponent.status.in_(list(failing) or [""]))
        .order_by(SbomImportComponent.position).limit(shown)))
    return {"passed": not failing, "failed": sum(failing.values()), "by_status": failing,
            "denied": denied, "first": first}


def component_results(record: SbomImport) -> list[dict]:
    """Every component as the API gives it, in SBOM order."""
    return list(each_component_result(record.id))


def each_component_result(import_id: int) -> Iterator[dict]:
    """As component_results(), read a thousand rows at a time, without ORM objects (and
    without a JSON decoder for the many empty lists of request ids)."""
    table = SbomImportComponent.__table__
    columns = [table.c[name] for name in RESULT_COLUMNS[:-1]]
    query = (select(*columns, cast(table.c.requests, Text))
             .where(table.c.import_id == import_id)
             .order_by(table.c.position).execution_options(yield_per=1000))
    for row in db.session.execute(query):
        result = dict(zip(RESULT_COLUMNS, row))
        result["requests"] = [] if row[-1] == _NONE else json.loads(row[-1])
        yield result


def create_drafts(record: SbomImport, actor: User, indexes: list[int],
                  rules: RequestRules) -> list[AdoptionRequest]:
    """Draft adoption requests for the chosen unknown components, for the product's team."""
    product = record.product
    may.draft_for_product.require(actor, product)
    chosen = sorted(set(indexes))
    if not chosen:
        raise ValidationFailed({"components": "Tick the components to request."})
    if len(chosen) > MAX_DRAFTS:
        raise ValidationFailed({"components": f"At most {MAX_DRAFTS} drafts at a time."})
    found = {row.position: row for row in db.session.scalars(
        select(SbomImportComponent).where(SbomImportComponent.import_id == record.id,
                                          SbomImportComponent.position.in_(chosen)))}
    linking = rules.linking[0].id
    created = []
    for index in chosen:
        row = found.get(index)
        if row is None:
            raise ValidationFailed({"components": "That component is not in this SBOM."})
        if row.status != "unknown":
            raise ValidationFailed({"components": f"{row.name} {row.version} is "
                                                  f"{row.status.replace('_', ' ')}, not "
                                                  "unknown."})
        # Without a purl, a generic one is made from the name and version.
        created.append(adoption.create(actor, adoption.AdoptionInput(
            team_id=product.team_id, usage_context=record.context, linking=linking,
            purl=row.purl or "", type="generic", name=row.name or "",
            version=row.version or "", product_id=product.id,
            justification=f"Found in the SBOM of {product.name} ({record.filename}, check "
                          f"#{record.id}); license stated there: "
                          f"{row.license or 'none'}."), rules))
    return created


def run_gate(data: bytes, context: str, product_name: str | None, policy: LicensePolicy,
             max_bytes: int, filename: str = ""):
    """Pass or fail for a build's SBOM in `context`; with a product, against its approvals."""
    check_context(policy, context)
    product = None
    if product_name:
        product = product_named(product_name)
        if product is None:
            raise ValidationFailed({"product": f"No product named “{product_name}”."})
    document = read(data, filename, max_bytes)
    return gate(document, context, build_index(product), policy,
                product=product.name if product else None, scope=policies.gate_scope())

