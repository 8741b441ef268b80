"""CycloneDX 1.6 JSON: valid by the strict 1.6 schema, and faithful to the input."""
from __future__ import annotations

import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from governance.exports import ExportError, build_cyclonedx
from governance.exports.cyclonedx_json import _PLAIN_URI
from tests.exports.conftest import (
    ALL,
    CREATED,
    DUAL,
    JAVAMAIL,
    NO_PURL,
    PUBLIC_DOMAIN,
    REQUESTS,
    UNKNOWN,
    component,
    export,
)

VALIDATOR = JsonStrictValidator(SchemaVersion.V1_6)


def valid(text: str) -> dict:
    assert VALIDATOR.validate_str(text) is None
    return json.loads(text)


def by_name(bom: dict) -> dict:
    return {c["name"]: c for c in bom["components"]}


@pytest.fixture(scope="module")
def bom() -> dict:
    """The BOM of every sample component, built and schema-checked once for this module."""
    return valid(build_cyclonedx(export(ALL)))


def test_bom_validates_with_the_strict_schema_and_purls_round_trip(bom):

    assert bom["specVersion"] == "1.6"
    assert bom["serialNumber"] == f"urn:uuid:{export(ALL).document_uuid}"
    assert len(bom["components"]) == len(ALL)
    assert sorted(c["purl"] for c in bom["components"] if "purl" in c) == \
        sorted(c.purl for c in ALL if c.purl)
    assert "purl" not in by_name(bom)[NO_PURL.name]


def test_one_listed_license_is_an_id_and_compound_ones_an_expression(bom):
    found = by_name(bom)

    # Single licenses: the concluded and the declared side by side, each acknowledged.
    assert found["requests"]["licenses"] == [
        {"license": {"id": "Apache-2.0", "acknowledgement": "concluded"}},
        {"license": {"id": "Apache-2.0", "acknowledgement": "declared"}}]
    assert found["urllib3"]["licenses"][0]["license"]["id"] == "MIT"
    # One expression only, as CycloneDX allows: the concluded; the declared is evidence.
    assert found[JAVAMAIL.name]["licenses"] == [{
        "expression": "GPL-2.0-only WITH Classpath-exception-2.0",
        "acknowledgement": "concluded"}]
    assert found[JAVAMAIL.name]["evidence"]["licenses"] == [{
        "expression": "GPL-2.0-only WITH Classpath-exception-2.0",
        "acknowledgement": "declared"}]
    assert found[DUAL.name]["licenses"][0]["expression"] == "MIT OR GPL-3.0-or-later"
    assert "licenses" not in found["mystery"]


def test_declared_and_concluded_apart_and_a_declared_license_alone():
    found = by_name(valid(build_cyclonedx(export([
        component("typing-extensions", license_expression_spdx="PSF-2.0",
                  license_declared_spdx="PSF-2.0 AND Python-2.0 AND GPL-1.0-or-later"),
        component("unconcluded", license_expression_spdx=None,
                  license_declared_spdx="MIT")]))))
    assert found["typing-extensions"]["licenses"] == [
        {"license": {"id": "PSF-2.0", "acknowledgement": "concluded"}}]
    assert found["typing-extensions"]["evidence"]["licenses"] == [{
        "expression": "PSF-2.0 AND Python-2.0 AND GPL-1.0-or-later",
        "acknowledgement": "declared"}]
    assert found["unconcluded"]["licenses"] == [
        {"license": {"id": "MIT", "acknowledgement": "declared"}}]


def test_license_refs_are_named_licenses_or_part_of_an_expression(bom):
    found = by_name(bom)

    assert found[PUBLIC_DOMAIN.name]["licenses"][0] == {"license": {
        "name": "LicenseRef-scancode-public-domain", "acknowledgement": "concluded",
        "url": "https://scancode-licensedb.aboutcode.org/public-domain.html"}}
    assert found[UNKNOWN.name]["licenses"][0]["expression"] == \
        "LicenseRef-Example-Custom-1.0 AND BSD-3-Clause"
    unknown_alone = by_name(valid(build_cyclonedx(export([component(
        "custom", license_expression_spdx="Example-Custom-1.0")]))))["custom"]
    assert unknown_alone["licenses"][0] == {"license": {
        "name": "LicenseRef-Example-Custom-1.0", "acknowledgement": "concluded"}}


def test_component_details_round_trip(bom):
    requests = by_name(bom)["requests"]

    assert requests["version"] == "2.32.3"
    assert requests["bom-ref"] == REQUESTS.purl
    assert requests["hashes"] == [{"alg": "SHA-256", "content": REQUESTS.sha256}]
    assert requests["copyright"] == "Copyright 2019 Kenneth Reitz"
    assert requests["supplier"] == {"name": "Python Software Foundation"}
    assert {(r["type"], r["url"]) for r in requests["externalReferences"]} == {
        ("website", REQUESTS.homepage_url), ("distribution", REQUESTS.download_url)}
    assert [p["value"] for p in requests["properties"]] == [
        "team Payments, product Checkout (distributed, approved)",
        "team Search, product Finder (saas, approved)"]


def test_unicode_and_markup_in_copyrights_round_trip(bom):
    found = by_name(bom)

    assert found[NO_PURL.name]["copyright"] == NO_PURL.copyrights[0]


def test_metadata_names_the_scope_the_tool_and_the_time(bom):

    assert bom["metadata"]["component"]["name"] == "Checkout"
    assert bom["metadata"]["tools"]["components"] == [
        {"type": "application", "name": "OSS Governance", "version": "1.4.0"}]
    assert bom["metadata"]["timestamp"].startswith(CREATED.strftime("%Y-%m-%dT%H:%M:%S"))
    [scope] = [d for d in bom["dependencies"] if d["ref"] == "oss-governance:product"]
    assert len(scope["dependsOn"]) == len(ALL)


def test_the_same_purl_twice_still_gives_unique_bom_refs():
    twice = [component("a", purl="pkg:pypi/a@1.0"), component("a", purl="pkg:pypi/a@1.0")]

    bom = valid(build_cyclonedx(export(twice)))

    assert [c["bom-ref"] for c in bom["components"]] == ["component-1", "component-2"]


def test_empty_export_is_a_valid_bom(empty_export):
    bom = valid(build_cyclonedx(empty_export))

    assert bom.get("components", []) == []
    assert bom["metadata"]["component"]["name"] == "Payments"


def test_a_misused_exception_is_an_export_error_naming_the_component():
    with pytest.raises(ExportError, match=r"component broken 2\.0: MIT is a license, not an "):
        build_cyclonedx(export([component("broken", "2.0",
                                          license_expression_spdx="MIT WITH MIT")]))


@pytest.mark.parametrize("url", [
    "https://pypi.org/project/requests/", "https://github.com/psf/requests.git#main",
    "https://user:p%40ss@host.example:8443/a;b/c?x=1&y=a/b?#frag", "ftp://ftp.example.org/",
    "git+https://github.com/psf/requests.git",
])
def test_plain_urls_take_the_quick_check(url):
    assert _PLAIN_URI.fullmatch(url)


@pytest.mark.parametrize("url", [
    "https://例え.jp/パス", "https://[::1]:8080/x", "https://x.org/a|b", "https://x.org/%zz",
    "https://x.org/a b", "mailto:someone@example.org", "/relative",
])
def test_other_urls_are_left_to_the_schema(url):
    assert not _PLAIN_URI.fullmatch(url)


def test_a_non_ascii_url_is_checked_by_the_schema_itself():
    bom = valid(build_cyclonedx(export([component("iri", homepage_url="https://例え.jp/パス")])))

    assert by_name(bom)["iri"]["externalReferences"][0]["url"] == "https://例え.jp/パス"


def test_a_url_the_schema_rejects_is_an_export_error_naming_the_component():
    # cyclonedx-python-lib escapes the brackets of an IPv6 literal, which breaks it.
    with pytest.raises(ExportError, match=r"BOM is not valid: component v6 1\.0: "
                                          r"components/\d+/externalReferences/0/url"):
        build_cyclonedx(export([REQUESTS, component("v6", homepage_url="https://[::1]:8/x")]))
