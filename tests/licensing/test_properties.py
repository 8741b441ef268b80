"""Properties of evaluation over generated input (Hypothesis)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance import policies
from governance.licensing.expressions import ExpressionError, parse, render
from governance.licensing.policy import VERDICTS, Evaluation, EvaluationError, evaluate
from governance.licensing.policy import evaluate_text as evaluate_text_
from tests.licensing.conftest import CONTEXTS

FAST = settings(max_examples=200, deadline=None, database=None)
RANK = {verdict: rank for rank, verdict in enumerate(VERDICTS)}  # allow 0 … deny 2

LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-2.0-only", "GPL-2.0-or-later",
            "GPL-3.0-or-later", "LGPL-2.1-or-later", "MPL-2.0", "AGPL-3.0-only", "SSPL-1.0",
            "CC0-1.0", "CC-BY-NC-4.0", "JSON", "BSL-1.0", "bsl-1.0", "mit", "gpl-2.0-plus",
            "LicenseRef-scancode-public-domain", "LicenseRef-scancode-commercial-license",
            "LicenseRef-made-up", "unknown", "warranty-disclaimer"]
EXCEPTIONS = ["Classpath-exception-2.0", "GCC-exception-3.1", "LLVM-exception",
              "LicenseRef-scancode-commons-clause", "LicenseRef-my-exception"]

symbol = st.one_of(
    st.sampled_from(LICENSES),
    st.builds(lambda lic, exc: f"{lic} WITH {exc}", st.sampled_from(LICENSES),
              st.sampled_from(EXCEPTIONS)))


def _join(operator):
    return lambda parts: f" {operator} ".join(f"({p})" for p in parts)


expression = st.recursive(
    symbol,
    lambda children: st.one_of(
        st.lists(children, min_size=2, max_size=4).map(_join("AND")),
        st.lists(children, min_size=2, max_size=4).map(_join("OR"))),
    max_leaves=12)

# Real names, operators and parentheses in any order: mostly malformed.
token_soup = st.lists(
    st.sampled_from([*LICENSES, *EXCEPTIONS, "AND", "OR", "WITH", "and", "or", "with", "(", ")",
                     "+", "/", ",", ""]),
    max_size=12).map(" ".join)


@pytest.fixture(scope="module")
def policy(app):
    # Module-scoped: Hypothesis runs many inputs per test call; the policy is immutable.
    return policies.loaded(app).license_policy


@pytest.fixture(scope="module")
def evaluate_text(policy):
    def run(text, context):
        return evaluate_text_(policy, text, context)
    return run


def _raises_only_expression_error(policy, text, context):
    try:
        result = evaluate(policy, text, context)
    except ExpressionError as exc:
        assert exc.reason
        return None
    assert result.verdict in VERDICTS
    return result


@FAST
@given(text=st.text(max_size=200), context=st.sampled_from(CONTEXTS))
def test_any_text_evaluates_or_raises_only_expression_error(policy, text, context):
    _raises_only_expression_error(policy, text, context)


@FAST
@given(text=token_soup, context=st.sampled_from(CONTEXTS))
def test_any_mix_of_real_names_and_operators_evaluates_or_raises_only_expression_error(
        policy, text, context):
    _raises_only_expression_error(policy, text, context)


@FAST
@given(text=st.one_of(st.text(max_size=100), token_soup), context=st.text(max_size=30))
def test_evaluate_text_never_raises(evaluate_text, text, context):
    assert isinstance(evaluate_text(text, context), Evaluation | EvaluationError)


@FAST
@given(text=expression, context=st.sampled_from(CONTEXTS))
def test_a_well_formed_expression_always_gets_a_verdict(policy, text, context):
    result = evaluate(policy, text, context)
    assert result.verdict in VERDICTS
    assert any(item.relied_on for item in result.licenses)


@FAST
@given(parts=st.lists(expression, min_size=2, max_size=4), context=st.sampled_from(CONTEXTS))
def test_or_is_never_worse_than_its_best_part(policy, parts, context):
    whole = evaluate(policy, _join("OR")(parts), context)
    best = min(RANK[evaluate(policy, part, context).verdict] for part in parts)
    assert RANK[whole.verdict] <= best
    assert RANK[whole.verdict] == best


@FAST
@given(parts=st.lists(expression, min_size=2, max_size=4), context=st.sampled_from(CONTEXTS))
def test_and_is_never_better_than_its_worst_part(policy, parts, context):
    whole = evaluate(policy, _join("AND")(parts), context)
    worst = max(RANK[evaluate(policy, part, context).verdict] for part in parts)
    assert RANK[whole.verdict] >= worst
    assert RANK[whole.verdict] == worst


@FAST
@given(text=expression)
def test_the_normalised_expression_reads_back_as_the_same_expression(text):
    node = parse(text)
    assert parse(render(node)) == node
