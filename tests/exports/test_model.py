"""The export's input checks itself: bad data is an ExportError that names what is wrong."""
from __future__ import annotations

from datetime import datetime

import pytest

from governance.exports import ExportComponent, ExportError, ExportInput, ExportScope
from governance.exports.licenses import license_keys
from tests.exports.conftest import CREATED, DUAL, JAVAMAIL, UNKNOWN, component, export, usage


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": ""}, "a component: name is required"),
    ({"name": "  "}, "a component: name is required"),
    ({"purl": "pypi/requests"}, r"component pkg 1\.0: 'pypi/requests' is not a package URL"),
    ({"sha256": "abc"}, r"sha256 'abc' is not 64 hexadecimal digits"),
    ({"obligations": ["attribution", "pay-royalties"]}, "unknown obligation pay-royalties"),
    ({"homepage_url": "javascript:alert(1)"}, r"homepage_url 'javascript:alert\(1\)' is not an "),
    ({"download_url": "not a url"}, "download_url 'not a url' is not an absolute URL"),
    ({"homepage_url": "https://x.org/a b"}, "holds characters a URL may not hold"),
    ({"homepage_url": "https://x.org/a|b"}, "holds characters a URL may not hold"),
    ({"homepage_url": "https://x.org/%zz"}, "holds characters a URL may not hold"),
    ({"download_url": "https://x.org/a#b#c"}, "holds characters a URL may not hold"),
    ({"copyrights": "Copyright 2020 A"}, "copyrights must be a list of texts"),
    ({"holders": ["A", ""]}, "holders holds '', not a non-empty text"),
    ({"version": 1.0}, "version must be text, not float"),
    ({"usages": [{"team": "x"}]}, "usages holds .* not an ExportUsage"),
])
def test_bad_component_fields_are_export_errors(fields, message):
    with pytest.raises(ExportError, match=message):
        component(**{"name": "pkg", "version": "1.0", **fields})


def test_sequences_become_tuples_and_empty_texts_none():
    built = ExportComponent(name="x", version="", copyrights=["c"], usages=[usage()],
                            sha256="A" * 64, download_url="git+git@github.com:a/b.git")

    assert built.version is None
    assert built.copyrights == ("c",)
    assert isinstance(built.usages, tuple)
    assert built.sha256 == "a" * 64
    assert hash(built)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: ExportScope("department", "x"), "the kind must be one of company, team, product"),
    (lambda: ExportScope("team", ""), "team scope: name is required"),
    (lambda: usage(team=""), "team is required"),
    (lambda: usage(approved_on="2025-01-01"), "approved_on must be a date, not str"),
    (lambda: ExportInput(scope=ExportScope("company", "Example"), components=[],
                         created=datetime(2025, 1, 1), tool_version="1",
                         namespace_base="https://x.example"),
     "created must be a timezone-aware datetime"),
    (lambda: ExportInput(scope=ExportScope("company", "Example"), components=[],
                         created=CREATED, tool_version="1", namespace_base="urn:x"),
     "namespace_base 'urn:x' must be an absolute http"),
    (lambda: ExportInput(scope=ExportScope("company", "Example"), components=["requests"],
                         created=CREATED, tool_version="1", namespace_base="https://x.example"),
     "components holds 'requests', not an ExportComponent"),
    (lambda: ExportInput(scope="company", components=[], created=CREATED, tool_version="1",
                         namespace_base="https://x.example"), "the export needs an ExportScope"),
])
def test_bad_scope_usage_and_input_are_export_errors(make, message):
    with pytest.raises(ExportError, match=message):
        make()


def test_license_keys_are_scancode_keys_with_exceptions_each_once():
    assert license_keys(JAVAMAIL) == ("gpl-2.0", "classpath-exception-2.0")
    assert license_keys(DUAL) == ("mit", "gpl-3.0-plus")
    assert license_keys(UNKNOWN) == ("Example-Custom-1.0", "bsd-new")
    assert license_keys(component(license_expression_spdx="MIT AND (mit OR MIT)")) == ("mit",)
    assert license_keys(component()) == ()


def test_export_keeps_components_in_the_given_order():
    assert [c.name for c in export([DUAL, JAVAMAIL]).components] == [DUAL.name, JAVAMAIL.name]


def test_document_uuid_is_stable_for_the_same_input_and_new_for_a_new_export():
    first = export([DUAL, JAVAMAIL])

    assert export([DUAL, JAVAMAIL]).document_uuid == first.document_uuid
    assert export([DUAL]).document_uuid != first.document_uuid
    later = ExportInput(scope=first.scope, components=first.components, tool_version="1.4.0",
                        created=CREATED.replace(second=54), namespace_base=first.namespace_base)
    assert later.document_uuid != first.document_uuid
