"""Which requests the index finds for a component: by purl, else by name and version."""
from __future__ import annotations

import pytest

from governance.compliance import KnownRequest, RequestIndex
from governance.sbom import SbomComponent
from tests.compliance.conftest import MIT_LIB, request


def ids(index: RequestIndex, component: SbomComponent) -> list[int]:
    return [r.request_id for r in index.requests_for(component)]


def test_a_component_with_a_purl_finds_the_requests_for_its_purl_in_every_context_and_state():
    index = RequestIndex([request(1), request(2, context="internal", state="rejected"),
                          request(3, purl="pkg:npm/left-pad@1.2.0")])
    assert ids(index, MIT_LIB) == [1, 2]
    assert len(index) == 3


def test_qualifiers_and_subpath_of_the_sbom_purl_do_not_keep_it_from_matching():
    index = RequestIndex([request(1)])
    component = SbomComponent(name="left-pad", version="1.3.0",
                              purl="pkg:npm/left-pad@1.3.0?vcs_url=git%2Bhttps://x#lib")
    assert ids(index, component) == [1]


def test_pypi_names_are_normalised_as_pypi_does():
    asked = SbomComponent(name="Jaraco.Functools", version="4.0.0",
                          purl="pkg:pypi/Jaraco.Functools@4.0.0")
    listed = SbomComponent(name="jaraco-functools", version="4.0.0",
                           purl="pkg:pypi/jaraco-functools@4.0.0")
    assert ids(RequestIndex([request(7, asked)]), listed) == [7]


def test_a_component_without_a_purl_finds_requests_by_name_and_version_whatever_the_case():
    vendored = SbomComponent(name="Left-Pad", version="1.3.0")
    index = RequestIndex([request(1), request(2, by_purl=False),
                          request(3, SbomComponent(name="left-pad", version="1.2.0"))])
    assert ids(index, vendored) == [1, 2]


def test_an_unreadable_purl_is_matched_by_name_and_version():
    component = SbomComponent(name="left-pad", version="1.3.0", purl="not a purl")
    assert ids(RequestIndex([request(1)]), component) == [1]


def test_a_component_with_a_purl_also_finds_requests_that_have_no_purl_by_name_and_version():
    index = RequestIndex([request(1), request(2, by_purl=False)])
    assert ids(index, MIT_LIB) == [1, 2]


def test_a_purl_never_falls_back_to_name_and_version_among_requests_with_another_purl():
    # PyPI's left-pad 1.3.0 is not npm's, though name and version are the same.
    index = RequestIndex([request(1, purl="pkg:pypi/left-pad@1.3.0")])
    assert ids(index, MIT_LIB) == []


def test_another_version_is_another_package():
    index = RequestIndex([request(1)])
    assert ids(index, SbomComponent(name="left-pad", version="1.3.1",
                                    purl="pkg:npm/left-pad@1.3.1")) == []
    assert ids(index, SbomComponent(name="left-pad", version="1.3.1")) == []


def test_requests_for_returns_a_new_list_each_time():
    index = RequestIndex([request(1)])
    index.requests_for(MIT_LIB).clear()
    assert ids(index, MIT_LIB) == [1]


def test_a_request_in_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown state 'accepted'"):
        KnownRequest(request_id=1, title="x", match_key=None, name_key="x@1",
                     context="internal", state="accepted")
