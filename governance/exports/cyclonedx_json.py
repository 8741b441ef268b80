"""The export as a CycloneDX 1.6 JSON BOM, built with cyclonedx-python-lib and validated
against the strict 1.6 schema.

metadata.component stands for the scope (the product, the team or the company) and depends on
every component. Licenses are the ones the office concluded (acknowledgement "concluded"),
in the same ids as the SPDX export (governance.exports.licenses):
- one license on the SPDX list: `{"license": {"id": "MIT"}}` (the schema allows only ids from
  its SPDX enumeration there);
- one license that is not (LicenseRef-scancode-…, a name scancode does not know):
  `{"license": {"name": "LicenseRef-scancode-public-domain"}}`, with scancode's LicenseDB page
  as url when scancode knows it;
- anything else (AND, OR, WITH): `{"expression": "…"}`, which may hold LicenseRef ids as any
  SPDX expression may.
Usages are component properties (`oss-governance:usage`), one per usage.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from datetime import timezone
from functools import lru_cache

from governance.exports.licenses import LICENSEDB_URL, spdx_license
from governance.exports.model import ExportComponent, ExportError, ExportInput, as_declared

PROPERTY_PREFIX = "oss-governance"
# An empty relative reference: a valid iri-reference that rfc3987-syntax checks in 3 ms.
_CHECKED_URL = ""
# RFC 3986: scheme "://" [userinfo "@"] reg-name [":" port] path-abempty ["?" query]
# ["#" fragment]. No IP literals, no non-ASCII: those go to the schema's own check.
_UNRESERVED_SUB_DELIMS = r"A-Za-z0-9\-._~!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED_SUB_DELIMS}:@]|{_PCT})"
_PLAIN_URI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+.-]*://(?:(?:[{_UNRESERVED_SUB_DELIMS}:]|{_PCT})*@)?"
    rf"(?:[{_UNRESERVED_SUB_DELIMS}]|{_PCT})*(?::[0-9]*)?(?:/{_PCHAR}*)*"
    rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?")


def build_cyclonedx(export: ExportInput) -> str:
    """The export as CycloneDX 1.6 JSON; ExportError when the input cannot make a valid BOM."""
    from cyclonedx.exception import CycloneDxException
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.tool import ToolRepository
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion

    scope = Component(name=export.scope.name, type=ComponentType.APPLICATION,
                      bom_ref=f"{PROPERTY_PREFIX}:{export.scope.kind}",
                      properties=[_property("scope", export.scope.kind)])
    tool = Component(name=export.tool_name, version=export.tool_version,
                     type=ComponentType.APPLICATION)
    bom = Bom(serial_number=export.document_uuid, metadata=BomMetaData(
        component=scope, tools=ToolRepository(components=[tool]),
        timestamp=export.created.astimezone(timezone.utc)))
    purls = Counter(c.purl for c in export.components if c.purl)
    components, labels = [], {}
    for index, component in enumerate(export.components, start=1):
        # A purl is the usual bom-ref; the same purl twice (or none) falls back to the position.
        ref = component.purl if purls[component.purl] == 1 else f"component-{index}"
        labels[ref] = component.label
        try:
            components.append(_component(component, ref))
        except (ValueError, TypeError, CycloneDxException) as exc:
            raise ExportError(f"component {component.label}: {exc}") from exc
    for component in components:
        bom.components.add(component)
    bom.register_dependency(scope, components)

    try:
        document = make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6) \
            .output_as_string(indent=2)
    except Exception as exc:  # noqa: BLE001 - whatever the library raises, the BOM failed
        raise ExportError(f"the CycloneDX BOM could not be written: {exc}") from exc
    _validate(document, labels)
    return document


def _validate(document: str, labels: dict[str, str]) -> None:
    """The strict 1.6 schema, with plain URLs checked by a regular expression first.

    jsonschema checks the schema's iri-reference format with rfc3987-syntax, whose parser takes
    25 to 65 ms for a typical URL: 50 s for 500 components. _PLAIN_URI accepts only a subset of
    RFC 3986 URIs (so of IRI references); a URL it accepts is swapped for a short one the
    schema checks quickly, and any other URL is left for the schema to check as it is.
    """
    data = json.loads(document)
    _swap_plain_urls(data)
    errors = _validator().validate_str(json.dumps(data), all_errors=True)
    if errors:
        raise ExportError("the CycloneDX BOM is not valid: " + "; ".join(
            f"{_where(list(e.data.absolute_path), data, labels)}: {e.data.message}"
            for e in errors))


def _where(path: list, data: dict, labels: dict[str, str]) -> str:
    """The component an error is in, and the path to the error."""
    where = "/".join(str(p) for p in path) or "document"
    if len(path) > 1 and path[0] == "components" and isinstance(path[1], int):
        ref = data["components"][path[1]].get("bom-ref")
        if ref in labels:
            return f"component {labels[ref]}: {where}"
    return where


def _swap_plain_urls(data) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "url" and isinstance(value, str) and _PLAIN_URI.fullmatch(value):
                data[key] = _CHECKED_URL
            else:
                _swap_plain_urls(value)
    elif isinstance(data, list):
        for item in data:
            _swap_plain_urls(item)


@lru_cache(maxsize=1)
def _validator():
    # Compiling the schema takes about half a second; a validator keeps no state between runs.
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    return JsonStrictValidator(SchemaVersion.V1_6)


def _property(name: str, value: str):
    from cyclonedx.model import Property

    return Property(name=f"{PROPERTY_PREFIX}:{name}", value=value)


def _component(component: ExportComponent, ref: str):
    from cyclonedx.model import (
        ExternalReference,
        ExternalReferenceType,
        HashAlgorithm,
        HashType,
        XsUri,
    )
    from cyclonedx.model.component import Component, ComponentEvidence, ComponentType
    from cyclonedx.model.contact import OrganizationalEntity
    from packageurl import PackageURL

    references = []
    if component.homepage_url:
        references.append(ExternalReference(type=ExternalReferenceType.WEBSITE,
                                            url=XsUri(component.homepage_url)))
    if component.download_url:
        references.append(ExternalReference(type=ExternalReferenceType.DISTRIBUTION,
                                            url=XsUri(component.download_url)))
    licenses, evidence = _licenses(component)
    return Component(
        pedigree=_pedigree(component),
        name=component.name, version=component.version, type=ComponentType.LIBRARY,
        bom_ref=ref,
        purl=PackageURL.from_string(component.purl) if component.purl else None,
        supplier=OrganizationalEntity(name=component.supplier) if component.supplier else None,
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=component.sha256)]
        if component.sha256 else None,
        licenses=licenses,
        evidence=ComponentEvidence(licenses=evidence) if evidence else None,
        copyright="\n".join(component.copyrights) or None,
        external_references=references,
        properties=[_property("usage", f"team {u.team}"
                              + (f", product {u.product}" if u.product else "")
                              + f" ({u.context}, {u.state})") for u in component.usages],
    )


def _pedigree(component: ExportComponent):
    """The company's local patches on the component: pedigree.patches of type unofficial."""
    if not component.patches:
        return None
    from cyclonedx.model import AttachedText, XsUri
    from cyclonedx.model.component import Diff, Patch, PatchClassification, Pedigree
    from cyclonedx.model.issue import IssueClassification, IssueType

    return Pedigree(patches=[Patch(
        type=PatchClassification.UNOFFICIAL,
        diff=Diff(text=AttachedText(content=p.diff_text) if p.diff_text else None,
                  url=XsUri(p.diff_url) if p.diff_url else None)
        if p.diff_text or p.diff_url else None,
        resolves=[IssueType(type=IssueClassification.DEFECT, name=p.title,
                            references=[XsUri(u) for u in p.resolves])])
        for p in component.patches])


def _licenses(component: ExportComponent) -> tuple[list, list]:
    """(licenses, evidence licenses): the concluded license with `acknowledgement: concluded`
    and the declared one with `declared`. CycloneDX takes either a list of single licenses or
    one expression: when both are single licenses, both go in `licenses`; otherwise the
    concluded (else the declared) goes there and the other in the component's evidence."""
    from cyclonedx.model.license import LicenseAcknowledgement

    concluded = _license_entry(component, LicenseAcknowledgement.CONCLUDED)
    declared = _license_entry(as_declared(component), LicenseAcknowledgement.DECLARED)
    found = [entry for entry in (concluded, declared) if entry is not None]
    if all(single for _, single in found):
        return [entry for entry, _ in found], []
    first, *rest = found
    return [first[0]], [entry for entry, _ in rest]


def _license_entry(component: ExportComponent, acknowledgement):
    """(the CycloneDX license, whether it is a single license) or None."""
    from cyclonedx.model import XsUri
    from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
    from cyclonedx.spdx import is_supported_id

    license_ = spdx_license(component)
    if license_ is None:
        return None
    if not license_.single:
        return LicenseExpression(license_.expression, acknowledgement=acknowledgement), False
    if is_supported_id(license_.expression):
        return DisjunctiveLicense(id=license_.expression, acknowledgement=acknowledgement), True
    ref = license_.refs[0] if license_.refs else None
    url = XsUri(LICENSEDB_URL.format(key=ref.scancode_key)) if ref and ref.scancode_key \
        else None
    return DisjunctiveLicense(name=license_.expression, url=url,
                              acknowledgement=acknowledgement), True
