"""Exports of what a scope (the company, a team, a product) uses, in the industry's formats.

The data comes from the usages (inventory.services); the documents are built and checked by
the pure builders of governance.exports (spdx-tools, cyclonedx-python-lib, notice, CSV).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select

from governance.auth.models import Team
from governance.database import db
from governance.errors import ValidationFailed
from governance.exports import (
    ExportComponent,
    ExportError,
    ExportInput,
    ExportScope,
    ExportUsage,
    build_csv,
    build_cyclonedx,
    build_notice_html,
    build_notice_text,
    build_spdx,
    is_exportable_url,
)
from governance.inventory import services as inventory
from governance.license_review.verdicts import clearings
from governance.licensing.clearing import NO_CLEARING, Clearing
from governance.licensing.policy import LicensePolicy
from governance.scans.services import latest_finished_scan

TOOL_VERSION = "0.6"
# Where the exports read the local patches on each component version: a function of
# component ids -> {id: [ExportPatch]}, registered by the domain that keeps patches
# (governance.lifecycle), which sits above this one.
PATCH_SOURCES: list = []
# The statements most files carry first (the summary orders them so); a notice is read.
MAX_COPYRIGHTS = 50


@dataclass(frozen=True)
class Format:
    id: str
    label: str
    mimetype: str
    suffix: str
    build: object


FORMATS = {f.id: f for f in (
    Format("spdx-json", "SPDX 2.3 (JSON)", "application/spdx+json", ".spdx.json", build_spdx),
    Format("cyclonedx-json", "CycloneDX 1.6 (JSON)", "application/vnd.cyclonedx+json",
           ".cdx.json", build_cyclonedx),
    Format("notice-txt", "Notice (text)", "text/plain; charset=utf-8", "-NOTICE.txt",
           build_notice_text),
    Format("notice-html", "Notice (HTML)", "text/html; charset=utf-8", "-NOTICE.html",
           build_notice_html),
    Format("csv", "Inventory (CSV)", "text/csv; charset=utf-8", ".csv", build_csv),
)}


@dataclass(frozen=True)
class Export:
    content: str
    filename: str
    mimetype: str
    components: int
    # Stored values the formats could not take (a malformed link): left out, named here.
    warnings: tuple[str, ...] = ()

    def response_headers(self) -> dict[str, str]:
        """A download's headers; how many values were left out travels with it."""
        headers = {"Content-Disposition": f'attachment; filename="{self.filename}"'}
        if self.warnings:
            headers["X-Export-Warnings"] = str(len(self.warnings))
        return headers


def parse_scope(text: str) -> tuple[ExportScope, inventory.UsageFilters]:
    """`company`, `team:NAME` or `product:NAME` (names as written, any case)."""
    text = (text or "").strip()
    kind, _, name = text.partition(":")
    kind, name = kind.strip().lower(), name.strip()
    if kind == "company" and not name:
        return ExportScope("company", "Company"), inventory.UsageFilters()
    if kind == "team" and name:
        team = db.session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
        if team is None:
            raise ValidationFailed({"scope": f"No team named “{name}”."})
        return ExportScope("team", team.name), inventory.UsageFilters(team_id=team.id)
    if kind == "product" and name:
        product = inventory.product_named(name)
        if product is None:
            raise ValidationFailed({"scope": f"No product named “{name}”."})
        return ExportScope("product", product.name), inventory.UsageFilters(
            product_id=product.id)
    raise ValidationFailed({"scope": "Give the scope as company, team:NAME or product:NAME."})


def export_input(scope: ExportScope, filters: inventory.UsageFilters, policy: LicensePolicy,
                 namespace_base: str, created: datetime | None = None) -> ExportInput:
    """One ExportComponent per component version, with every usage of it in the scope."""
    grouped: dict[int, list[inventory.Usage]] = {}
    for usage in inventory.usages(filters, policy):
        grouped.setdefault(usage.request.component_id, []).append(usage)
    warnings: list[str] = []
    cleared = clearings(grouped)
    patches: dict[int, list] = {}
    for source in PATCH_SOURCES:
        for component_id, found in source(list(grouped)).items():
            patches.setdefault(component_id, []).extend(found)
    components = [_component(items, warnings, cleared.get(component_id, NO_CLEARING),
                             tuple(patches.get(component_id, ())))
                  for component_id, items in grouped.items()]
    return ExportInput(scope=scope, components=components,
                       created=created or datetime.now(timezone.utc).replace(microsecond=0),
                       tool_version=TOOL_VERSION, namespace_base=namespace_base), warnings


def _link(label: str, field: str, candidates, warnings: list[str]) -> str | None:
    """The first candidate the formats take; each malformed one is named in the warnings."""
    for url in candidates:
        if not url:
            continue
        if is_exportable_url(url):
            return url
        warnings.append(f"{label}: {field} {url!r} is not a valid link; left out")
    return None


def _licenses(verdict, summary: dict, clearing: Clearing) -> dict:
    """Concluded, declared and the option taken, as the formats write them. Without the
    office's conclusion the declared license counts as concluded only when no detection
    disagrees with it; otherwise nothing was concluded (NOASSERTION)."""
    holds = verdict.basis == "concluded" or (verdict.basis == "declared"
                                             and not verdict.findings)
    return {"license_expression_spdx": (verdict.expression_spdx or None) if holds else None,
            "license_declared_spdx": summary.get("declared_license_expression_spdx")
            or summary.get("declared_license_expression") or None,
            "license_option_spdx": clearing.option if verdict.basis == "concluded" else None}


def _component(items: list[inventory.Usage], warnings: list[str],
               clearing: Clearing = NO_CLEARING, patches: tuple = ()) -> ExportComponent:
    """The component as the formats see it. Stored data never stops an export: a value the
    formats refuse is left out and named in `warnings`."""
    first = items[0]
    component = first.request.component
    label = component.display_name
    scan = latest_finished_scan(first.request)
    summary = scan.summary if scan else {}
    obligations = sorted({o["id"] for u in items
                          for o in (u.verdict.evaluation or {}).get("obligations") or ()})
    holders = tuple(h["holder"] for h in summary.get("holders") or [] if h.get("holder"))
    copyrights = tuple(c["copyright"] for c in summary.get("copyrights") or []
                       if (c.get("copyright") or "").strip())
    usages = tuple(ExportUsage(team=u.request.team.name,
                               product=u.request.product.name if u.request.product else None,
                               context=u.request.usage_context,
                               state=u.request.state.value,
                               approved_on=u.request.decided_at.date()
                               if u.request.decided_at else None) for u in items)
    # The component's own fact first (registry metadata), then the approved requests' links.
    homepage = _link(label, "homepage", [component.homepage_url]
                     + [u.request.homepage_url for u in items], warnings)
    download = _link(label, "download address", [scan.source if scan else None], warnings) \
        if scan and "://" in (scan.source or "") else None
    try:
        return ExportComponent(
            name=component.full_name, version=component.version or None, purl=component.purl,
            **_licenses(first.verdict, summary or {}, clearing),
            copyrights=copyrights[:MAX_COPYRIGHTS], holders=holders[:50],
            homepage_url=homepage, download_url=download,
            sha256=scan.archive.sha256 if scan and scan.archive else None,
            obligations=tuple(obligations), usages=usages, patches=patches)
    except ExportError as exc:
        warnings.append(f"{label}: {exc}; exported with its name, version and purl only")
        return ExportComponent(name=component.full_name, version=component.version or None,
                               purl=component.purl, usages=usages)


def build(format_id: str, scope_text: str, policy: LicensePolicy, namespace_base: str) -> Export:
    fmt = FORMATS.get(format_id)
    if fmt is None:
        raise ValidationFailed({"format": f"Choose one of {', '.join(FORMATS)}."})
    scope, filters = parse_scope(scope_text)
    data, warnings = export_input(scope, filters, policy, namespace_base)
    try:
        content = fmt.build(data)
    except ExportError as exc:
        raise ValidationFailed({"format": f"The {fmt.label} export failed: {exc}"}) from exc
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", scope.name).strip("-") or "export"
    stamp = data.created.strftime("%Y%m%d")
    return Export(content, f"{scope.kind}-{slug}-{stamp}{fmt.suffix}", fmt.mimetype,
                  len(data.components), tuple(warnings))
