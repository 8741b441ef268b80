"""Whatever the bytes, read_sbom gives a document or an SbomError: never another exception.

Random bytes, bytes behind each format's opening, real documents (npm's, cyclonedx-py's)
cut, spliced and overwritten, their JSON with any value swapped for any other, their
tag-value lines dropped, repeated and invented (Hypothesis).
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.sbom import FORMATS, SbomComponent, SbomError, canonical_purl, read_sbom

FUZZ = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

OPENINGS = [b'{"bomFormat": "CycloneDX", "specVersion": "1.6", ', b'{"spdxVersion": "SPDX-2.3", ',
            b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6">',
            b"SPDXVersion: SPDX-2.3\nPackageName: ", b"\xef\xbb\xbf{", b"\xff\xfe<\x00"]
TAGS = ["SPDXVersion", "PackageName", "SPDXID", "PackageVersion", "ExternalRef", "FileName",
        "PackageLicenseDeclared", "Relationship", "DocumentName", "LicenseID", "X"]

# Text includes what JSON can escape but UTF-8 cannot hold: lone surrogates.
json_text = st.text(max_size=20) | st.sampled_from(
    ["\ud800", "pkg:npm/x@1\udfff", "pkg:pypi/\ud800@1", "NOASSERTION", "pkg:pypi/a_b@1"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | json_text,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["name", "version", "purl", "licenses", "license", "id",
                                       "expression", "components", "packages", "x"]),
                      children, max_size=4),
    max_leaves=12)


def reads_or_refuses(data: bytes, **options) -> None:
    try:
        document = read_sbom(data, **options)
    except SbomError as exc:
        assert isinstance(exc.reason, str) and exc.reason
        return
    assert document.format in FORMATS
    assert all(isinstance(w, str) for w in document.warnings)
    for component in (*document.components, *filter(None, [document.subject])):
        assert isinstance(component, SbomComponent)
        assert isinstance(component.name, str) and isinstance(component.version, str)
        component.name.encode()  # no lone surrogate left to fail in a database
        assert component.purl is None or canonical_purl(component.purl) == component.purl


@pytest.fixture(scope="module")
def real_documents(npm_offline, cyclonedx_env) -> dict[str, bytes]:
    return {"npm-cyclonedx": npm_offline["cyclonedx"], "npm-spdx": npm_offline["spdx"],
            "npm-tag-value": npm_offline["tag-value"],
            "cyclonedx-py-xml": cyclonedx_env["1.4", "XML"]}


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    reads_or_refuses(data)


@FUZZ
@given(st.sampled_from(OPENINGS), st.binary(max_size=2048), st.integers(1, 64))
def test_random_bytes_after_each_formats_opening(opening, rest, max_depth):
    reads_or_refuses(opening + rest, max_depth=max_depth)


@st.composite
def mutated(draw, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 64)))
        operation = draw(st.sampled_from(["delete", "insert", "overwrite", "repeat", "cut"]))
        if operation == "delete":
            del data[start:end]
        elif operation == "insert":
            data[start:start] = draw(st.binary(min_size=1, max_size=16))
        elif operation == "overwrite":
            data[start:end] = draw(st.binary(min_size=end - start, max_size=end - start))
        elif operation == "repeat":
            data[start:start] = data[start:end] * draw(st.integers(1, 100))
        else:
            del data[start:]
    return bytes(data)


@pytest.mark.parametrize("name", ["npm-cyclonedx", "npm-spdx", "npm-tag-value",
                                  "cyclonedx-py-xml"])
@FUZZ
@given(data=st.data())
def test_real_documents_cut_spliced_and_overwritten(real_documents, name, data):
    reads_or_refuses(data.draw(mutated(real_documents[name])))


def paths(value, prefix=()):
    """Every path to a value inside parsed JSON (iteratively)."""
    found, stack = [], [(prefix, value)]
    while stack:
        path, node = stack.pop()
        found.append(path)
        items = node.items() if isinstance(node, dict) else \
            enumerate(node) if isinstance(node, list) else ()
        stack.extend((path + (key,), child) for key, child in items)
    return found


@pytest.mark.parametrize("name", ["npm-cyclonedx", "npm-spdx"])
@FUZZ
@given(data=st.data())
def test_real_json_with_any_value_replaced_by_any_other(real_documents, name, data):
    doc = json.loads(real_documents[name])
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths(doc)))
        replacement = data.draw(json_values)
        if not path:
            doc = replacement
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = replacement
    reads_or_refuses(json.dumps(doc).encode())


@FUZZ
@given(data=st.data())
def test_real_tag_value_with_lines_dropped_repeated_and_invented(real_documents, data):
    lines = real_documents["npm-tag-value"].decode().splitlines()
    for _ in range(data.draw(st.integers(1, 6))):
        index = data.draw(st.integers(0, len(lines)))
        action = data.draw(st.sampled_from(["drop", "repeat", "invent"]))
        if action == "drop" and index < len(lines):
            del lines[index]
        elif action == "repeat" and index < len(lines):
            lines.insert(index, lines[index])
        else:
            tag = data.draw(st.sampled_from(TAGS))
            value = data.draw(st.sampled_from(["<text>", "</text>", "", "pkg:npm/x@1",
                                               "A B C", "NOASSERTION"]) | st.text(max_size=20))
            lines.insert(index, f"{tag}: {value}")
    reads_or_refuses("\n".join(lines).encode())
