"""Properties over generated components and requests (Hypothesis): classification never raises,
whatever text the SBOM holds, and an approval in the context always lets a component through."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.compliance import (
    REQUEST_STATES,
    STATUSES,
    KnownRequest,
    RequestIndex,
    classify,
    gate,
)
from governance.sbom import SbomComponent, SbomDocument, component_key, match_key
from tests.licensing.conftest import CONTEXTS

FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text as SBOMs hold it, lone surrogates and purl-looking text included.
text = st.text(max_size=24) | st.sampled_from(
    ["", " ", "\ud800", "pkg:npm/x@1", "pkg:pypi/A.B_c@1", "pkg:npm/%40s/n@1?a=b#c", "pkg:"])
purls = st.none() | text | st.builds(
    lambda type_, name, version: f"pkg:{type_}/{name}@{version}",
    st.sampled_from(["npm", "pypi", "maven", "golang", "generic", "x"]), text, text)
LICENSES = ["MIT", "ISC", "Apache-2.0", "GPL-3.0-only", "AGPL-3.0-or-later", "LicenseRef-x",
            "unknown", "Classpath-exception-2.0", "AND", "OR", "WITH", "(", ")", "+", "mit"]
expressions = st.none() | text | st.lists(st.sampled_from(LICENSES), max_size=8).map(" ".join)
components = st.builds(
    SbomComponent, name=text, version=text, purl=purls, license_expression=expressions,
    ref=text, type=text, group=text, license_names=st.lists(text, max_size=3).map(tuple))
contexts = st.sampled_from(CONTEXTS)


def request_for(component: SbomComponent, request_id: int, context: str, state: str,
                expired: bool = False, product: str | None = None) -> KnownRequest:
    """A request for the component's package version, keyed as the app keys its requests."""
    return KnownRequest(request_id=request_id, title=component.name,
                        match_key=match_key(component.purl) if component.purl else None,
                        name_key=component_key(component.name, component.version),
                        context=context, state=state, expired=expired, product=product)


@st.composite
def requests_for(draw, items: list[SbomComponent]) -> list[KnownRequest]:
    """Requests in any state and context, for some of the components."""
    if not items:
        return []
    return [request_for(draw(st.sampled_from(items)), i, draw(contexts),
                        draw(st.sampled_from(REQUEST_STATES)), draw(st.booleans()),
                        draw(st.none() | st.sampled_from(["A", "B"])))
            for i in range(draw(st.integers(0, 6)))]


@FAST
@given(st.data(), st.lists(components, max_size=6), contexts,
       st.none() | st.sampled_from(["A", "B"]))
def test_classify_never_raises_and_every_component_gets_a_status(policy, data, items, context,
                                                                 product):
    index = RequestIndex(data.draw(requests_for(items)))
    result = gate(SbomDocument("cyclonedx-json", "1.6", "x", tuple(items)), context, index,
                  policy, product=product)
    assert [s.component for s in result.components] == items
    for status in result.components:
        assert status.status in STATUSES
        assert status.verdict in ("allow", "review", "deny")
        assert status.explanation and status.reason
    json.dumps(result.to_dict())
    assert isinstance(result.format_text(), str)


@FAST
@given(st.data(), components, contexts,
       st.sampled_from(["approved", "approved_with_conditions"]))
def test_a_component_approved_in_the_context_always_passes_the_gate(policy, data, component,
                                                                    context, state):
    noise = data.draw(requests_for([component]))
    approval = request_for(component, 100, context, state)
    index = RequestIndex([*noise, approval])
    result = gate(SbomDocument("cyclonedx-json", "1.6", "x", (component,)), context, index,
                  policy)
    assert result.passed, result.format_text()
    assert classify([component], context, index, policy)[0].status in (
        "approved", "approved_with_conditions")
