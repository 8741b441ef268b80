"""Match keys: the same package version gives the same key, from an SBOM or from the app."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packageurl import PackageURL

from governance.sbom import canonical_purl, component_key, match_key
from governance.sbom.keys import _CANONICAL


@pytest.mark.parametrize(("one", "other"), [
    ("pkg:pypi/Typing_Extensions@4.12.2", "pkg:pypi/typing-extensions@4.12.2"),
    ("pkg:pypi/jaraco.functools@4.6.0", "pkg:pypi/jaraco-functools@4.6.0"),
    ("pkg:pypi/zope.interface@7.0", "pkg:pypi/Zope_Interface@7.0"),
    ("pkg:npm/JSONStream@1.3.5", "pkg:npm/jsonstream@1.3.5"),
    ("pkg:npm/%40isaacs/string-locale-compare@1.1.0",
     "pkg:npm/@isaacs/string-locale-compare@1.1.0"),
    ("pkg:maven/org.example/a@1?type=jar&classifier=sources", "pkg:maven/org.example/a@1"),
    ("pkg:golang/github.com/x/y@v1.2.3#sub/dir", "pkg:golang/github.com/x/y@v1.2.3"),
    ("PKG:NPM/ms@2.1.3", "pkg:npm/ms@2.1.3"),
    ("pkg:github/Package-URL/purl-spec@v1", "pkg:github/package-url/purl-spec@v1"),
])
def test_purls_of_the_same_package_version_have_one_key(one, other):
    assert match_key(one) == match_key(other) is not None


@pytest.mark.parametrize(("one", "other"), [
    ("pkg:npm/foo_bar@1.0.0", "pkg:npm/foo-bar@1.0.0"),  # two npm packages
    ("pkg:maven/org.example/A@1", "pkg:maven/org.example/a@1"),  # Maven names keep their case
    ("pkg:pypi/six@1.17.0", "pkg:pypi/six@1.16.0"),
    ("pkg:pypi/six@1.17.0", "pkg:npm/six@1.17.0"),
    ("pkg:npm/%40a/b@1", "pkg:npm/b@1"),
])
def test_different_packages_or_versions_have_different_keys(one, other):
    assert match_key(one) != match_key(other)


def test_the_key_is_the_canonical_purl_without_qualifiers_and_subpath():
    assert match_key("pkg:pypi/Django_Rest@1.0?extension=whl#x") == "pkg:pypi/django-rest@1.0"
    assert match_key("pkg:npm/left-pad") == "pkg:npm/left-pad"


@pytest.mark.parametrize("text", ["", "left-pad@1.3.0", "pkg:", "pkg:npm", "pkg:npm/",
                                  "https://example.com/x", "pkg:1npm/x@1", "pkg:npm/x@\udfff"])
def test_text_that_is_no_purl_has_no_key_and_no_canonical_form(text):
    assert match_key(text) is None
    assert canonical_purl(text) is None


def test_canonical_purls_are_packageurl_pythons_form():
    assert canonical_purl(" pkg:pypi/Flask_Login@0.6.3 ") == "pkg:pypi/flask-login@0.6.3"
    assert canonical_purl("pkg:npm/@isaacs/x@1") == "pkg:npm/%40isaacs/x@1"


def test_the_name_key_ignores_case_and_keeps_the_rest():
    assert component_key(" Flask ", "3.1.3") == component_key("flask", "3.1.3") == "flask@3.1.3"
    assert component_key("foo_bar", "1") != component_key("foo-bar", "1")
    assert component_key("x", "1.0") != component_key("x", "1.0.0")


@settings(max_examples=200, deadline=None, database=None)
@given(st.from_regex(_CANONICAL, fullmatch=True))
def test_purls_taken_as_canonical_unparsed_are_what_packageurl_python_writes(text):
    # The fast path must never disagree with the library, for key or canonical form.
    parsed = PackageURL.from_string(text)
    assert canonical_purl(text) == parsed.to_string() == text
    if parsed.type != "pypi":
        assert match_key(text) == PackageURL(parsed.type, parsed.namespace, parsed.name,
                                             parsed.version).to_string()
