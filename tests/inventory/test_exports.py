"""Exports of a scope from the inventory: each format checked by its standard's own tools."""
from __future__ import annotations

import csv
import io
import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from governance.errors import ValidationFailed
from governance.inventory import exports
from tests import factories as f
from tests.api.helpers import Api
from tests.inventory.conftest import approved

NAMESPACE = "https://oss.example.com/spdx"


@pytest.fixture
def shipped(world):
    w = world
    lodash = approved(w["alice"], w["office"], w["platform"], "pkg:npm/lodash@4.17.21", "mit",
                      product=w["console"], holders=("OpenJS Foundation",))
    gpl = approved(w["alice"], w["office"], w["platform"], "pkg:maven/com.sun.mail/"
                   "javax.mail@1.6.2", "gpl-2.0 WITH classpath-exception-2.0",
                   product=w["console"], holders=("Oracle",))
    six = approved(w["bob"], w["office"], w["data"], "pkg:pypi/six@1.16.0", "mit",
                   context="internal", product=w["jobs"], holders=("Benjamin Peterson",))
    return {"lodash": lodash, "gpl": gpl, "six": six}


def test_spdx_of_a_product_validates_and_lists_its_components(shipped, policy, tmp_path):
    result = exports.build("spdx-json", "product:admin console", policy, NAMESPACE)
    assert result.filename.startswith("product-Admin-console-")
    path = tmp_path / result.filename
    path.write_text(result.content, encoding="utf-8")
    document = parse_file(str(path))
    assert validate_full_spdx_document(document) == []
    purls = {ref.locator for p in document.packages for ref in p.external_references}
    assert {"pkg:npm/lodash@4.17.21", "pkg:maven/com.sun.mail/javax.mail@1.6.2"} <= purls
    assert "pkg:pypi/six@1.16.0" not in purls  # another product's


def test_cyclonedx_of_the_company_validates(shipped, policy):
    result = exports.build("cyclonedx-json", "company", policy, NAMESPACE)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(result.content) is None
    bom = json.loads(result.content)
    assert {c["purl"] for c in bom["components"]} >= {
        "pkg:npm/lodash@4.17.21", "pkg:pypi/six@1.16.0"}
    assert result.components == 3


def test_the_notice_has_holders_and_each_needed_license_text_once(shipped, policy):
    text = exports.build("notice-txt", "team:Platform", policy, NAMESPACE).content
    assert "OpenJS Foundation" in text and "Oracle" in text
    assert text.count("Permission is hereby granted, free of charge") == 1  # MIT, once
    html = exports.build("notice-html", "team:platform", policy, NAMESPACE).content
    assert "<html" in html.lower() and "lodash" in html


def test_the_csv_lists_each_usage(shipped, policy):
    rows = list(csv.DictReader(io.StringIO(
        exports.build("csv", "company", policy, NAMESPACE).content)))
    assert len(rows) == 3
    assert {r["name"] for r in rows} == {"lodash", "com.sun.mail/javax.mail", "six"}


@pytest.mark.parametrize("format_id, scope, field", [
    ("pdf", "company", "format"), ("csv", "team:Nobody", "scope"),
    ("csv", "product:", "scope"), ("csv", "galaxy", "scope")])
def test_bad_formats_and_scopes_are_refused_with_a_reason(world, policy, format_id, scope,
                                                           field):
    with pytest.raises(ValidationFailed) as caught:
        exports.build(format_id, scope, policy, NAMESPACE)
    assert field in caught.value.errors


def test_an_empty_scope_exports_a_valid_empty_document(world, policy):
    result = exports.build("cyclonedx-json", "product:Nightly jobs", policy, NAMESPACE)
    assert result.components == 0
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(result.content) is None


def test_flask_export_writes_the_file_and_refuses_a_bad_scope(shipped, runner, tmp_path):
    out = tmp_path / "console.cdx.json"
    result = runner.invoke(args=["export", "--format", "cyclonedx-json", "--scope",
                                 "product:Admin console", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text())["components"]) == 2
    bad = runner.invoke(args=["export", "--format", "csv", "--scope", "team:Nobody"])
    assert bad.exit_code == 3 and "No team named" in bad.output


def test_the_api_and_the_page_export(shipped, client, world):
    api = Api(client, world["bob"])
    response = api.get("/exports?format=csv&scope=team:Data")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "six" in response.get_data(as_text=True)
    assert api.get("/exports?format=nope").status_code == 422
    f.login(client, "bob")
    page = client.get("/inventory/export?format=spdx-json&scope=product:Admin%20console")
    assert page.status_code == 200
    assert "attachment" in page.headers["Content-Disposition"]
    refused = client.get("/inventory/export?format=csv&scope=team:Nobody")
    assert refused.status_code == 302
