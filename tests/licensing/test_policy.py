"""The default license policy applied to real expressions, and validation of broken copies."""
from __future__ import annotations

import hashlib

import pytest

from governance import policies
from governance.licensing.expressions import ExpressionError, parse
from governance.licensing.policy import (
    Evaluation,
    EvaluationError,
    UnknownContext,
    evaluate,
    evaluate_text,
    load_policy,
)
from governance.rules.loader import PolicyError
from tests.licensing.conftest import CONTEXTS, POLICY_FILE

A, R, D = "allow", "review", "deny"

# Verdicts in internal, saas, distributed, distributed-modified under the default policy.
TABLE = [
    ("MIT", (A, A, A, A)),
    ("Apache-2.0", (A, A, A, A)),
    ("mit AND apache-2.0", (A, A, A, A)),
    ("MIT OR GPL-3.0-or-later", (A, A, A, A)),
    ("BSD-3-Clause OR GPL-2.0", (A, A, A, A)),
    ("MPL-2.0 OR Apache-2.0", (A, A, A, A)),
    ("GPL-2.0-only WITH Classpath-exception-2.0", (A, A, A, R)),
    ("GPL-2.0-or-later WITH Classpath-exception-2.0", (A, A, A, R)),
    ("GPL-3.0-or-later WITH GCC-exception-3.1", (A, A, A, R)),
    ("GPL-2.0-only", (A, A, D, D)),
    ("GPL-2.0-or-later", (A, A, D, D)),
    ("AGPL-3.0-only", (R, D, D, D)),
    ("AGPL-3.0-or-later", (R, D, D, D)),
    ("LGPL-2.1-or-later", (A, A, R, R)),
    ("MIT AND GPL-2.0-or-later", (A, A, D, D)),
    ("MIT AND (LGPL-2.1-only OR GPL-2.0-only)", (A, A, R, R)),
    ("LicenseRef-scancode-public-domain", (A, A, A, A)),
    ("LicenseRef-scancode-bsl-1.1", (R, D, D, D)),
    ("SSPL-1.0", (R, D, D, D)),
    ("BSL-1.0", (A, A, A, A)),
    ("JSON", (R, R, R, R)),
    ("LicenseRef-made-up", (R, R, R, R)),
    ("MIT AND LicenseRef-made-up", (R, R, R, R)),
    ("MIT OR LicenseRef-made-up", (A, A, A, A)),
    ("unknown", (R, R, R, R)),
    ("Apache-2.0 WITH LicenseRef-scancode-commons-clause", (A, R, D, D)),
    ("GPL-2.0-only WITH LicenseRef-my-exception", (R, R, D, D)),
    ("Classpath-exception-2.0", (R, R, R, R)),
    ("LicenseRef-scancode-commercial-license", (R, R, R, R)),
    ("CC-BY-NC-4.0", (R, D, D, D)),
]


@pytest.mark.parametrize(("expression", "verdicts"), TABLE, ids=[t[0] for t in TABLE])
def test_default_policy_verdicts_per_context(policy, expression, verdicts):
    assert tuple(evaluate(policy, expression, c).verdict for c in CONTEXTS) == verdicts


@pytest.mark.parametrize(("expression", "context", "chosen"), [
    ("MIT OR GPL-3.0-or-later", "distributed", "MIT"),
    ("GPL-3.0-or-later OR MIT", "distributed", "MIT"),
    ("BSD-3-Clause OR GPL-2.0", "distributed", "BSD-3-Clause"),
    ("MPL-2.0 OR Apache-2.0", "distributed", "Apache-2.0"),
    ("MPL-2.0 OR Apache-2.0", "internal", "MPL-2.0"),  # equal: the first written
    ("MIT AND (LGPL-2.1-only OR GPL-2.0-only)", "distributed", "MIT AND LGPL-2.1-only"),
])
def test_or_relies_on_its_best_choice_and_says_which(policy, expression, context, chosen):
    result = evaluate(policy, expression, context)
    assert result.chosen == chosen
    assert result.choices and result.choices[0].chosen in chosen


def test_or_between_equal_verdicts_prefers_the_choice_with_fewer_obligations(policy):
    # Both allowed when shipped; Apache-2.0 adds a NOTICE file to MIT's obligations.
    assert evaluate(policy, "Apache-2.0 OR MIT", "distributed").chosen == "MIT"


def test_alternatives_not_chosen_are_explained_but_not_relied_on(policy):
    result = evaluate(policy, "MIT OR GPL-3.0-or-later", "distributed")
    by_spdx = {item.spdx: item for item in result.licenses}
    assert by_spdx["MIT"].relied_on and by_spdx["MIT"].verdict == "allow"
    assert not by_spdx["GPL-3.0-or-later"].relied_on
    assert by_spdx["GPL-3.0-or-later"].verdict == "deny"
    assert by_spdx["GPL-3.0-or-later"].why == "category Copyleft is deny for distributed"
    assert [o.id for o in result.obligations] == ["attribution", "include-license-text"]


def test_an_expression_without_or_has_no_choice(policy):
    result = evaluate(policy, "MIT AND Apache-2.0", "distributed")
    assert result.choices == () and result.chosen is None


def test_explanations_name_the_override_or_the_category(policy):
    agpl = evaluate(policy, "AGPL-3.0-only", "saas").licenses[0]
    assert agpl.why.startswith("override for AGPL-3.0-only in saas: ")
    lgpl = evaluate(policy, "LGPL-2.1-or-later", "internal").licenses[0]
    assert lgpl.why == "category Copyleft Limited is allow for internal"
    assert (lgpl.license, lgpl.spdx, lgpl.category) == ("lgpl-2.1-plus", "LGPL-2.1-or-later",
                                                        "Copyleft Limited")
    classpath = evaluate(policy, "GPL-2.0-only WITH Classpath-exception-2.0",
                         "distributed").licenses[0]
    assert classpath.why.startswith(
        "override for GPL-2.0-only WITH Classpath-exception-2.0 in distributed")
    assert classpath.exception == "classpath-exception-2.0"


def test_an_unknown_license_is_reviewed_and_says_so(policy):
    result = evaluate(policy, "LicenseRef-made-up", "internal")
    assert result.verdict == "review"
    assert result.licenses[0].why == "unknown license LicenseRef-made-up: review"
    assert not result.licenses[0].known and result.licenses[0].category is None


def test_an_unknown_exception_makes_the_license_reviewed_at_least(policy):
    result = evaluate(policy, "GPL-2.0-only WITH LicenseRef-my-exception", "saas")
    assert result.verdict == "review"
    assert "unknown exception LicenseRef-my-exception" in result.licenses[0].why


def test_the_expression_is_normalised_to_scancode_keys_and_spdx_ids(policy):
    result = evaluate(policy, "bsd-new OR GPL-2.0", "internal")
    assert result.expression == "bsd-new OR gpl-2.0"
    assert result.expression_spdx == "BSD-3-Clause OR GPL-2.0-only"


@pytest.mark.parametrize(("expression", "context", "obligations"), [
    ("MIT", "internal", {}),
    ("MIT", "distributed", {"attribution": ("MIT",), "include-license-text": ("MIT",)}),
    ("Apache-2.0", "distributed", {"attribution": ("Apache-2.0",),
                                   "include-license-text": ("Apache-2.0",),
                                   "notice-file": ("Apache-2.0",)}),
    ("Apache-2.0", "distributed-modified", {
        "attribution": ("Apache-2.0",), "include-license-text": ("Apache-2.0",),
        "notice-file": ("Apache-2.0",), "state-changes": ("Apache-2.0",)}),
    ("MIT AND GPL-2.0-only", "distributed", {
        "attribution": ("MIT", "GPL-2.0-only"), "include-license-text": ("MIT", "GPL-2.0-only"),
        "source-offer": ("GPL-2.0-only",)}),
    ("AGPL-3.0-only", "saas", {"include-license-text": ("AGPL-3.0-only",),
                               "source-offer": ("AGPL-3.0-only",)}),
    ("LicenseRef-made-up", "distributed", {}),
])
def test_obligations_follow_from_the_licenses_relied_on(policy, expression, context,
                                                         obligations):
    result = evaluate(policy, expression, context)
    assert {o.id: o.licenses for o in result.obligations} == obligations


def test_the_evaluation_carries_the_policy_version_and_digest(policy):
    result = evaluate(policy, "MIT", "internal")
    assert result.policy_version == policy.version == 1
    assert result.policy_digest == hashlib.sha256(POLICY_FILE.read_bytes()).hexdigest()
    assert result.to_dict()["licenses"][0]["spdx"] == "MIT"


def test_a_parsed_expression_can_be_evaluated_as_it_is(policy):
    assert evaluate(policy, parse("MIT"), "saas").verdict == "allow"


def test_a_bad_expression_raises_expression_error(policy):
    with pytest.raises(ExpressionError):
        evaluate(policy, "MIT OR", "internal")


def test_an_unknown_context_raises_expression_error(policy):
    with pytest.raises(UnknownContext, match="unknown usage context 'moon'"):
        evaluate(policy, "MIT", "moon")
    assert issubclass(UnknownContext, ExpressionError)


@pytest.mark.parametrize(("text", "context"), [
    ("MIT OR", "internal"), ("()", "internal"), ("( and X Y", "internal"),
    ("MIT/Apache-2.0", "internal"), ("MIT", "moon"), (None, "internal"), ("MIT", None),
])
def test_evaluate_text_returns_an_error_result_for_bad_input(policy, text, context):
    result = evaluate_text(policy, text, context)
    assert isinstance(result, EvaluationError)
    assert result.verdict is None and result.reason
    assert result.to_dict()["error"] == result.reason


def test_evaluate_text_returns_the_evaluation_for_good_input(policy):
    assert isinstance(evaluate_text(policy, "MIT", "internal"), Evaluation)


# --- validation -------------------------------------------------------------------------------

def _error(path, contexts=CONTEXTS) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_policy(path, contexts=contexts)
    error = caught.value
    assert str(error).startswith(f"{path}:{error.line}: ")
    return error


def _line(path, number: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


def test_the_default_policy_is_valid_and_covers_every_category_and_context(policy):
    from governance.licensing.expressions import categories

    assert set(policy.categories) == set(categories())
    assert all(tuple(v) == CONTEXTS for v in policy.categories.values())
    assert policy.contexts == CONTEXTS


def test_the_app_loads_the_policy_at_start_up(app):
    assert policies.loaded(app).license_policy.path == str(POLICY_FILE)


def test_an_unknown_verdict_word_is_refused_on_its_line(policy_copy):
    path = policy_copy("Permissive:       {internal: allow,", "Permissive:       {internal: ok,")
    error = _error(path)
    assert "category 'Permissive': verdict for internal must be allow, review or deny, " \
           "not 'ok'" in error.reason
    assert _line(path, error.line).lstrip().startswith("Permissive:")


def test_a_missing_category_is_refused_naming_it(policy_copy):
    path = policy_copy("  CLA:              review\n", "")
    error = _error(path)
    assert "no verdicts for category CLA of scancode's license database" in error.reason
    assert _line(path, error.line) == "categories:"


def test_an_unknown_category_is_refused(policy_copy):
    path = policy_copy("  CLA:              review\n", "  CLA: review\n  Viral: deny\n")
    error = _error(path)
    assert "unknown category 'Viral'" in error.reason


def test_an_unknown_context_in_an_override_is_refused_on_its_line(policy_copy):
    path = policy_copy("verdicts: {saas: allow}", "verdicts: {sass: allow}")
    error = _error(path)
    assert "unknown usage context 'sass'" in error.reason
    assert "GPL-2.0-only" in _line(path, error.line)


def test_a_context_of_contexts_yaml_missing_from_the_policy_is_refused():
    error = _error(POLICY_FILE, contexts=(*CONTEXTS, "embedded"))
    assert "no verdict for usage context embedded" in error.reason


def test_a_context_the_app_does_not_know_is_refused():
    error = _error(POLICY_FILE, contexts=CONTEXTS[:3])
    assert "unknown usage context 'distributed-modified'" in error.reason


def test_allowing_unstated_licenses_is_refused(policy_copy):
    path = policy_copy("  Unstated License: review", "  Unstated License: allow")
    error = _error(path)
    assert "cannot be allow" in error.reason
    assert _line(path, error.line).lstrip().startswith("Unstated License:")


def test_allowing_scancodes_unknown_license_by_override_is_refused(policy_copy):
    path = policy_copy("overrides:\n", "overrides:\n  - license: unknown\n    verdicts: allow\n")
    error = _error(path)
    assert "override LicenseRef-scancode-unknown cannot be allow" in error.reason
    assert "license: unknown" in _line(path, error.line)


def test_a_duplicate_key_is_refused_on_its_line(policy_copy):
    path = policy_copy("  CLA:              review\n", "  CLA: review\n  CLA: deny\n")
    error = _error(path)
    assert "duplicate key 'CLA'" in error.reason


def test_two_overrides_for_one_license_are_refused_even_spelt_differently(policy_copy):
    path = policy_copy("overrides:\n", "overrides:\n  - license: gpl-2.0\n    verdicts: deny\n")
    error = _error(path)
    assert "a second override for GPL-2.0-only (the first is on line" in error.reason


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("version: 1", "version: one", "'version' must be a whole number"),
    ("version: 1", "version: 1\nmaturity: {}", "unknown key 'maturity'"),
    ("  - license: JSON", "  - license: JSON OR MIT", "name one license"),
    ("  - license: JSON", "  - license: LicenseRef-made-up", "has no license 'LicenseRef-made-up'"),
    ("  - license: JSON", "  - license: MIT OR", "cannot read 'MIT OR'"),
    ("obligations: [notice-file]", "obligations: [notice]", "'obligations' must list some of"),
    ("contexts: [saas]", "contexts: [cloud]", "'contexts' must list usage contexts"),
    ("  - category: Permissive\n", "  - category: Permisive\n", "unknown category 'Permisive'"),
    ("  - license: Apache-2.0\n    contexts: [distributed, distributed-modified]",
     "  - license: Apache-2.0\n    category: Permissive\n    contexts: [distributed]",
     "either a 'category' or a 'license'"),
    ("    reason: The Classpath exception lets us link and ship unmodified (OpenJDK).",
     "    reasons: none", "unknown key 'reasons'"),
    ("categories:\n", "categories:\n  - nope\n", "invalid YAML"),
    ("waiver_reasons:\n", "waiver_reasons:\n  lowercase_code: x\n", "use capitals"),
    ("allow_without_request: [internal, saas, distributed]",
     "allow_without_request: [internal, cloud]", "'allow_without_request' must list usage"),
    ("waiver_reasons:\n", "waiver_reasons:\n  EMPTY_EXCEPTION: ''\n", "describe when it"),
])
def test_broken_policies_are_refused_with_a_reason(policy_copy, old, new, reason):
    assert reason in _error(policy_copy(old, new)).reason


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "nope.yaml", contexts=CONTEXTS)


def test_the_digest_is_the_sha256_of_the_files_bytes(policy_copy):
    path = policy_copy("version: 1", "version: 2")
    loaded = load_policy(path, contexts=CONTEXTS)
    assert loaded.version == 2
    assert loaded.digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_waiver_reasons_are_orts_plus_the_offices_own(policy):
    from governance.licensing.model import WAIVER_REASONS

    assert set(WAIVER_REASONS) <= set(policy.waiver_reasons)
    assert "INTERNAL_FORK_EXCEPTION" in policy.waiver_reasons
    # The file words ORT's reason its own way.
    assert policy.waiver_reasons["LICENSE_ACQUIRED_EXCEPTION"].startswith("The company bought")


def test_waiver_reasons_must_be_a_mapping(policy):
    from governance.licensing.policy import load_policy_text

    text = POLICY_FILE.read_text(encoding="utf-8")
    text = text[:text.index("\nwaiver_reasons:")] + "\nwaiver_reasons: [CANT_FIX]\n"
    with pytest.raises(PolicyError, match="maps a reason code to its description"):
        load_policy_text(text, CONTEXTS)


def test_the_default_policy_lets_allowed_licenses_through_without_a_request_except_modified(
        policy):
    assert policy.allow_without_request == ("internal", "saas", "distributed")
