"""Each component's status for a usage context: the precedence of approvals, rejections, the
policy's verdict and pending requests, and the verdict with its explanation."""
from __future__ import annotations

import pytest

import governance.compliance.status as status_module
from governance.compliance import STATUSES, RequestIndex, classify, counts
from governance.sbom import SbomComponent, SbomDocument
from tests.compliance.conftest import GPL_LIB, MIT_LIB, request


@pytest.fixture
def one(policy):
    """one(component, context, *requests, product=None): that component's ComponentStatus."""

    def run(component, context, *requests, product=None):
        [status] = classify([component], context, RequestIndex(requests), policy,
                            product=product)
        return status

    return run


def licensed(expression, name="lib"):
    return SbomComponent(name=name, version="1.0.0", purl=f"pkg:npm/{name}@1.0.0",
                         license_expression=expression)


# Precedence, from the top.

def test_an_approval_beats_every_other_request(one):
    status = one(GPL_LIB, "distributed", request(1, GPL_LIB, state="rejected"),
                 request(2, GPL_LIB, state="approved"),
                 request(3, GPL_LIB, state="approved_with_conditions"),
                 request(4, GPL_LIB, state="in_review"))
    assert (status.status, status.requests) == ("approved", (2,))
    assert status.reason == "approved for distributed (#2)"
    assert status.passed


def test_an_approval_covers_a_license_the_policy_denies(one):
    status = one(GPL_LIB, "distributed", request(1, GPL_LIB))
    assert (status.status, status.verdict) == ("approved", "deny")


def test_an_approval_with_conditions_beats_a_rejection(one):
    status = one(GPL_LIB, "distributed", request(1, GPL_LIB, state="rejected"),
                 request(2, GPL_LIB, state="approved_with_conditions"))
    assert status.status == "approved_with_conditions"
    assert status.reason == "approved with conditions for distributed (#2)"


def test_a_rejection_beats_what_the_policy_alone_would_allow(one):
    status = one(MIT_LIB, "saas", request(5, context="saas", state="rejected"))
    assert (status.status, status.verdict) == ("rejected", "allow")
    assert status.reason == "request #5 for saas was rejected"
    assert not status.passed


def test_a_rejection_beats_a_pending_request(one):
    status = one(GPL_LIB, "distributed", request(1, GPL_LIB, state="rejected"),
                 request(2, GPL_LIB, state="submitted"))
    assert status.status == "rejected"


def test_an_allowed_license_needs_no_request_where_the_policy_says_so(one):
    status = one(MIT_LIB, "distributed", request(1, state="draft"))
    assert (status.status, status.verdict, status.requests) == ("allowed_by_policy", "allow", ())
    assert status.reason.startswith("allowed by policy")


@pytest.mark.parametrize("state, wording", [
    ("draft", "is a draft"), ("submitted", "is submitted"), ("in_review", "is in review"),
    ("changes_requested", "awaits changes")])
def test_an_undecided_request_makes_a_component_pending(one, state, wording):
    status = one(GPL_LIB, "distributed", request(9, GPL_LIB, state=state))
    assert (status.status, status.requests) == ("pending", (9,))
    assert status.reason.startswith(f"request #9 {wording}")


def test_without_a_request_a_license_that_is_not_allowed_leaves_a_component_unknown(one):
    status = one(GPL_LIB, "distributed")
    assert (status.status, status.verdict, status.requests) == ("unknown", "deny", ())
    assert status.reason == ("no request covers distributed; its license GPL-3.0-only is "
                             "denied for distributed")


# Contexts, expiry, withdrawal, products.

def test_an_approval_for_another_context_does_not_cover_this_one_and_is_named(one):
    status = one(GPL_LIB, "distributed", request(12, GPL_LIB, context="internal"))
    assert status.status == "unknown"
    assert status.reason.endswith("; approved for internal only (#12)")
    assert status.requests == (12,)


def test_approvals_for_several_other_contexts_are_all_named(one):
    status = one(GPL_LIB, "distributed", request(12, GPL_LIB, context="internal"),
                 request(13, GPL_LIB, context="saas", state="approved_with_conditions"),
                 request(14, GPL_LIB, context="saas", state="rejected"))
    assert status.reason.endswith("; approved for internal (#12), saas (#13) only")


def test_an_expired_approval_counts_for_nothing_and_the_reason_says_it_expired(one):
    status = one(GPL_LIB, "distributed", request(3, GPL_LIB, expired=True))
    assert status.status == "unknown"
    assert "approval #3 for distributed expired" in status.reason
    assert status.requests == (3,)


def test_an_expired_approval_does_not_hide_a_pending_renewal(one):
    status = one(GPL_LIB, "distributed", request(3, GPL_LIB, expired=True),
                 request(4, GPL_LIB, state="in_review"))
    assert (status.status, status.requests) == ("pending", (4, 3))
    assert status.reason == ("request #4 is in review; approval #3 for distributed expired")


def test_an_expired_approval_for_an_allowed_license_leaves_it_allowed_by_policy(one):
    status = one(MIT_LIB, "distributed", request(3, expired=True))
    assert status.status == "allowed_by_policy"


@pytest.mark.parametrize("state", ["approved", "rejected", "in_review"])
def test_a_withdrawn_request_is_ignored(one, state):
    withdrawn = request(1, GPL_LIB, state="withdrawn")
    assert one(GPL_LIB, "distributed", withdrawn).status == "unknown"
    assert one(GPL_LIB, "distributed", withdrawn, request(2, GPL_LIB, state=state)).requests \
        == (2,)


def test_with_a_product_only_requests_for_it_or_for_no_product_count(one):
    other = request(1, GPL_LIB, product="Search")
    status = one(GPL_LIB, "distributed", other, product="Checkout")
    assert status.status == "unknown"
    assert status.reason.endswith("; approved for distributed in Search only (#1)")
    assert one(GPL_LIB, "distributed", other).status == "approved"
    assert one(GPL_LIB, "distributed", request(2, GPL_LIB, product="Checkout"),
               product="Checkout").status == "approved"
    assert one(GPL_LIB, "distributed", request(3, GPL_LIB), product="Checkout").status \
        == "approved"


def test_distributed_modified_needs_an_approval_even_for_mit(one, policy):
    assert "distributed-modified" not in policy.allow_without_request
    status = one(MIT_LIB, "distributed-modified")
    assert (status.status, status.verdict) == ("unknown", "allow")
    assert "needs an approval for every component" in status.reason
    approved = one(MIT_LIB, "distributed-modified", request(4, context="distributed-modified"))
    assert approved.status == "approved"


# Verdicts and explanations.

@pytest.mark.parametrize("expression", ["LicenseRef-acme-eula", "Acme-Custom-1.0", "unknown"])
def test_an_unknown_license_is_never_allowed_by_policy(one, expression):
    status = one(licensed(expression), "saas")
    assert (status.status, status.verdict) == ("unknown", "review")
    assert status.reason == f"no request covers saas; its license {expression} needs a review"


def test_an_or_license_takes_the_best_choice_and_says_which(one):
    status = one(licensed("MIT OR GPL-3.0-or-later"), "distributed")
    assert (status.status, status.verdict) == ("allowed_by_policy", "allow")
    assert status.explanation.startswith("MIT chosen from MIT OR GPL-3.0-or-later; MIT: ")


def test_the_explanation_names_the_license_that_decided(one):
    status = one(licensed("MIT AND GPL-3.0-only"), "distributed")
    assert status.verdict == "deny"
    assert status.explanation == "GPL-3.0-only: category Copyleft is deny for distributed"


def test_a_component_without_a_license_gets_review(one):
    for expression in (None, "  "):
        status = one(licensed(expression), "internal")
        assert (status.status, status.verdict) == ("unknown", "review")
        assert status.explanation == "the SBOM states no license"
        assert status.reason == "no request covers internal; the SBOM states no license"


def test_a_license_named_only_in_free_text_is_mentioned(one):
    component = SbomComponent(name="lib", version="1", license_names=("Acme Public License",))
    status = one(component, "internal")
    assert status.verdict == "review"
    assert "'Acme Public License'" in status.explanation


def test_an_unreadable_expression_gets_review_with_the_reason(one):
    status = one(licensed("MIT AND (("), "internal")
    assert (status.status, status.verdict) == ("unknown", "review")
    assert status.explanation.startswith("cannot read 'MIT AND ((' as a license expression")


def test_each_expression_is_evaluated_once_per_call(policy, monkeypatch):
    seen = []
    real = status_module.evaluate_text

    def counting(policy_, text, context):
        seen.append(text)
        return real(policy_, text, context)

    monkeypatch.setattr(status_module, "evaluate_text", counting)
    components = [licensed(e, name=f"lib{i}") for i, e in enumerate(["MIT", "ISC", "MIT"] * 5)]
    classify(components, "internal", RequestIndex(), policy)
    assert sorted(seen) == ["ISC", "MIT"]


# Input, output, errors.

def test_classify_takes_a_document_or_components_and_keeps_their_order(policy):
    document = SbomDocument(format="cyclonedx-json", spec_version="1.6", name="x",
                            components=(GPL_LIB, MIT_LIB))
    index = RequestIndex([request(1, GPL_LIB)])
    from_document = classify(document, "distributed", index, policy)
    assert [s.component for s in from_document] == [GPL_LIB, MIT_LIB]
    assert from_document == classify(iter([GPL_LIB, MIT_LIB]), "distributed", index, policy)


def test_counts_lists_every_status_in_order_with_zeros(policy):
    statuses = classify([MIT_LIB, GPL_LIB, licensed(None)], "distributed", RequestIndex(),
                        policy)
    assert counts(statuses) == {"approved": 0, "approved_with_conditions": 0,
                                "allowed_by_policy": 1, "pending": 0, "rejected": 0,
                                "unknown": 2, "out_of_scope": 0}
    assert list(counts([])) == list(STATUSES)


@pytest.mark.parametrize("context", ["production", "", None])
def test_an_unknown_context_is_a_value_error_naming_the_known_ones(policy, context):
    with pytest.raises(ValueError, match="unknown usage context .*internal, saas, distributed"):
        classify([MIT_LIB], context, RequestIndex(), policy)
