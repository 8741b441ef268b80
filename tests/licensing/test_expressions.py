"""Parsing license expressions: SPDX ids and scancode keys in, a tree of licenses out."""
from __future__ import annotations

import pytest

from governance.licensing.expressions import (
    And,
    ExpressionError,
    Or,
    Symbol,
    categories,
    lookup,
    parse,
    render,
)


@pytest.mark.parametrize(("text", "keys", "spdx"), [
    ("MIT", "mit", "MIT"),
    ("mit AND apache-2.0", "mit AND apache-2.0", "MIT AND Apache-2.0"),
    ("BSD-3-Clause OR GPL-2.0", "bsd-new OR gpl-2.0", "BSD-3-Clause OR GPL-2.0-only"),
    ("GPL-2.0-only WITH Classpath-exception-2.0", "gpl-2.0 WITH classpath-exception-2.0",
     "GPL-2.0-only WITH Classpath-exception-2.0"),
    ("gpl-2.0-plus", "gpl-2.0-plus", "GPL-2.0-or-later"),
    ("GPL-2.0+", "gpl-2.0-plus", "GPL-2.0-or-later"),
    ("LicenseRef-scancode-public-domain", "public-domain", "LicenseRef-scancode-public-domain"),
    ("LicenseRef-scancode-mit", "mit", "MIT"),
    ("LicenseRef-made-up", "LicenseRef-made-up", "LicenseRef-made-up"),
    ("apache-2.0 and (mit or bsd-new)", "apache-2.0 AND (mit OR bsd-new)",
     "Apache-2.0 AND (MIT OR BSD-3-Clause)"),
    ("MIT OR Apache-2.0 AND ISC", "mit OR (apache-2.0 AND isc)", "MIT OR (Apache-2.0 AND ISC)"),
    ("GPL-2.0-with-classpath-exception", "gpl-2.0 WITH classpath-exception-2.0",
     "GPL-2.0-only WITH Classpath-exception-2.0"),
])
def test_spdx_ids_and_scancode_keys_normalise_to_both_forms(text, keys, spdx):
    node = parse(text)
    assert render(node) == keys
    assert render(node, spdx=True) == spdx


def test_nested_operators_of_one_kind_are_flattened_and_repeats_dropped():
    assert parse("MIT AND (Apache-2.0 AND mit) AND MIT") == And(
        (Symbol(lookup("mit")), Symbol(lookup("apache-2.0"))))
    assert isinstance(parse("(MIT OR ISC) OR Zlib"), Or)
    assert len(parse("(MIT OR ISC) OR Zlib").parts) == 3
    assert parse("MIT OR mit") == Symbol(lookup("mit"))


def test_an_spdx_id_that_is_also_another_licenses_scancode_key_is_read_by_its_spelling():
    assert lookup("BSL-1.0").key == "boost-1.0"
    assert lookup("BSL-1.0").category == "Permissive"
    assert lookup("bsl-1.0").name == "Business Source License 1.0"
    assert lookup("bsl-1.0").category == "Source-available"


def test_a_name_scancode_does_not_know_is_kept_as_an_unknown_license():
    license_ = lookup("LicenseRef-made-up")
    assert not license_.known and license_.category is None
    assert lookup("Apache-2.0").known and not lookup("Apache-2.0").unidentified


def test_scancodes_unknown_keys_and_unstated_licenses_are_marked_unidentified():
    assert lookup("unknown").unidentified
    assert lookup("LicenseRef-scancode-unknown-license-reference").unidentified
    assert lookup("warranty-disclaimer").unidentified


def test_categories_are_read_from_scancodes_license_database():
    assert {"Permissive", "Copyleft", "Copyleft Limited", "Public Domain", "Commercial",
            "Proprietary Free", "Free Restricted", "Patent License", "Source-available",
            "Unstated License", "CLA"} <= set(categories())


def test_a_bare_exception_parses_so_that_a_detected_exception_text_can_be_judged():
    node = parse("Classpath-exception-2.0")
    assert node.license.is_exception and node.exception is None


@pytest.mark.parametrize("text", [
    "MIT OR",  # license-expression: ExpressionError
    "()",  # IndexError
    "( )",  # IndexError
    "( and X Y",  # AssertionError with its advanced tokenizer
    "MIT/Apache-2.0",  # ExpressionError on the characters
    "MIT WITH",
    "WITH MIT",
    "AND",
    "(MIT",
    "MIT)",
    "MIT Apache-2.0",
    "MIT WITH Apache-2.0",  # a license after WITH
    "Classpath-exception-2.0 WITH GPL-2.0-only",  # an exception before WITH
    "GPL-2.0-only WITH Classpath-exception-2.0 WITH GCC-exception-3.1",
    "'MIT'",
    "",
    "   ",
    "(" * 60 + "MIT AND (ISC OR " * 60 + "Zlib" + ")" * 120,
    "MIT AND " * 2000 + "MIT",
])
def test_a_bad_expression_is_an_expression_error_with_a_reason(text):
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert caught.value.reason
    assert str(caught.value) == caught.value.reason


@pytest.mark.parametrize("value", [None, 42, b"MIT", ["MIT"]])
def test_input_that_is_not_text_is_an_expression_error(value):
    with pytest.raises(ExpressionError, match="is text"):
        parse(value)


def test_the_reason_for_a_bad_character_says_what_a_name_may_hold():
    with pytest.raises(ExpressionError, match="letters, digits"):
        parse("MIT/Apache-2.0")


def test_the_reason_for_a_license_after_with_names_it():
    with pytest.raises(ExpressionError, match="MIT is a license, not an exception"):
        parse("GPL-2.0-only WITH MIT")
