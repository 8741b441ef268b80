"""SPDX 2.3 JSON: valid by spdx-tools' own parser and validator, and faithful to the input."""
from __future__ import annotations

import json

import pytest
from spdx_tools.spdx.model import RelationshipType, SpdxNoAssertion
from spdx_tools.spdx.parser.json import json_parser
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from governance.exports import ExportError, build_spdx
from governance.exports.spdx_json import SCOPE_ID
from tests.exports.conftest import (
    ALL,
    JAVAMAIL,
    NO_PURL,
    PUBLIC_DOMAIN,
    REQUESTS,
    UNKNOWN,
    component,
    export,
)


def parse(text: str, tmp_path):
    path = tmp_path / "export.spdx.json"
    path.write_text(text, encoding="utf-8")
    return json_parser.parse_from_file(str(path))


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    """The document of every sample component, built and parsed back once for this module."""
    return parse(build_spdx(export(ALL)), tmp_path_factory.mktemp("spdx"))


def packages(document) -> dict:
    return {p.name: p for p in document.packages if p.spdx_id != SCOPE_ID}


def test_document_parses_back_and_validates_with_no_message(document):
    assert validate_full_spdx_document(document, "SPDX-2.3") == []
    assert len(document.packages) == len(ALL) + 1
    purls = {p.name: [r.locator for r in p.external_references if r.reference_type == "purl"]
             for p in document.packages}
    assert purls["requests"] == ["pkg:pypi/requests@2.32.3"]
    assert purls[NO_PURL.name] == []
    assert sorted(sum(purls.values(), [])) == sorted(c.purl for c in ALL if c.purl)


def test_scope_package_is_described_and_contains_every_component(document):
    relations = {(r.spdx_element_id, r.relationship_type, r.related_spdx_element_id)
                 for r in document.relationships}
    assert ("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, SCOPE_ID) in relations
    contained = {r[2] for r in relations if r[0] == SCOPE_ID and r[1] == RelationshipType.CONTAINS}
    assert contained == {p.spdx_id for p in document.packages} - {SCOPE_ID}
    scope = next(p for p in document.packages if p.spdx_id == SCOPE_ID)
    assert scope.name == "Checkout"
    assert document.creation_info.name == "OSS Governance export: product Checkout"


def test_package_fields_round_trip(document):
    requests = packages(document)["requests"]

    assert requests.version == "2.32.3"
    assert str(requests.license_declared) == "Apache-2.0"
    assert str(requests.license_concluded) == "Apache-2.0"
    assert requests.copyright_text == "Copyright 2019 Kenneth Reitz"
    assert requests.download_location == REQUESTS.download_url
    assert requests.homepage == REQUESTS.homepage_url
    assert [c.value for c in requests.checksums] == [REQUESTS.sha256]
    assert requests.supplier.name == "Python Software Foundation"
    assert "team Payments, product Checkout (distributed, approved)" in requests.comment


def test_expressions_with_exceptions_and_choices_keep_their_spdx_ids(document):
    found = packages(document)

    assert str(found[JAVAMAIL.name].license_declared) == \
        "GPL-2.0-only WITH Classpath-exception-2.0"
    assert str(found["dual-licensed"].license_declared) == "MIT OR GPL-3.0-or-later"
    assert str(found["urllib3"].license_declared) == "MIT"  # written as the scancode key mit


def test_every_license_ref_is_defined_with_its_text(document):
    found = packages(document)
    extracted = {e.license_id: e for e in document.extracted_licensing_info}

    assert str(found[PUBLIC_DOMAIN.name].license_declared) == "LicenseRef-scancode-public-domain"
    assert str(found[UNKNOWN.name].license_declared) == \
        "LicenseRef-Example-Custom-1.0 AND BSD-3-Clause"
    assert set(extracted) == {"LicenseRef-scancode-public-domain", "LicenseRef-Example-Custom-1.0"}
    assert "public-domain" in extracted["LicenseRef-scancode-public-domain"].extracted_text
    assert "does not know" in extracted["LicenseRef-Example-Custom-1.0"].extracted_text
    assert extracted["LicenseRef-Example-Custom-1.0"].license_name == "Example-Custom-1.0"


def test_a_scancode_license_ref_carries_scancode_text(tmp_path):
    document = parse(build_spdx(export([component(
        license_expression_spdx="LicenseRef-scancode-gemma-pup-2024-02-21")])), tmp_path)

    [extracted] = document.extracted_licensing_info
    assert extracted.extracted_text.startswith("Gemma Prohibited Use Policy")
    assert extracted.cross_references == [
        "https://scancode-licensedb.aboutcode.org/gemma-pup-2024-02-21.html"]


def test_unicode_and_markup_in_copyrights_round_trip(document):
    found = packages(document)

    assert found[NO_PURL.name].copyright_text == NO_PURL.copyrights[0]
    assert found[NO_PURL.name].version is None  # "" is no version


def test_missing_facts_are_noassertion(document):
    mystery = packages(document)["mystery"]

    assert mystery.license_declared == SpdxNoAssertion()
    assert mystery.copyright_text == SpdxNoAssertion()
    assert mystery.download_location == SpdxNoAssertion()
    assert mystery.checksums == []


def test_empty_export_is_a_valid_document(empty_export, tmp_path):
    document = parse(build_spdx(empty_export), tmp_path)

    assert validate_full_spdx_document(document, "SPDX-2.3") == []
    assert [p.spdx_id for p in document.packages] == [SCOPE_ID]


def test_namespace_is_unique_per_export_and_stable_for_the_same_input(full_export):
    first = json.loads(build_spdx(full_export))["documentNamespace"]

    assert json.loads(build_spdx(full_export))["documentNamespace"] == first
    assert first.startswith("https://oss.example.com/spdx/product/Checkout-")
    other = json.loads(build_spdx(export(ALL[:2])))["documentNamespace"]
    assert other != first


def test_an_unreadable_expression_is_an_export_error_naming_the_component():
    with pytest.raises(ExportError, match=r"component broken 2\.0: cannot read 'MIT OR \(' "):
        build_spdx(export([component("broken", "2.0", license_expression_spdx="MIT OR (")]))


def test_a_location_spdx_rejects_is_an_export_error_naming_the_component():
    # An absolute URL, but SPDX 2.3's download location pattern wants a dotted host name.
    bad = component("local", "1", download_url="http://localhost:8080/local-1.tgz")

    with pytest.raises(ExportError, match=r"SPDX document is not valid: component local 1: "
                                          r"package download_location must be a valid URL"):
        build_spdx(export([bad]))


def test_concluded_and_declared_are_written_apart(tmp_path):
    document = parse(build_spdx(export([
        component("typing-extensions", "4.15.0", license_expression_spdx="PSF-2.0",
                  license_declared_spdx="PSF-2.0",
                  copyrights=("Copyright (c) 2001-2024 Python Software Foundation",)),
        component("unconcluded", license_expression_spdx=None,
                  license_declared_spdx="MIT OR GPL-3.0-or-later"),
        component("undeclared", license_expression_spdx="Zlib",
                  license_declared_spdx=None)])), tmp_path)
    assert validate_full_spdx_document(document, "SPDX-2.3") == []
    found = packages(document)
    assert str(found["typing-extensions"].license_concluded) == "PSF-2.0"
    assert str(found["typing-extensions"].license_declared) == "PSF-2.0"
    assert found["typing-extensions"].copyright_text == \
        "Copyright (c) 2001-2024 Python Software Foundation"
    assert isinstance(found["unconcluded"].license_concluded, SpdxNoAssertion)
    assert str(found["unconcluded"].license_declared) == "MIT OR GPL-3.0-or-later"
    assert str(found["undeclared"].license_concluded) == "Zlib"
    assert isinstance(found["undeclared"].license_declared, SpdxNoAssertion)
