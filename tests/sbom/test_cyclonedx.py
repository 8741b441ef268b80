"""CycloneDX JSON and XML: real cyclonedx-py and npm output, and what the spec allows besides."""
from __future__ import annotations

import importlib.metadata
import json

import pytest
from packaging.utils import canonicalize_name

from governance.sbom import match_key, read_sbom
from tests.sbom.conftest import CYCLONEDX_RUNS, NPM_EXPECTED, WHEELS


def cyclonedx_json(*components, metadata=None, spec_version="1.6") -> bytes:
    doc = {"bomFormat": "CycloneDX", "specVersion": spec_version, "version": 1,
           "components": list(components)}
    if metadata is not None:
        doc["metadata"] = metadata
    return json.dumps(doc).encode()


def installed() -> dict[str, str]:
    """Every distribution in this suite's virtualenv: normalised name → version."""
    return {canonicalize_name(d.metadata["Name"]): d.version
            for d in importlib.metadata.distributions()}


# cyclonedx-py on this suite's virtualenv ----------------------------------------------------

@pytest.mark.parametrize("run", CYCLONEDX_RUNS, ids=lambda run: f"{run[0]}-{run[1]}")
def test_cyclonedx_py_lists_every_installed_distribution_with_its_version(cyclonedx_env, run):
    document = read_sbom(cyclonedx_env[run])

    assert document.format == f"cyclonedx-{run[1].lower()}"
    assert document.spec_version == run[0]
    assert document.warnings == ()
    listed = {canonicalize_name(c.name): c.version for c in document.components}
    assert listed == installed()


@pytest.mark.parametrize("run", CYCLONEDX_RUNS, ids=lambda run: f"{run[0]}-{run[1]}")
def test_cyclonedx_py_components_carry_canonical_pypi_purls(cyclonedx_env, run):
    components = {c.name: c for c in read_sbom(cyclonedx_env[run]).components}

    assert components["Flask"].purl == f"pkg:pypi/flask@{importlib.metadata.version('flask')}"
    assert components["packageurl-python"].purl == \
        f"pkg:pypi/packageurl-python@{importlib.metadata.version('packageurl-python')}"
    assert components["Flask"].type == "library"
    assert components["Flask"].ref == f"Flask=={importlib.metadata.version('flask')}"
    # The dot stays in the purl as cyclonedx-py writes it; the match key folds it (PEP 503).
    functools = components["jaraco.functools"]
    assert functools.purl.startswith("pkg:pypi/jaraco.functools@")
    assert match_key(functools.purl) == f"pkg:pypi/jaraco-functools@{functools.version}"


def test_json_and_xml_of_the_same_environment_give_the_same_components(cyclonedx_env):
    assert read_sbom(cyclonedx_env["1.6", "JSON"]).components == \
        read_sbom(cyclonedx_env["1.6", "XML"]).components
    assert read_sbom(cyclonedx_env["1.4", "JSON"]).components == \
        read_sbom(cyclonedx_env["1.4", "XML"]).components


def test_cyclonedx_py_licenses_become_spdx_expressions_and_classifiers_stay_names(
        cyclonedx_env):
    components = {c.name: c for c in read_sbom(cyclonedx_env["1.6", "JSON"]).components}

    # An SPDX id, and an id stated twice (as id and as trove classifier): one license.
    assert components["Flask"].license_expression == "BSD-3-Clause"
    assert components["Flask"].license_names == ()
    assert components["requests"].license_expression == "Apache-2.0"
    assert components["requests"].license_names == \
        ("License :: OSI Approved :: Apache Software License",)
    # An expression, kept as written (packvers writes its `or` in lower case).
    assert components["cryptography"].license_expression == "Apache-2.0 OR BSD-3-Clause"
    assert components["packvers"].license_expression == "BSD-2-Clause or Apache-2.0"
    # Only a classifier: no SPDX expression, the name is kept for the reviewer.
    assert components["Flask-SQLAlchemy"].license_expression is None
    assert components["Flask-SQLAlchemy"].license_names == \
        ("License :: OSI Approved :: BSD License",)


def test_an_environment_sbom_without_a_root_component_has_no_subject(cyclonedx_env):
    document = read_sbom(cyclonedx_env["1.6", "JSON"])

    assert document.subject is None and document.name == ""


@pytest.mark.network
def test_cyclonedx_py_lists_exactly_the_wheels_pip_installed(small_venv_sboms):
    for form in ("JSON", "XML"):
        document = read_sbom(small_venv_sboms[form])

        assert {c.name: c.version for c in document.components} == WHEELS
        purls = {c.purl for c in document.components}
        assert purls == {"pkg:pypi/six@1.17.0", "pkg:pypi/typing-extensions@4.12.2"}
        assert {c.name: c.license_expression for c in document.components}["six"] == "MIT"


# npm sbom ------------------------------------------------------------------------------------

def assert_npm_components(document):
    components = {c.name: (c.purl, c.version, c.license_expression)
                  for c in document.components}
    assert components == NPM_EXPECTED
    assert document.subject.purl == "pkg:npm/demo-product@1.2.3"
    assert document.subject.license_expression == "MIT"


def test_npm_cyclonedx_lists_the_lockfile_packages_and_the_project_as_subject(npm_offline):
    document = read_sbom(npm_offline["cyclonedx"])

    assert (document.format, document.spec_version) == ("cyclonedx-json", "1.5")
    assert_npm_components(document)
    # npm names the root component after the project's folder, as written.
    assert document.name == document.subject.name
    assert document.warnings == ()


@pytest.mark.network
def test_npm_cyclonedx_of_a_real_install_lists_what_the_registry_resolved(npm_registry):
    assert_npm_components(read_sbom(npm_registry["cyclonedx"]))


def test_a_thousand_component_sbom_is_read_whole(npm_thousand):
    # (How fast: benchmarks/, never a timed assertion here.)
    document = read_sbom(npm_thousand["cyclonedx"])
    assert len(document.components) == 1000
    assert len({c.purl for c in document.components}) == 1000


# What the spec allows, written by hand ------------------------------------------------------

def test_nested_components_are_flattened_in_document_order_and_the_root_is_the_subject():
    data = cyclonedx_json(
        {"type": "application", "name": "a", "version": "1",
         "components": [{"type": "library", "name": "a1", "version": "1",
                         "components": [{"type": "library", "name": "a11"}]}]},
        {"type": "library", "name": "b", "group": "org.example", "version": "2"},
        metadata={"component": {"type": "application", "name": "product", "version": "9",
                                "components": [{"type": "library", "name": "own-part"}]},
                  "tools": {"components": [{"type": "application", "name": "a-tool"}]}})

    document = read_sbom(data)

    assert [c.name for c in document.components] == ["a", "a1", "a11", "b"]
    assert document.components[3].group == "org.example"
    assert document.components[2].version == ""
    assert (document.name, document.subject.version) == ("product", "9")


def test_the_product_listed_again_among_the_components_is_not_a_component():
    data = cyclonedx_json({"bom-ref": "app@1", "name": "app", "version": "1"},
                          {"bom-ref": "lib@2", "name": "lib", "version": "2"},
                          metadata={"component": {"bom-ref": "app@1", "name": "app"}})

    assert [c.name for c in read_sbom(data).components] == ["lib"]


def test_several_license_ids_are_joined_with_and_and_compound_expressions_parenthesised():
    data = cyclonedx_json({"name": "x", "licenses": [
        {"license": {"id": "MIT"}}, {"license": {"id": "MIT"}},
        {"expression": "Apache-2.0 OR GPL-2.0-only"}, {"license": {"name": "Custom"}},
        {"license": {"id": "NOASSERTION"}}]})

    component = read_sbom(data).components[0]

    assert component.license_expression == "MIT AND (Apache-2.0 OR GPL-2.0-only)"
    assert component.license_names == ("Custom",)


def test_concluded_licenses_are_used_only_when_nothing_else_is_stated():
    declared_and_concluded = cyclonedx_json({"name": "x", "licenses": [
        {"license": {"id": "MIT", "acknowledgement": "declared"}},
        {"expression": "MIT AND BSD-2-Clause", "acknowledgement": "concluded"}]})
    concluded_only = cyclonedx_json({"name": "x", "licenses": [
        {"expression": "MIT AND BSD-2-Clause", "acknowledgement": "concluded"}]})

    assert read_sbom(declared_and_concluded).components[0].license_expression == "MIT"
    assert read_sbom(concluded_only).components[0].license_expression == "MIT AND BSD-2-Clause"


def test_xml_reads_nested_components_licenses_and_the_root():
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <metadata><component type="application" bom-ref="root"><name>product</name></component>
  </metadata>
  <components>
    <component type="library" bom-ref="a@1">
      <group>org.example</group><name>a</name><version>1</version>
      <licenses><license><id>MIT</id></license><license><name>Custom</name></license>
      </licenses>
      <purl>pkg:maven/org.example/a@1?type=jar</purl>
      <components><component type="library"><name>a1</name>
        <licenses><expression>MIT OR Apache-2.0</expression></licenses></component>
      </components>
    </component>
  </components>
</bom>"""

    document = read_sbom(data)

    a, a1 = document.components
    assert (document.format, document.spec_version, document.name) == \
        ("cyclonedx-xml", "1.5", "product")
    assert (a.group, a.name, a.version, a.ref, a.type) == \
        ("org.example", "a", "1", "a@1", "library")
    assert (a.license_expression, a.license_names) == ("MIT", ("Custom",))
    assert a.purl == "pkg:maven/org.example/a@1?type=jar"
    assert match_key(a.purl) == "pkg:maven/org.example/a@1"
    assert (a1.name, a1.license_expression) == ("a1", "MIT OR Apache-2.0")


def test_an_unreadable_purl_is_dropped_with_a_warning_and_the_component_kept():
    document = read_sbom(cyclonedx_json({"name": "x", "version": "1", "purl": "not a purl"}))

    assert document.components[0].purl is None
    assert document.components[0].name == "x"
    assert "cannot be read" in document.warnings[0]


def test_a_component_without_a_name_is_named_from_its_purl_with_a_warning():
    document = read_sbom(cyclonedx_json({"purl": "pkg:npm/left-pad@1.3.0", "version": "1.3.0"}))

    assert document.components[0].name == "left-pad"
    assert "has no name" in document.warnings[0]


def test_a_version_written_as_a_number_is_read_as_text():
    assert read_sbom(cyclonedx_json({"name": "x", "version": 2})).components[0].version == "2"


def test_an_unknown_spec_version_is_read_with_a_warning():
    document = read_sbom(cyclonedx_json({"name": "x"}, spec_version="1.9"))

    assert document.components[0].name == "x"
    assert "1.9 is not a version this reader knows" in document.warnings[0]
