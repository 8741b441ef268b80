"""Importing OSV records and matching them against the inventory.

An import keeps each record (a modified one updates what was kept; the same one again changes
nothing), then matches the advisories it touched against every approved, unexpired version of
every component: a match opens a finding (in triage, its clock started at import), a finding
whose record no longer affects the version (modified, or withdrawn) is resolved, saying why.
The office triages findings; a not-affected analysis may hold until a day, then triage starts
again. Services flush; the caller commits."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from governance.advisories.models import (
    FINDING_STATE_LABELS,
    FINDING_STATES,
    OPEN_FINDING_STATES,
    Advisory,
    AdvisoryPackage,
    Finding,
)
from governance.advisories_core import osv
from governance.advisories_core.ecosystems import PURL_TYPES, normalised_name
from governance.advisories_core.matching import affects, fixed_above
from governance.audit import services as audit
from governance.auth import permissions as may
from governance.auth.models import User
from governance.components.models import Component
from governance.database import db, get_or_not_found, utcnow
from governance.errors import ValidationFailed
from governance.inventory.services import UsageFilters, usages_query

MAX_SKIPPED_LISTED = 200
MATCH_CHUNK = 500  # advisories whose findings are looked up at once


@dataclass
class ImportResult:
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    findings_opened: int = 0
    findings_resolved: int = 0

    def to_dict(self) -> dict:
        return {"read": self.read, "new": self.new, "updated": self.updated,
                "unchanged": self.unchanged, "skipped": len(self.skipped),
                "skipped_records": [{"record": w, "reason": r}
                                    for w, r in self.skipped[:MAX_SKIPPED_LISTED]],
                "findings_opened": self.findings_opened,
                "findings_resolved": self.findings_resolved}


def _keep(advisory: Advisory, parsed: osv.Advisory) -> None:
    database_specific = parsed.raw.get("database_specific")
    severity_name = (database_specific or {}).get("severity", "") \
        if isinstance(database_specific, dict) else ""
    advisory.modified, advisory.published = parsed.modified, parsed.published
    advisory.withdrawn = parsed.withdrawn
    advisory.aliases, advisory.summary = list(parsed.aliases), parsed.summary
    advisory.details, advisory.severity = parsed.details, list(parsed.severity)
    advisory.severity_name = str(severity_name)[:20] if isinstance(severity_name, str) else ""
    advisory.affected = [a.to_dict() for a in parsed.affected]
    advisory.references = list(parsed.references)
    keys = {a.key for a in parsed.affected if a.key is not None}
    advisory.packages = [AdvisoryPackage(purl_type=t, name_key=n[:500]) for t, n in sorted(keys)]


def _parsed(records, result: ImportResult):
    """The usable records, each once; the rest counted as skipped with the reason."""
    seen: set[str] = set()
    for where, record in records:
        result.read += 1
        if isinstance(record, osv.OsvError):
            result.skipped.append((where, str(record)))
            continue
        try:
            parsed = osv.parse(record)
        except osv.OsvError as exc:
            result.skipped.append((where, str(exc)))
            continue
        if parsed.id in seen:
            result.skipped.append((where, f"{parsed.id} appears twice in this import"))
            continue
        seen.add(parsed.id)
        yield parsed


def _batches(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_records(actor: User | None, records: Iterable[tuple[str, object]]) -> ImportResult:
    """Keep every usable record of `records` ((where, JSON value or OsvError) pairs), then
    match what changed; one audit event says what the import did. Records are looked up and
    written a batch at a time (an ecosystem's all.zip holds tens of thousands)."""
    if actor is not None:
        may.manage_advisories.require(actor)
    result, touched = ImportResult(), []
    for batch in _batches(_parsed(records, result), MATCH_CHUNK):
        kept = {a.osv_id: a for a in db.session.scalars(
            select(Advisory).where(Advisory.osv_id.in_([p.id for p in batch])))}
        for parsed in batch:
            existing = kept.get(parsed.id)
            if existing is not None and existing.modified == parsed.modified:
                result.unchanged += 1
                continue
            if existing is None:
                existing = Advisory(osv_id=parsed.id)
                db.session.add(existing)
                result.new += 1
            else:
                result.updated += 1
            _keep(existing, parsed)
            touched.append(existing)
        db.session.flush()
    db.session.flush()
    opened, resolved = match(touched)
    result.findings_opened, result.findings_resolved = opened, resolved
    audit.record(actor, "advisory_import", 0, "advisories_imported",
                 summary=f"Advisories: {result.new} new, {result.updated} updated, "
                         f"{result.unchanged} unchanged, {len(result.skipped)} skipped",
                 after={k: v for k, v in result.to_dict().items() if k != "skipped_records"})
    return result


def inventory_versions() -> dict[tuple[str, str], dict[int, Component]]:
    """Every approved, unexpired component version, by (purl type, normalised name)."""
    index: dict[tuple[str, str], dict[int, Component]] = {}
    for request in db.session.scalars(usages_query(UsageFilters())):
        component = request.component
        if component.type not in PURL_TYPES:
            continue
        key = (component.type, normalised_name(component.type, component.namespace,
                                               component.name))
        index.setdefault(key, {})[component.id] = component
    return index


def match(advisories: list[Advisory]) -> tuple[int, int]:
    """Open a finding for each inventory version an advisory affects; resolve the findings an
    advisory no longer affects. Returns (opened, resolved)."""
    if not advisories:
        return 0, 0
    index = inventory_versions()
    opened = resolved = 0
    for start in range(0, len(advisories), MATCH_CHUNK):
        chunk = advisories[start:start + MATCH_CHUNK]
        counts = _match_chunk(chunk, index)
        opened, resolved = opened + counts[0], resolved + counts[1]
    db.session.flush()
    return opened, resolved


def _match_chunk(advisories: list[Advisory], index) -> tuple[int, int]:
    existing = {(f.advisory_id, f.component_id): f for f in db.session.scalars(
        select(Finding).where(Finding.advisory_id.in_([a.id for a in advisories])))}
    opened = resolved = 0
    for advisory in advisories:
        hits: dict[int, list[str]] = {}
        if not advisory.withdrawn:
            for raw in advisory.affected:
                affected = osv.parse({"id": advisory.osv_id, "modified": advisory.modified,
                                      "affected": [_as_record(raw)]}).affected[0]
                for component in index.get(affected.key or ("", ""), {}).values():
                    if affects(affected, component.type, component.version):
                        fixed = fixed_above(affected, component.type, component.version)
                        hits.setdefault(component.id, []).extend(fixed)
        for component_id, fixed in hits.items():
            finding = existing.get((advisory.id, component_id))
            if finding is None:
                db.session.add(Finding(advisory_id=advisory.id, component_id=component_id,
                                       fixed=sorted(set(fixed), key=fixed.index),
                                       opened_at=advisory.imported_at or utcnow()))
                opened += 1
            else:
                finding.fixed = sorted(set(fixed), key=fixed.index)
        for (advisory_id, component_id), finding in existing.items():
            if advisory_id == advisory.id and component_id not in hits \
                    and finding.state != "resolved":
                why = ("the advisory was withdrawn" if advisory.withdrawn else
                       "the modified advisory no longer affects this version")
                _change(finding, None, "resolved", justification=why, until=None)
                resolved += 1
    return opened, resolved


def _as_record(raw: dict) -> dict:
    return {"package": {"ecosystem": raw["ecosystem"], "name": raw["name"],
                        "purl": raw.get("purl", "")},
            "ranges": raw.get("ranges", []), "versions": raw.get("versions", [])}


def match_component(component: Component) -> tuple[int, int]:
    """Match the advisories on one package against the inventory (a version was approved)."""
    if component.type not in PURL_TYPES:
        return 0, 0
    key = normalised_name(component.type, component.namespace, component.name)
    advisories = list(db.session.scalars(
        select(Advisory).join(AdvisoryPackage)
        .where(AdvisoryPackage.purl_type == component.type, AdvisoryPackage.name_key == key)))
    return match(advisories)


def rematch_all() -> tuple[int, int]:
    """Match every kept advisory again (after the inventory changed)."""
    return match(list(db.session.scalars(select(Advisory).options(
        selectinload(Advisory.packages)))))


def _change(finding: Finding, actor: User | None, state: str, *, justification: str,
            until: date | None) -> None:
    before = {"state": finding.state, "justification": finding.justification,
              "until": finding.not_affected_until.isoformat()
              if finding.not_affected_until else None}
    finding.state, finding.justification = state, justification
    finding.not_affected_until = until if state == "not_affected" else None
    finding.updated_by = actor
    finding.updated_at = utcnow()
    audit.record(actor, "finding", finding.id or 0, "finding_state_changed",
                 summary=f"{finding.advisory.osv_id if finding.advisory else 'Advisory'}: "
                         f"{FINDING_STATE_LABELS[state]}",
                 before=before, after={"state": state, "justification": justification,
                                       "until": until.isoformat() if until else None})


def set_state(finding: Finding, actor: User, state: str, *, justification: str = "",
              until: date | None = None, today: date | None = None) -> Finding:
    """The office's analysis of a finding; not_affected and false_positive say why."""
    may.manage_advisories.require(actor)
    today = today or date.today()
    justification = (justification or "").strip()
    errors = {}
    if state not in FINDING_STATES:
        errors["state"] = f"Choose one of {', '.join(FINDING_STATES)}."
    elif state in ("not_affected", "false_positive") and not justification:
        errors["justification"] = ("Say why the company is not affected (e.g. the vulnerable "
                                   "function is never called); it is kept on record.")
    if len(justification) > 5000:
        errors["justification"] = "The justification is limited to 5,000 characters."
    if until is not None and (state != "not_affected" or until <= today):
        errors["not_affected_until"] = ("Only a not-affected analysis takes an end date, "
                                        "and it must be in the future.")
    if errors:
        raise ValidationFailed(errors)
    _change(finding, actor, state, justification=justification, until=until)
    db.session.flush()
    return finding


def lapse_not_affected(today: date | None = None) -> list[Finding]:
    """Not-affected analyses whose day passed go back to triage (the app's own step)."""
    today = today or date.today()
    lapsed = db.session.scalars(select(Finding).where(
        Finding.state == "not_affected", Finding.not_affected_until.is_not(None),
        Finding.not_affected_until < today)).all()
    for finding in lapsed:
        _change(finding, None, "in_triage", justification=(
            f"The not-affected analysis held until {finding.not_affected_until.isoformat()}: "
            "triage it again."), until=None)
    db.session.flush()
    return list(lapsed)


def resolve_unused(component: Component, reason: str) -> list[Finding]:
    """The version left the inventory (its last use was updated): its open findings are
    resolved by the app, saying why."""
    if inventory_uses(component):
        return []
    found = db.session.scalars(select(Finding).where(
        Finding.component_id == component.id,
        Finding.state.in_(OPEN_FINDING_STATES))).all()
    for finding in found:
        _change(finding, None, "resolved", justification=reason, until=None)
    db.session.flush()
    return list(found)


def inventory_uses(component: Component) -> int:
    """How many approved, unexpired uses the version has."""
    return len(db.session.scalars(usages_query(UsageFilters()).where(
        Component.id == component.id)).all())


def get_finding(finding_id: int) -> Finding:
    return get_or_not_found(Finding, finding_id, "No such finding.")
