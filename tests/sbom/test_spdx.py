"""SPDX JSON and tag-value: npm's output, pyspdxtools' tag-value, and what the spec allows."""
from __future__ import annotations

import json

import pytest
from spdx_tools.spdx.parser.error import SPDXParsingError
from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
from spdx_tools.spdx.parser.tagvalue.parser import Parser as TagValueParser

from governance.sbom import canonical_purl, read_sbom
from tests.sbom.conftest import NPM_EXPECTED


def spdx_json(*packages, relationships=(), describes=None, version="SPDX-2.3") -> bytes:
    doc = {"spdxVersion": version, "SPDXID": "SPDXRef-DOCUMENT", "name": "doc",
           "packages": list(packages), "relationships": list(relationships)}
    if describes is not None:
        doc["documentDescribes"] = describes
    return json.dumps(doc).encode()


def package(ref: str, **fields) -> dict:
    return {"SPDXID": f"SPDXRef-{ref}", "name": ref, "versionInfo": "1", **fields}


def describes(ref: str) -> dict:
    return {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
            "relatedSpdxElement": f"SPDXRef-{ref}"}


def assert_npm_packages(document, tag_value=False):
    components = {c.name: (c.purl, c.version, c.license_expression)
                  for c in document.components}
    expected = NPM_EXPECTED
    if tag_value:
        # pyspdxtools writes each expression back from its parse, without outer parentheses.
        expected = {name: (purl, version, license_.removeprefix("(").removesuffix(")"))
                    for name, (purl, version, license_) in NPM_EXPECTED.items()}
    assert components == expected
    assert document.subject.name == "demo-product"
    assert document.subject.purl == "pkg:npm/demo-product@1.2.3"
    assert document.name == "demo-product@1.2.3"
    assert document.spec_version == "2.3"
    assert document.warnings == ()


# npm and pyspdxtools ------------------------------------------------------------------------

def test_npm_spdx_json_lists_the_packages_and_the_described_project_as_subject(npm_offline):
    document = read_sbom(npm_offline["spdx"])

    assert document.format == "spdx-json"
    assert_npm_packages(document)
    assert {c.type for c in document.components} == {""}  # npm states no purpose for them
    assert document.subject.type == "library"
    assert document.components[0].ref.startswith("SPDXRef-Package-")


def test_pyspdxtools_tag_value_reads_the_same_as_the_json_it_came_from(npm_offline):
    document = read_sbom(npm_offline["tag-value"])

    assert document.format == "spdx-tag-value"
    assert_npm_packages(document, tag_value=True)
    assert [(c.ref, c.name, c.version, c.purl) for c in document.components] == \
        [(c.ref, c.name, c.version, c.purl) for c in read_sbom(npm_offline["spdx"]).components]


def test_the_tag_value_reader_agrees_with_spdx_tools_own_parser(npm_offline):
    theirs = TagValueParser().parse(npm_offline["tag-value"].decode())
    ours = read_sbom(npm_offline["tag-value"])

    def purl(pkg):
        return canonical_purl(next(ref.locator for ref in pkg.external_references
                                   if ref.reference_type == "purl"))

    assert {(p.spdx_id, p.name, p.version, purl(p)) for p in theirs.packages} == \
        {(c.ref, c.name, c.version, c.purl) for c in (ours.subject, *ours.components)}


def test_spdx_tools_refuses_npms_json_that_the_reader_accepts(npm_offline):
    # Why SPDX JSON is read here, not by spdx-tools: npm writes `created` with milliseconds.
    with pytest.raises(SPDXParsingError):
        JsonLikeDictParser().parse(json.loads(npm_offline["spdx"]))
    assert len(read_sbom(npm_offline["spdx"]).components) == len(NPM_EXPECTED)


def test_a_thousand_package_spdx_json_from_npm_is_read(npm_thousand):
    document = read_sbom(npm_thousand["spdx"])

    assert len(document.components) == 1000
    assert document.components[0].purl == "pkg:npm/pkg-0000@1.0.0"


@pytest.mark.network
def test_npm_spdx_of_a_real_install_in_json_and_tag_value(npm_registry):
    assert_npm_packages(read_sbom(npm_registry["spdx"]))
    assert_npm_packages(read_sbom(npm_registry["tag-value"]), tag_value=True)


# The root package ---------------------------------------------------------------------------

def test_the_package_named_by_document_describes_is_the_subject():
    document = read_sbom(spdx_json(package("app"), package("lib"), describes=["SPDXRef-app"],
                                   version="SPDX-2.2"))

    assert document.subject.name == "app"
    assert [c.name for c in document.components] == ["lib"]
    assert document.spec_version == "2.2"


def test_a_described_by_relationship_names_the_subject_too():
    document = read_sbom(spdx_json(package("lib"), package("app"), relationships=[
        {"spdxElementId": "SPDXRef-app", "relationshipType": "DESCRIBED_BY",
         "relatedSpdxElement": "SPDXRef-DOCUMENT"}]))

    assert document.subject.name == "app"
    assert [c.name for c in document.components] == ["lib"]


def test_a_document_describing_several_packages_checks_them_all_with_a_warning():
    document = read_sbom(spdx_json(package("a"), package("b"),
                                   relationships=[describes("a"), describes("b")]))

    assert document.subject is None
    assert [c.name for c in document.components] == ["a", "b"]
    assert "describes 2 packages" in document.warnings[0]


def test_a_document_describing_nothing_checks_every_package_with_a_warning():
    document = read_sbom(spdx_json(package("a")))

    assert document.subject is None and [c.name for c in document.components] == ["a"]
    assert "does not say which package it describes" in document.warnings[0]


# Licenses and purls -------------------------------------------------------------------------

@pytest.mark.parametrize(("declared", "concluded", "expected"), [
    ("MIT", "Apache-2.0", "MIT"),
    ("NOASSERTION", "Apache-2.0", "Apache-2.0"),
    (None, "LicenseRef-custom", "LicenseRef-custom"),
    ("NONE", "NOASSERTION", None),
    (None, None, None),
])
def test_the_declared_license_is_preferred_to_the_concluded_one(declared, concluded, expected):
    fields = {key: value for key, value in (("licenseDeclared", declared),
                                            ("licenseConcluded", concluded)) if value}
    data = spdx_json(package("app"), package("lib", **fields), relationships=[describes("app")])

    assert read_sbom(data).components[0].license_expression == expected


def test_a_purl_is_read_whatever_its_category_is_spelled():
    refs = [{"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
             "referenceLocator": "cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"},
            {"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
             "referenceLocator": "pkg:pypi/Typing_Extensions@4.12.2"}]
    data = spdx_json(package("app"), package("lib", externalRefs=refs),
                     relationships=[describes("app")])

    assert read_sbom(data).components[0].purl == "pkg:pypi/typing-extensions@4.12.2"


# Tag-value as tools write it ----------------------------------------------------------------

TAG_VALUE = """\
## A hand-made document in the shapes tools write
SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: product-1.0
DocumentComment: <text>Spans lines, and looks like tags:
PackageName: not-a-package
SPDXID: SPDXRef-not-a-package
</text>

PackageName: product
SPDXID: SPDXRef-product
PackageVersion: 1.0
PackageLicenseDeclared: NOASSERTION
PackageLicenseConcluded: NOASSERTION

PackageName: left-pad
SPDXID: SPDXRef-left-pad
PackageVersion: 1.3.0
PackageDescription: <text>one line</text>
PackageLicenseDeclared: WTFPL
ExternalRef: PACKAGE-MANAGER purl pkg:npm/left-pad@1.3.0
PrimaryPackagePurpose: LIBRARY
a line some tool wrapped badly

FileName: ./index.js
SPDXID: SPDXRef-file
PackageVersion: 9.9.9

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-product
"""


def test_tag_value_with_text_blocks_files_and_stray_lines_is_read():
    document = read_sbom(TAG_VALUE.replace("\n", "\r\n").encode())

    assert document.name == "product-1.0"
    assert document.subject.name == "product"
    (left_pad,) = document.components
    assert (left_pad.name, left_pad.version, left_pad.ref) == \
        ("left-pad", "1.3.0", "SPDXRef-left-pad")
    assert (left_pad.purl, left_pad.license_expression, left_pad.type) == \
        ("pkg:npm/left-pad@1.3.0", "WTFPL", "library")
    assert document.warnings == ("1 lines are not 'Tag: value' lines and were skipped.",)
