"""CycloneDX SBOMs, JSON and XML, spec 1.0 to 1.7: the product and the components it contains.

`metadata.component` is the product itself: it becomes the document's subject and name, and
is not checked (nor are the components nested inside it, which are the product's own parts,
nor a component listing it again under its bom-ref).
Every other component is listed, nested ones flattened in document order. Tools listed under
`metadata.tools` and `services` are not components.

The parsed document is read directly rather than through cyclonedx-python-lib's
`Bom.from_json`: that takes over a second for a 1,000-component BOM, which the CI gate reads in
about 25 ms this way, and this reader needs a dozen of its fields.

Licenses: a component's `licenses` list holds SPDX expressions, SPDX ids and free-text names.
- Entries acknowledged as "concluded" (CycloneDX 1.6) are used only when there is no other
  entry, as SPDX's licenseDeclared is preferred to licenseConcluded.
- The expressions and ids become `license_expression`, joined with AND when there are several:
  the spec does not say how several entries combine, and AND is the reading that never hides
  an obligation (a dual license the document meant would be written as an OR expression).
- Names are not SPDX (cyclonedx-py writes the trove classifier "License :: OSI Approved :: BSD
  License" next to the id BSD-3-Clause), so they would make the expression unreadable; they are
  kept apart in `license_names`.
"""
from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from governance.sbom.fields import Fields, JsonObject
from governance.sbom.model import (
    SbomComponent,
    SbomDocument,
    WarningLog,
    join_expressions,
    make_component,
    no_license,
)

KNOWN_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
XML_NAMESPACE = re.compile(r"http://cyclonedx\.org/schema/bom/(\d+\.\d+)")

# (kind, value, acknowledgement): kind is "expression", "id" or "name".
LicenseEntry = tuple[str, str, str]


def is_cyclonedx_json(doc: JsonObject) -> bool:
    return str(doc.get("bomFormat", "")).strip().lower() == "cyclonedx"


def check_spec_version(spec_version: str, log: WarningLog) -> None:
    if not spec_version:
        log.add("The document does not state its CycloneDX version; it was read as "
                f"{KNOWN_VERSIONS[-1]}.")
    elif spec_version not in KNOWN_VERSIONS:
        log.add(f"CycloneDX {spec_version} is not a version this reader knows "
                f"({KNOWN_VERSIONS[0]} to {KNOWN_VERSIONS[-1]}); it was read as "
                f"{KNOWN_VERSIONS[-1]}.")


def choose_licenses(entries: list[LicenseEntry]) -> tuple[str | None, tuple[str, ...]]:
    """(license_expression, license_names) from a component's license entries."""
    if len(entries) == 1 and entries[0][0] != "name":  # nearly always: one id or expression
        return join_expressions([entries[0][1]]), ()
    stated = [e for e in entries if e[2] != "concluded"] or entries
    expression = join_expressions([value for kind, value, _ in stated if kind != "name"])
    names = tuple(dict.fromkeys(value for kind, value, _ in stated
                                if kind == "name" and not no_license(value)))
    return expression, names


def _without(subject: SbomComponent | None, components: list[SbomComponent]
             ) -> tuple[SbomComponent, ...]:
    """The components but the product itself, which some tools list again by its bom-ref."""
    if subject is None or not subject.ref:
        return tuple(components)
    return tuple(c for c in components if c.ref != subject.ref)


# JSON ----------------------------------------------------------------------------------------

def read_json(doc: JsonObject, log: WarningLog) -> SbomDocument:
    fields = Fields("CycloneDX")
    spec_version = fields.text(doc, "specVersion", "")
    check_spec_version(spec_version, log)
    subject = None
    metadata = fields.obj(doc, "metadata", "")
    if metadata is not None:
        product = fields.obj(metadata, "component", "metadata")
        if product is not None:
            subject = _json_component(product, "metadata.component", fields, log)
    components = []
    for top in fields.each_object(doc, "components", ""):
        # An explicit stack: nesting is bounded by the reader's depth limit, but no recursion.
        stack = [top]
        while stack:
            where, obj = stack.pop()
            components.append(_json_component(obj, where, fields, log))
            if "components" in obj:
                stack.extend(reversed(fields.objects(obj, "components", where)))
    return SbomDocument(format="cyclonedx-json", spec_version=spec_version,
                        name=subject.name if subject else "",
                        components=_without(subject, components), subject=subject)


_COMPONENT_FIELDS = ("name", "version", "purl", "bom-ref", "type", "group")
_LICENSE_FIELDS = ("acknowledgement", "id", "name")


def _json_component(obj: dict, where: str, fields: Fields, log: WarningLog) -> SbomComponent:
    entries: list[LicenseEntry] = []
    for path, entry in fields.objects(obj, "licenses", where):
        acknowledgement = fields.text(entry, "acknowledgement", path)
        if "expression" in entry:
            entries.append(("expression", fields.text(entry, "expression", path),
                            acknowledgement))
        license_ = fields.obj(entry, "license", path)
        if license_ is not None:
            own, id_, name = fields.strings(license_, _LICENSE_FIELDS, f"{path}.license")
            acknowledgement = own or acknowledgement
            if id_:
                entries.append(("id", id_, acknowledgement))
            elif name:
                entries.append(("name", name, acknowledgement))
    expression, names = choose_licenses(entries)
    name, version, purl, ref, type_, group = fields.strings(obj, _COMPONENT_FIELDS, where)
    return make_component(name=name, version=version, purl_text=purl,
                          license_expression=expression, ref=ref, type_=type_, group=group,
                          license_names=names, where=where, log=log)


# XML -----------------------------------------------------------------------------------------

def xml_spec_version(root: Element) -> str | None:
    """The spec version named by the root's namespace, or None if this is not a CycloneDX
    BOM."""
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") \
        else ("", "", root.tag)
    match = XML_NAMESPACE.fullmatch(namespace)
    if local != "bom" or match is None:
        return None
    return match.group(1)


def read_xml(root: Element, log: WarningLog) -> SbomDocument:
    spec_version = xml_spec_version(root) or ""
    check_spec_version(spec_version, log)
    q = _Names(root.tag.removesuffix("bom"))  # "{http://cyclonedx.org/schema/bom/1.6}"
    subject = None
    metadata = root.find(q("metadata"))
    if metadata is not None:
        product = metadata.find(q("component"))
        if product is not None:
            subject = _xml_component(product, "metadata.component", q, log)
    components = []
    stack = [(f"component {i + 1}", el) for i, el in _children(root, q, "components")][::-1]
    while stack:
        where, element = stack.pop()
        components.append(_xml_component(element, where, q, log))
        nested = [(f"{where}.{i + 1}", el) for i, el in _children(element, q, "components")]
        stack.extend(reversed(nested))
    return SbomDocument(format="cyclonedx-xml", spec_version=spec_version,
                        name=subject.name if subject else "",
                        components=_without(subject, components), subject=subject)


class _Names:
    """Qualified tag names in the document's CycloneDX namespace."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, local: str) -> str:
        return self.prefix + local


def _children(element: Element, q: _Names, list_tag: str) -> list[tuple[int, Element]]:
    found: list[Element] = []
    for container in element.findall(q(list_tag)):
        found.extend(container.findall(q("component")))
    return list(enumerate(found))


def _text(element: Element, q: _Names, tag: str) -> str:
    child = element.find(q(tag))
    return (child.text or "").strip() if child is not None else ""


def _xml_component(element: Element, where: str, q: _Names, log: WarningLog) -> SbomComponent:
    entries: list[LicenseEntry] = []
    for licenses in element.findall(q("licenses")):
        for entry in licenses:
            acknowledgement = entry.get("acknowledgement", "").strip()
            if entry.tag == q("expression"):
                entries.append(("expression", (entry.text or "").strip(), acknowledgement))
            elif entry.tag == q("license"):
                id_, name = _text(entry, q, "id"), _text(entry, q, "name")
                if id_:
                    entries.append(("id", id_, acknowledgement))
                elif name:
                    entries.append(("name", name, acknowledgement))
    expression, names = choose_licenses(entries)
    return make_component(
        name=_text(element, q, "name"), version=_text(element, q, "version"),
        purl_text=_text(element, q, "purl"),
        license_expression=expression, ref=element.get("bom-ref", "").strip(),
        type_=element.get("type", "").strip(), group=_text(element, q, "group"),
        license_names=names, where=where, log=log)
