"""SPDX 2.x SBOMs, JSON and tag-value: the package the document describes and the rest.

The subject: an SPDX document says what it describes (`documentDescribes`, or the relationships
`SPDXRef-DOCUMENT DESCRIBES x` and `x DESCRIBED_BY SPDXRef-DOCUMENT`). When it describes exactly
one package, that package is the product itself (npm's SBOM describes the project it was run
in): it becomes the subject and is not among the components, as CycloneDX's
`metadata.component` is not. When it describes several packages, or none, no package can be
told apart as the product, so every package is a component (with a warning saying so).

Licenses: `licenseDeclared` (what the package says of itself), else `licenseConcluded`;
NOASSERTION and NONE mean no license information. The purl is the first external reference
of type `purl`, whatever its category is spelled (PACKAGE-MANAGER in 2.3, PACKAGE_MANAGER in
2.2).

Both forms are read here rather than through spdx-tools' parsers, which reject what real tools
write: npm 11 puts milliseconds in `created`, and spdx-tools refuses the whole document for it.
They also build and validate the full model, every license expression against the SPDX list
(the tag-value parser takes 0.4 s for a four-package document). Tag-value is simple: `Tag:
value` lines, multi-line values between <text> and </text>; lines that are neither are counted
and skipped.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from governance.sbom.fields import Fields, JsonObject
from governance.sbom.keys import canonical_purl
from governance.sbom.model import (
    SbomComponent,
    SbomDocument,
    SbomError,
    WarningLog,
    make_component,
    no_license,
)

KNOWN_VERSIONS = ("2.2", "2.3")
DOCUMENT_REF = "SPDXRef-DOCUMENT"
TAG_VALUE_MARK = re.compile(r"^[ \t]*SPDXVersion[ \t]*:", re.MULTILINE)
_TAG = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
# Tags that open a section other than a package: what follows them is not the package's.
_OTHER_SECTIONS = frozenset({"FileName", "SnippetSPDXID", "LicenseID"})
_SUBJECT_RELATIONSHIPS = frozenset({"DESCRIBES", "DESCRIBED_BY"})


@dataclass
class _Package:
    where: str
    name: str = ""
    version: str = ""
    ref: str = ""
    purls: list[str] = field(default_factory=list)
    declared: str = ""
    concluded: str = ""
    purpose: str = ""


def is_spdx_json(doc: JsonObject) -> bool:
    version = doc.get("spdxVersion")
    return isinstance(version, str) and version.strip().upper().startswith("SPDX-")


def read_json(doc: JsonObject, log: WarningLog) -> SbomDocument:
    fields = Fields("SPDX")
    packages = []
    for where, obj in fields.each_object(doc, "packages", ""):
        package = _Package(
            where=where, name=fields.text(obj, "name", where),
            version=fields.text(obj, "versionInfo", where), ref=fields.text(obj, "SPDXID", where),
            declared=fields.text(obj, "licenseDeclared", where),
            concluded=fields.text(obj, "licenseConcluded", where),
            purpose=fields.text(obj, "primaryPackagePurpose", where))
        for ref_where, ref in fields.objects(obj, "externalRefs", where):
            if fields.text(ref, "referenceType", ref_where).lower() == "purl":
                package.purls.append(fields.text(ref, "referenceLocator", ref_where))
        packages.append(package)
    relationships = []
    for where, obj in fields.each_object(doc, "relationships", ""):
        relationship = (fields.text(obj, "spdxElementId", where),
                        fields.text(obj, "relationshipType", where),
                        fields.text(obj, "relatedSpdxElement", where))
        # Only these say what the document describes; npm writes one DEPENDS_ON per package.
        if relationship[1].upper() in _SUBJECT_RELATIONSHIPS:
            relationships.append(relationship)
    return _document(
        format_="spdx-json", version_text=fields.text(doc, "spdxVersion", ""),
        name=fields.text(doc, "name", ""), document_ref=fields.text(doc, "SPDXID", ""),
        packages=packages, describes=fields.texts(doc, "documentDescribes", ""),
        relationships=relationships, log=log)


def read_tag_value(text: str, log: WarningLog) -> SbomDocument:
    document = {"SPDXVersion": "", "DocumentName": "", "SPDXID": ""}
    packages: list[_Package] = []
    relationships = []
    in_document = True  # until the first package or file: the document's own tags
    package: _Package | None = None  # the package the tags read belong to, if any
    for line, tag, value in _tag_values(text, log):
        if tag == "PackageName":
            in_document = False
            package = _Package(where=f"the package on line {line}", name=value)
            packages.append(package)
        elif tag in _OTHER_SECTIONS:
            in_document, package = False, None
        elif tag == "Relationship":
            parts = value.split()
            if len(parts) >= 3:
                relationships.append((parts[0], parts[1], parts[2]))
        elif in_document and tag in document:
            document[tag] = document[tag] or value
        elif package is not None:
            _package_tag(package, tag, value)
    return _document(
        format_="spdx-tag-value", version_text=document["SPDXVersion"],
        name=document["DocumentName"], document_ref=document["SPDXID"], packages=packages,
        describes=[], relationships=relationships, log=log)


def _package_tag(package: _Package, tag: str, value: str) -> None:
    if tag == "SPDXID":
        package.ref = value
    elif tag == "PackageVersion":
        package.version = value
    elif tag == "PackageLicenseDeclared":
        package.declared = value
    elif tag == "PackageLicenseConcluded":
        package.concluded = value
    elif tag == "PrimaryPackagePurpose":
        package.purpose = value
    elif tag == "ExternalRef":
        parts = value.split()  # CATEGORY TYPE LOCATOR; a locator has no spaces
        if len(parts) >= 3 and parts[1].lower() == "purl":
            package.purls.append(parts[2])


def _tag_values(text: str, log: WarningLog) -> Iterator[tuple[int, str, str]]:
    """(line number, tag, value) for every `Tag: value` line; a <text> value may span lines."""
    lines = text.splitlines()
    skipped = 0
    index = 0
    while index < len(lines):
        line_number, line = index + 1, lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        tag, colon, value = line.partition(":")
        tag = tag.strip()
        if not colon or not _TAG.fullmatch(tag):
            skipped += 1
            continue
        value = value.strip()
        if value.startswith("<text>"):
            value = value.removeprefix("<text>")
            parts = []
            while "</text>" not in value:
                parts.append(value)
                if index >= len(lines):
                    raise SbomError(f"The SPDX tag-value SBOM is malformed: the <text> value of "
                                    f"{tag} on line {line_number} is never closed.")
                value = lines[index]
                index += 1
            parts.append(value[: value.index("</text>")])
            value = "\n".join(parts).strip()
        yield line_number, tag, value
    if skipped:
        log.add(f"{skipped} lines are not 'Tag: value' lines and were skipped.")


def _document(*, format_: str, version_text: str, name: str, document_ref: str,
              packages: list[_Package], describes: list[str],
              relationships: list[tuple[str, str, str]], log: WarningLog) -> SbomDocument:
    spec_version = version_text.strip().upper().removeprefix("SPDX-")
    if spec_version not in KNOWN_VERSIONS:
        log.add(f"SPDX {spec_version or '(no version)'} is not a version this reader knows "
                f"({', '.join(KNOWN_VERSIONS)}); it was read as {KNOWN_VERSIONS[-1]}.")
    document_ref = document_ref or DOCUMENT_REF
    described = list(describes)
    for element, relationship, related in relationships:
        relationship = relationship.upper()
        if relationship == "DESCRIBES" and element == document_ref:
            described.append(related)
        elif relationship == "DESCRIBED_BY" and related == document_ref:
            described.append(element)
    package_refs = {package.ref for package in packages}
    described = [ref for ref in dict.fromkeys(described) if ref in package_refs]
    subject_ref = described[0] if len(described) == 1 else None
    if packages and not described:
        log.add("The document does not say which package it describes; every package is read "
                "as a component.")
    elif len(described) > 1:
        log.add(f"The document describes {len(described)} packages, so none of them can be "
                "told apart as the product; every package is read as a component.")
    subject, components = None, []
    for package in packages:
        component = _component(package, log)
        if subject is None and package.ref == subject_ref:
            subject = component
        else:
            components.append(component)
    return SbomDocument(format=format_, spec_version=spec_version, name=name,
                        components=tuple(components), subject=subject)


def _component(package: _Package, log: WarningLog) -> SbomComponent:
    purls = package.purls
    # The first purl that reads, if there are several (parsing each once is the costly part).
    purl = (purls[0] if len(purls) == 1 else
            next((text for text in purls if canonical_purl(text)), purls[0] if purls else ""))
    license_ = next((text for text in (package.declared, package.concluded)
                     if not no_license(text)), None)
    return make_component(
        name=package.name, version=package.version, purl_text=purl, license_expression=license_,
        ref=package.ref, type_=package.purpose.lower().replace("_", "-"), where=package.where,
        log=log)
