"""The pure parts of license clearing: conclusions checked, findings classified, exceptions
against their license family, OR categories by the option relied on, the manifest's own
statement, errors that quote at most 200 characters."""
from __future__ import annotations

import pytest

from governance.licensing.clearing import (
    AGREES,
    DISAGREES,
    DISMISSED,
    UNIDENTIFIED,
    Clearing,
    check_conclusion,
    classify,
    findings_digest,
)
from governance.licensing.exceptions import exception_applies
from governance.licensing.expressions import ExpressionError, lookup, parse, render
from governance.licensing.policy import evaluate, evaluate_text
from governance.scanning.scan_expressions import category_of_keys, category_options
from governance.scanning.summary import manifest_license


@pytest.mark.parametrize("detected,against,kind", [
    ("PSF-2.0", "PSF-2.0", AGREES),
    ("PSF-2.0 AND LicenseRef-scancode-unknown-license-reference", "PSF-2.0", AGREES),
    ("LicenseRef-scancode-unknown-license-reference", "PSF-2.0", UNIDENTIFIED),
    ("Python-2.0 AND GPL-1.0-or-later", "PSF-2.0", DISAGREES),
    ("GPL-3.0-or-later", "MIT OR GPL-3.0-or-later", AGREES),
    ("GPL-3.0-only", "MIT OR GPL-3.0-or-later", DISAGREES),
    ("MIT AND (", "MIT", DISAGREES),
])
def test_findings_are_classified_against_the_concluded_expression(detected, against, kind):
    assert classify(detected, parse(against), frozenset()) == kind


def test_a_dismissed_detection_is_dismissed_whatever_it_names():
    assert classify("GPL-1.0-or-later", parse("PSF-2.0"),
                    frozenset({"GPL-1.0-or-later"})) == DISMISSED
    assert classify("MIT", None, frozenset()) == DISAGREES  # nothing to agree with


def test_a_conclusion_is_checked_and_its_option_must_be_an_alternative():
    node, option = check_conclusion("mit OR gpl-3.0-plus", "MIT")
    assert render(node, spdx=True) == "MIT OR GPL-3.0-or-later"
    assert render(option, spdx=True) == "MIT"
    assert check_conclusion("LicenseRef-our-own-license")[1] is None  # the office's own ref
    for expression, option, reason in [
            ("Made-Up-License", None, "not a license scancode's database knows"),
            ("MIT WITH Classpath-exception-2.0", None, "does not apply to MIT"),
            ("MIT", "MIT", "offers no choice"),
            ("MIT OR Apache-2.0", "GPL-2.0-only", "not one of the options")]:
        with pytest.raises(ExpressionError, match=reason):
            check_conclusion(expression, option)


def test_the_clearing_digest_changes_with_what_the_office_decided():
    assert Clearing().digest == ""
    one = Clearing("MIT OR GPL-3.0-or-later", "MIT")
    assert one.digest != Clearing("MIT OR GPL-3.0-or-later", "GPL-3.0-or-later").digest
    assert one.digest == Clearing("MIT OR GPL-3.0-or-later", "MIT").digest
    assert Clearing(dismissed=frozenset({"GPL-2.0-only"})).digest != ""
    assert findings_digest("MIT", ["A", "B"]) == findings_digest("MIT", ["B", "A", "A"])
    assert findings_digest("MIT", ["A"]) != findings_digest("MIT", ["A", "B"])


@pytest.mark.parametrize("license_,exception,applies", [
    ("GPL-2.0-only", "Classpath-exception-2.0", True),
    ("LGPL-2.1-or-later", "ocaml-lgpl-linking-exception", True),
    ("MIT", "Classpath-exception-2.0", False),
    ("Apache-2.0", "LLVM-exception", True),
    ("MIT", "LLVM-exception", False),
    ("MIT", "commons-clause", True),  # names no family: not checked
])
def test_an_exception_applies_only_to_its_license_family(license_, exception, applies):
    assert (exception_applies(lookup(license_), lookup(exception)) is None) == applies


def test_a_misapplied_exception_is_never_allowed(policy):
    evaluation = evaluate(policy, "MIT WITH Classpath-exception-2.0", "distributed")
    assert evaluation.verdict == "review"
    assert "does not apply to MIT" in evaluation.licenses[0].why
    assert evaluate(policy, "GPL-2.0-only WITH Classpath-exception-2.0",
                    "distributed").verdict == "allow"


def test_the_option_taken_is_relied_on(policy):
    assert evaluate(policy, "MIT OR GPL-3.0-or-later", "distributed").chosen == "MIT"
    taken = evaluate(policy, "MIT OR GPL-3.0-or-later", "distributed", "GPL-3.0-or-later")
    assert (taken.verdict, taken.chosen) == ("deny", "GPL-3.0-or-later")


def test_an_error_quotes_at_most_200_characters_of_the_input(policy):
    text = "MIT AND (" + "A" * 5000
    error = evaluate_text(policy, text, "distributed")
    assert "A" * 200 not in error.reason and "A" * 150 in error.reason
    assert len(error.to_dict()["expression"]) <= 201
    unknown = evaluate_text(policy, "MIT", "x" * 1000)
    assert len(unknown.reason) < 400


def test_the_category_of_an_or_is_the_option_relied_on():
    assert category_of_keys("gpl-3.0-plus OR mit") == "Permissive"
    assert category_of_keys("mit AND gpl-2.0") == "Copyleft"
    assert category_options("gpl-3.0-plus OR mit") == [("MIT", "Permissive"),
                                                       ("GPL-3.0-or-later", "Copyleft")]
    assert category_of_keys("not a license (") is None


def test_the_manifest_states_only_its_own_detections():
    # typing_extensions 4.15.0's PKG-INFO as scancode assembles it: its own License field,
    # and the License-File it names, followed into LICENSE.
    package = {"datafile_paths": ["te/PKG-INFO"], "license_detections": [
        {"license_expression": "psf-2.0",
         "matches": [{"from_file": "te/PKG-INFO", "license_expression": "psf-2.0"}]},
        {"license_expression": "python AND gpl-1.0-plus",
         "matches": [{"from_file": "te/PKG-INFO",
                      "license_expression": "unknown-license-reference"},
                     {"from_file": "te/LICENSE", "license_expression": "python"},
                     {"from_file": "te/LICENSE", "license_expression": "gpl-1.0-plus"}]}]}
    assert manifest_license(package) == "psf-2.0"
    only_a_pointer = {"datafile_paths": ["p/package.json"], "license_detections": [
        {"license_expression": "unknown-license-reference",
         "matches": [{"from_file": "p/package.json",
                      "license_expression": "unknown-license-reference"}]}]}
    assert manifest_license(only_a_pointer) is None
