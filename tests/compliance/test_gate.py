"""The CI gate's answer, as a dict for the API and as text for the CLI."""
from __future__ import annotations

import json

import pytest

from governance.compliance import RequestIndex, gate
from governance.sbom import SbomComponent, SbomDocument
from tests.compliance.conftest import GPL_LIB, MIT_LIB, request

VENDORED = SbomComponent(name="vendored-lib", version="0.1", license_expression="Zlib")


def document(*components: SbomComponent) -> SbomDocument:
    return SbomDocument(format="cyclonedx-json", spec_version="1.6", name="checkout",
                        components=components)


def test_the_gate_passes_when_every_component_is_approved_or_allowed_by_policy(policy):
    index = RequestIndex([request(1, GPL_LIB, state="approved_with_conditions")])
    result = gate(document(MIT_LIB, GPL_LIB, VENDORED), "distributed", index, policy)
    assert result.passed
    assert result.failures == []
    assert [s.status for s in result.components] == ["allowed_by_policy",
                                                     "approved_with_conditions",
                                                     "allowed_by_policy"]


@pytest.mark.parametrize("state", ["rejected", "in_review", None])
def test_the_gate_fails_on_a_rejected_pending_or_unknown_component(policy, state):
    index = RequestIndex([request(1, GPL_LIB, state=state)] if state else [])
    result = gate(document(MIT_LIB, GPL_LIB), "distributed", index, policy)
    assert not result.passed
    assert [s.component for s in result.failures] == [GPL_LIB]


def test_an_empty_sbom_passes(policy):
    result = gate(document(), "internal", RequestIndex(), policy)
    assert result.passed
    assert result.format_text() == "gate passed for internal: 0 components"


def test_to_dict_is_json_ready_with_counts_and_every_component(policy):
    index = RequestIndex([request(12, GPL_LIB, context="internal")])
    result = gate(document(MIT_LIB, GPL_LIB), "distributed", index, policy, product="Checkout")
    data = json.loads(json.dumps(result.to_dict()))
    assert {k: data[k] for k in ("passed", "context", "product", "total", "failed")} == {
        "passed": False, "context": "distributed", "product": "Checkout", "total": 2,
        "failed": 1}
    assert data["counts"]["allowed_by_policy"] == 1 and data["counts"]["unknown"] == 1
    assert data["components"][1] == {
        "name": "readline-gpl", "version": "2.0.0", "purl": "pkg:npm/readline-gpl@2.0.0",
        "status": "unknown", "verdict": "deny",
        "explanation": "GPL-3.0-only: category Copyleft is deny for distributed",
        "reason": "no request covers distributed; its license GPL-3.0-only is denied for "
                  "distributed; approved for internal only (#12)",
        "requests": [12]}


def test_format_text_has_a_line_per_failure_then_a_summary(policy):
    result = gate(document(MIT_LIB, GPL_LIB, SbomComponent(name="blob", version="")),
                  "distributed", RequestIndex([request(4, GPL_LIB, state="in_review")]),
                  policy, product="Checkout")
    assert result.format_text().splitlines() == [
        "FAIL readline-gpl 2.0.0 <pkg:npm/readline-gpl@2.0.0>: pending: request #4 is in "
        "review",
        "FAIL blob: unknown: no request covers distributed; the SBOM states no license",
        "gate failed for distributed, product Checkout: 2 of 3 components (allowed by policy "
        "1, pending 1, unknown 1)"]


def test_format_text_of_a_pass_is_the_summary_alone(policy):
    text = gate(document(MIT_LIB), "saas", RequestIndex(), policy).format_text()
    assert text == "gate passed for saas: 1 component (allowed by policy 1)"


def test_format_text_keeps_each_failure_on_one_line_whatever_the_sbom_says(policy):
    forged = SbomComponent(name="evil\ngate passed for distributed:", version="1\r\x1b[2K",
                           license_expression="MIT\u2028AND GPL-3.0-only")
    lines = gate(document(forged), "distributed", RequestIndex(), policy).format_text()
    assert lines.splitlines() == [
        "FAIL evil\\ngate passed for distributed: 1\\r\\x1b[2K: unknown: no request covers "
        "distributed; its license MIT\\u2028AND GPL-3.0-only is denied for distributed",
        "gate failed for distributed: 1 of 1 component (unknown 1)"]


def test_an_unknown_context_is_a_value_error(policy):
    with pytest.raises(ValueError, match="unknown usage context 'prod'; the policy knows "
                                         "internal, saas, distributed, distributed-modified"):
        gate(document(MIT_LIB), "prod", RequestIndex(), policy)


def test_components_out_of_the_gates_scope_are_listed_and_never_fail_it(policy, tmp_path):
    from governance.rules.gate_scope import load_gate_scope

    scope_file = tmp_path / "gate.yaml"
    scope_file.write_text("ignore:\n  purl_types: [github]\n  component_types: [file]\n")
    scope = load_gate_scope(scope_file)
    action = SbomComponent(name="actions/checkout", version="v4",
                           purl="pkg:github/actions/checkout@v4", license_expression=None)
    launcher = SbomComponent(name="t64.exe", version="", purl=None, type="file",
                             license_expression=None)
    document = SbomDocument(format="cyclonedx", spec_version="1.6", name="app",
                            components=(MIT_LIB, action, launcher))
    unscoped = gate(document, "distributed", RequestIndex(), policy)
    assert not unscoped.passed and len(unscoped.failures) == 2
    scoped = gate(document, "distributed", RequestIndex(), policy, scope=scope)
    assert scoped.passed, scoped.format_text()
    statuses = {s.component.name: s for s in scoped.components}
    assert statuses["actions/checkout"].status == "out_of_scope"
    assert "purl type github" in statuses["actions/checkout"].reason
    assert "component type file" in statuses["t64.exe"].reason
    answer = scoped.to_dict()
    assert answer["counts"]["out_of_scope"] == 2
    assert answer["scope"] == {"ignore_purl_types": ["github"],
                               "ignore_component_types": ["file"]}
    assert "out of scope (policies/gate.yaml): purl types github" in scoped.format_text()


@pytest.mark.parametrize("text,reason", [
    ("ignore: [github]\n", "'ignore' maps"),
    ("ignore:\n  purl_types: [GitHub Actions]\n", "not a purl type"),
    ("ignore:\n  component_types: [binary]\n", "not a CycloneDX component type"),
    ("ignore:\n  purls: [github]\n", "unknown key 'purls'"),
])
def test_a_broken_gate_scope_names_its_line(tmp_path, text, reason):
    from governance.rules.gate_scope import load_gate_scope
    from governance.rules.loader import PolicyError

    scope_file = tmp_path / "gate.yaml"
    scope_file.write_text(text)
    with pytest.raises(PolicyError, match=reason):
        load_gate_scope(scope_file)
