"""The export as an SPDX 2.3 JSON document, built and validated with spdx-tools.

The document DESCRIBES one package for the scope (the product, the team or the company), which
CONTAINS one package per component. licenseConcluded is the license the office concluded (the
declared one when the scan agrees with it; NOASSERTION when nothing was concluded) and
licenseDeclared what the package's primary manifest declares. Every LicenseRef the document
uses is defined with its text (see governance.exports.licenses). The document is validated
before it is written; any message is a bug here or bad input, and fails the export with the
messages rather than shipping an SBOM that other tools would reject.
"""
from __future__ import annotations

import io
import re
from datetime import timezone

from governance.exports.licenses import LICENSEDB_URL, LicenseRef, spdx_license
from governance.exports.model import ExportComponent, ExportError, ExportInput, as_declared

SPDX_VERSION = "SPDX-2.3"
DOCUMENT_ID = "SPDXRef-DOCUMENT"
SCOPE_ID = "SPDXRef-Scope"
_NOT_ID_CHARS = re.compile(r"[^0-9A-Za-z.-]+")


def build_spdx(export: ExportInput) -> str:
    """The export as SPDX 2.3 JSON; ExportError when the input cannot make a valid document."""
    from spdx_tools.spdx.model import (
        CreationInfo,
        Document,
        ExtractedLicensingInfo,
        Relationship,
        RelationshipType,
    )
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
    from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

    creation = CreationInfo(
        spdx_version=SPDX_VERSION, spdx_id=DOCUMENT_ID,
        name=f"{export.tool_name} export: {export.scope.label}",
        document_namespace=document_namespace(export),
        creators=[_tool(export)],
        created=export.created.astimezone(timezone.utc).replace(tzinfo=None),
        creator_comment=f"The open-source components used by {export.scope.label}, with the "
                        "licenses concluded by the open-source program office.",
    )
    document = Document(creation, packages=[_scope_package(export)])
    document.relationships.append(Relationship(DOCUMENT_ID, RelationshipType.DESCRIBES,
                                               SCOPE_ID))
    refs: dict[str, LicenseRef] = {}
    labels = {SCOPE_ID: export.scope.label}
    for index, component in enumerate(export.components, start=1):
        spdx_id = f"SPDXRef-Package-{index}-{_NOT_ID_CHARS.sub('-', component.name)}"
        labels[spdx_id] = f"component {component.label}"
        document.packages.append(_package(spdx_id, component, refs))
        document.relationships.append(Relationship(SCOPE_ID, RelationshipType.CONTAINS,
                                                   spdx_id))
    for ref in sorted(refs.values(), key=lambda r: r.id):
        document.extracted_licensing_info.append(ExtractedLicensingInfo(
            license_id=ref.id, extracted_text=ref.text, license_name=ref.name,
            cross_references=[LICENSEDB_URL.format(key=ref.scancode_key)]
            if ref.scancode_key else [],
            comment=None if ref.scancode_key else "Not in scancode's license database."))

    messages = validate_full_spdx_document(document, SPDX_VERSION)
    if messages:
        raise ExportError("the SPDX document is not valid: " + "; ".join(
            f"{labels.get(m.context.spdx_id or m.context.parent_id, 'document')}: "
            f"{m.validation_message}" for m in messages))
    out = io.StringIO()
    write_document_to_stream(document, out, validate=False)
    return out.getvalue()


def document_namespace(export: ExportInput) -> str:
    """A namespace unique to this document (SPDX 2.3 §6.5), and the same for the same input."""
    name = _NOT_ID_CHARS.sub("-", export.scope.name).strip("-") or export.scope.kind
    return (f"{export.namespace_base.rstrip('/')}/{export.scope.kind}/{name}-"
            f"{export.document_uuid}")


def _tool(export: ExportInput):
    from spdx_tools.spdx.model import Actor, ActorType

    return Actor(ActorType.TOOL, f"{export.tool_name}-{export.tool_version}")


def _scope_package(export: ExportInput):
    from spdx_tools.spdx.model import Package, SpdxNoAssertion

    return Package(
        SCOPE_ID, export.scope.name, SpdxNoAssertion(), files_analyzed=False,
        license_concluded=SpdxNoAssertion(), license_declared=SpdxNoAssertion(),
        copyright_text=SpdxNoAssertion(),
        comment=f"Stands for {export.scope.label}: it contains every open-source component "
                f"the {export.scope.kind} uses.")


def _package(spdx_id: str, component: ExportComponent, refs: dict[str, LicenseRef]):
    from spdx_tools.spdx.model import (
        Actor,
        ActorType,
        Checksum,
        ChecksumAlgorithm,
        ExternalPackageRef,
        ExternalPackageRefCategory,
        Package,
        SpdxNoAssertion,
    )

    concluded = _license_expression(component, refs)
    declared = _license_expression(as_declared(component), refs)
    return Package(
        spdx_id, component.name, component.download_url or SpdxNoAssertion(),
        version=component.version,
        supplier=Actor(ActorType.ORGANIZATION, component.supplier) if component.supplier
        else None,
        files_analyzed=False,
        checksums=[Checksum(ChecksumAlgorithm.SHA256, component.sha256)]
        if component.sha256 else [],
        homepage=component.homepage_url,
        license_concluded=concluded, license_declared=declared,
        copyright_text="\n".join(component.copyrights) or SpdxNoAssertion(),
        external_references=[ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER,
                                                "purl", component.purl)]
        if component.purl else [],
        comment=_usages(component),
    )


def _license_expression(component: ExportComponent, refs: dict[str, LicenseRef]):
    from spdx_tools.common.spdx_licensing import spdx_licensing
    from spdx_tools.spdx.model import SpdxNoAssertion

    license_ = spdx_license(component)
    if license_ is None:
        return SpdxNoAssertion()
    for ref in license_.refs:
        refs.setdefault(ref.id, ref)
    return spdx_licensing.parse(license_.expression)


def _usages(component: ExportComponent) -> str | None:
    if not component.usages:
        return None
    return "Used by: " + "; ".join(
        f"team {u.team}" + (f", product {u.product}" if u.product else "")
        + f" ({u.context}, {u.state})" for u in component.usages)
