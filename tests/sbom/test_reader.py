"""Limits, hostile documents and format detection: every bad input is an SbomError with a reason."""
from __future__ import annotations

import encodings.aliases
import gzip
import json
from pathlib import Path

import pytest

import governance.sbom
from governance.sbom import SbomError, read_sbom
from governance.sbom.model import MAX_WARNINGS

MiB = 1024 * 1024
CYCLONEDX_NS = "http://cyclonedx.org/schema/bom/1.6"
MODULES = sorted(Path(governance.sbom.__file__).parent.glob("*.py"))


def reason(data: bytes, **options) -> str:
    with pytest.raises(SbomError) as caught:
        read_sbom(data, **options)
    assert str(caught.value) == caught.value.reason
    return caught.value.reason


def cyclonedx_xml(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0"?>{prolog}<bom xmlns="{CYCLONEDX_NS}" version="1">'
            f"<components>{body}</components></bom>").encode()


# Size and nesting ---------------------------------------------------------------------------

def test_an_sbom_over_the_size_limit_is_refused_before_it_is_read():
    assert reason(b"x" * (60 * MiB)) == "The SBOM is 60 MB; the limit is 50 MB."
    assert reason(b'{"bomFormat": "CycloneDX"}', max_bytes=10) == \
        "The SBOM is 26 bytes; the limit is 10 bytes."


def test_a_size_just_over_the_limit_is_stated_in_bytes():
    assert reason(b" " * (50 * MiB + 1)) == \
        "The SBOM is 52,428,801 bytes; the limit is 52,428,800 bytes."


@pytest.mark.parametrize("data", [b"[" * 100_000, b'{"a":' * 100_000, b"[" * 100_000 + b"]" *
                                  100_000, b'{"bomFormat": "CycloneDX", "x": ' + b"[" * 65
                                  + b"]" * 65 + b"}"], ids=["open", "objects", "closed", "65"])
def test_json_nested_deeper_than_the_limit_is_refused_without_recursion(data):
    assert reason(data) == "The JSON nests deeper than 64 levels."


def test_json_nested_to_the_limit_is_read_and_brackets_in_strings_do_not_count():
    data = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6",
                       "components": [{"name": "[[[[{{{{" * 20 + '\\"'}],
                       "x": [[[[]]]]}).encode()  # five levels: the object, x and three more

    assert read_sbom(data, max_depth=5).components[0].name.startswith("[[[[")
    assert reason(data, max_depth=4) == "The JSON nests deeper than 4 levels."


def test_xml_nested_deeper_than_the_limit_is_refused():
    deep = "<component type='library'><name>x</name><components>" * 40
    assert reason(cyclonedx_xml(deep)) == "The XML nests deeper than 64 levels."
    assert reason(b"<a>" * 100_000) == "The XML nests deeper than 64 levels."


# XML attacks --------------------------------------------------------------------------------

BILLION_LAUGHS = """<!DOCTYPE bom [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>"""


@pytest.mark.parametrize("prolog", [
    BILLION_LAUGHS,
    '<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE bom SYSTEM "http://127.0.0.1:1/evil.dtd">',
    '<!DOCTYPE bom [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>',
], ids=["billion-laughs", "xxe-file", "external-dtd", "parameter-entity"])
def test_xml_with_a_doctype_is_refused_before_any_entity_is_expanded(prolog):
    name = "&lol9;" if prolog is BILLION_LAUGHS else "&xxe;" if "xxe" in prolog else "x"
    data = cyclonedx_xml(f"<component type='library'><name>{name}</name></component>", prolog)

    assert "XML document type declarations (<!DOCTYPE …>) are not accepted" in reason(data)


# Every codec name Python knows, and some it does not: expat asks Python for what it lacks.
ENCODINGS = sorted({*encodings.aliases.aliases.values(), "foo", "rot13", "idna", "utf-7",
                    "punycode", "base64", "undefined", "utf-8-sig"})


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_xml_in_any_declared_encoding_is_read_or_refused(encoding):
    data = (f'<?xml version="1.0" encoding="{encoding}"?><bom xmlns="{CYCLONEDX_NS}">'
            "<components><component><name>x</name></component></components></bom>").encode()
    try:
        assert read_sbom(data).components[0].name == "x"
    except SbomError as exc:
        assert exc.reason


def test_xml_in_latin1_or_utf16_is_read():
    latin1 = (f'<?xml version="1.0" encoding="ISO-8859-1"?><bom xmlns="{CYCLONEDX_NS}">'
              "<components><component><name>café</name></component></components></bom>")
    utf16 = latin1.replace("ISO-8859-1", "UTF-16")

    assert read_sbom(latin1.encode("latin-1")).components[0].name == "café"
    assert read_sbom(utf16.encode("utf-16")).components[0].name == "café"


def test_xml_in_an_unknown_encoding_is_refused():
    data = b'<?xml version="1.0" encoding="rot13"?><a/>'
    assert reason(data).startswith("The XML is in an encoding that cannot be read (")


def test_malformed_xml_is_refused_with_where_it_breaks():
    assert reason(cyclonedx_xml("<component>")).startswith("This is not well-formed XML (")


# Not an SBOM --------------------------------------------------------------------------------

NOT_AN_SBOM = ("This is not an SBOM we can read: expected CycloneDX (JSON or XML) or SPDX (JSON "
               "or tag-value).")


@pytest.mark.parametrize("data", [
    b"[]", b"{}", b'"text"', b"42", b"null", b'{"bomFormat": "SWID"}', b"hello world",
    bytes(range(256)) * 4, b"<html><body>an SBOM?</body></html>",
    b'<bom xmlns="http://example.com/bom"/>', b"\x00\x01\x02\x03",
], ids=["list", "object", "string", "number", "null", "other-format", "text", "binary",
        "html", "other-xml", "control"])
def test_what_is_no_sbom_is_refused_saying_which_formats_are_read(data):
    assert reason(data) == NOT_AN_SBOM


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n "])
def test_an_empty_file_is_refused(data):
    assert reason(data) == "The file is empty."


def test_broken_json_is_refused_with_its_line_and_column():
    assert reason(b'{"bomFormat": "CycloneDX",\n "components": [}') == \
        "This is not valid JSON: Expecting value (line 2, column 17)."
    assert reason(b'{"n": ' + b"1" * 5000 + b"}") == "This JSON holds a number too long to read."


@pytest.mark.parametrize(("doc", "expected"), [
    ({"bomFormat": "CycloneDX", "components": "x"},
     "The CycloneDX SBOM is malformed: components should be a list, not text."),
    ({"bomFormat": "CycloneDX", "components": [1]},
     "The CycloneDX SBOM is malformed: components[0] should be an object, not a number."),
    ({"bomFormat": "CycloneDX", "components": [{"name": ["x"]}]},
     "The CycloneDX SBOM is malformed: components[0].name should be text, not a list."),
    ({"bomFormat": "CycloneDX", "components": [{"name": "x", "licenses": [{"license": "MIT"}]}]},
     "The CycloneDX SBOM is malformed: components[0].licenses[0].license should be an object, "
     "not text."),
    ({"bomFormat": "CycloneDX", "metadata": []},
     "The CycloneDX SBOM is malformed: metadata should be an object, not a list."),
    ({"spdxVersion": "SPDX-2.3", "packages": {}},
     "The SPDX SBOM is malformed: packages should be a list, not an object."),
    ({"spdxVersion": "SPDX-2.3", "packages": [{"name": "x", "externalRefs": [None]}]},
     "The SPDX SBOM is malformed: packages[0].externalRefs[0] should be an object, not null."),
    ({"spdxVersion": "SPDX-2.3", "documentDescribes": [7]},
     "The SPDX SBOM is malformed: documentDescribes[0] should be text, not a number."),
], ids=["components-text", "component-number", "name-list", "license-text", "metadata-list",
        "packages-object", "ref-null", "describes-number"])
def test_json_of_the_wrong_shape_is_refused_naming_the_field(doc, expected):
    assert reason(json.dumps(doc).encode()) == expected


def test_an_unclosed_text_block_in_tag_value_is_refused():
    data = b"SPDXVersion: SPDX-2.3\nPackageName: x\nPackageComment: <text>never closed\n"
    assert reason(data) == ("The SPDX tag-value SBOM is malformed: the <text> value of "
                            "PackageComment on line 3 is never closed.")


@pytest.mark.parametrize(("data", "filename", "expected"), [
    (gzip.compress(b"{}"), "sbom.json.gz", "The file is compressed (gzip): unpack it"),
    (b"spdxVersion: SPDX-2.3\nname: x\n", "", "SPDX in YAML is not supported"),
    (b"name: x\n", "sbom.spdx.yaml", "SPDX in YAML is not supported"),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "",
     "SPDX in RDF/XML is not supported"),
    (b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}', "",
     "SPDX 3 is not supported yet"),
], ids=["gzip", "yaml", "yaml-by-name", "rdf", "spdx3"])
def test_formats_we_recognise_but_do_not_read_are_named(data, filename, expected):
    assert reason(data, filename=filename).startswith(expected)


# Encodings and warnings ---------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_json_with_a_byte_order_mark_is_read(encoding):
    text = '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "café"}]}'
    assert read_sbom(text.encode(encoding)).components[0].name == "café"


def test_text_that_is_not_utf8_is_read_with_a_warning():
    data = "SPDXVersion: SPDX-2.3\nPackageName: caf\xe9\n".encode("latin-1")
    document = read_sbom(data)

    assert document.components[0].name == "caf\ufffd"
    assert "not valid UTF-8" in document.warnings[0]


def test_lone_surrogates_escaped_in_json_are_replaced():
    data = (b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": '
            b'[{"name": "x\\ud800", "purl": "pkg:npm/x@1\\udfff"}]}')

    component = read_sbom(data).components[0]

    assert component.name == "x\ufffd"
    assert component.purl == "pkg:npm/x@1%EF%BF%BD"


def test_an_sbom_without_components_says_so():
    document = read_sbom(b'{"bomFormat": "CycloneDX", "specVersion": "1.6"}')
    assert document.components == () and document.warnings == ("The SBOM lists no components.",)


def test_warnings_stop_at_a_limit_and_count_the_rest():
    components = [{"name": f"c{i}", "purl": "pkg:"} for i in range(MAX_WARNINGS + 50)]
    data = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6",
                       "components": components}).encode()

    warnings = read_sbom(data).warnings

    assert len(warnings) == MAX_WARNINGS + 1 and warnings[-1] == "… and 50 more warnings."


def test_text_is_not_bytes():
    with pytest.raises(TypeError):
        read_sbom('{"bomFormat": "CycloneDX"}')
