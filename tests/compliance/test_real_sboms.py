"""The gate on SBOMs written by npm (`npm sbom` of a lockfile, CycloneDX and SPDX) and
converted by pyspdxtools: the packages MIT, ISC and (MIT OR Apache-2.0), one scoped, one with
an upper-case name npm writes in lower case in its purl."""
from __future__ import annotations

import pytest

from governance.compliance import KnownRequest, RequestIndex, classify, gate
from governance.sbom import component_key, match_key, read_sbom
from tests.sbom.conftest import NPM_EXPECTED

FORMS = ("cyclonedx", "spdx", "tag-value")


def approvals(context: str, state: str = "approved") -> list[KnownRequest]:
    """An approval for each package, as the app would hold it; JSONStream's was filed by name
    and version only, in the case its authors write it."""
    return [KnownRequest(request_id=i, title=f"Adopt {name}",
                         match_key=None if name == "JSONStream" else match_key(purl),
                         name_key=component_key(name, version), context=context, state=state)
            for i, (name, (purl, version, _)) in enumerate(NPM_EXPECTED.items(), start=1)]


@pytest.mark.parametrize("form", FORMS)
def test_npm_packages_under_permissive_licenses_pass_in_distributed_without_requests(
        npm_offline, policy, form):
    result = gate(read_sbom(npm_offline[form]), "distributed", RequestIndex(), policy)
    assert result.passed, result.format_text()
    assert {s.component.name: s.status for s in result.components} == dict.fromkeys(
        NPM_EXPECTED, "allowed_by_policy")


def test_every_form_of_the_same_sbom_gets_the_same_statuses(npm_offline, policy):
    index = RequestIndex(approvals("distributed-modified")[:3])

    def standing(form):
        statuses = classify(read_sbom(npm_offline[form]), "distributed-modified", index, policy)
        return sorted((s.component.name, s.status, s.verdict, s.requests) for s in statuses)

    assert standing("cyclonedx") == standing("spdx") == standing("tag-value")


def test_distributed_modified_fails_until_each_package_is_approved_for_it(npm_offline, policy):
    document = read_sbom(npm_offline["cyclonedx"])
    refused = gate(document, "distributed-modified", RequestIndex(approvals("distributed")),
                   policy)
    assert len(refused.failures) == len(NPM_EXPECTED)
    assert all("approved for distributed only" in s.reason for s in refused.failures)

    accepted = gate(document, "distributed-modified",
                    RequestIndex(approvals("distributed-modified")), policy)
    assert accepted.passed, accepted.format_text()
    by_name = {s.component.name: s for s in accepted.components}
    assert by_name["JSONStream"].status == "approved"  # found by name and version


def test_a_rejection_stops_a_permissive_package(npm_offline, policy):
    rejected = [r for r in approvals("distributed", state="rejected") if r.name_key ==
                "atob@2.1.2"]
    result = gate(read_sbom(npm_offline["cyclonedx"]), "distributed", RequestIndex(rejected),
                  policy)
    assert [(s.component.name, s.status) for s in result.failures] == [("atob", "rejected")]
    assert result.format_text().splitlines()[0].startswith(
        "FAIL atob 2.1.2 <pkg:npm/atob@2.1.2>: rejected: request #")


def test_license_names_from_cyclonedx_py_are_read_where_scancode_knows_one_license(
        cyclonedx_env, policy):
    """cyclonedx-py writes trove classifiers as license names: `Apache Software License` is
    Apache-2.0 to scancode; `BSD License` names BSD-3-Clause and BSD-2-Clause alike and
    stays a named, unknown license for the office to review."""
    document = read_sbom(cyclonedx_env[("1.6", "JSON")])
    statuses = {s.component.name: s for s in classify(document, "distributed", RequestIndex(),
                                                       policy)}
    named = {name: s for name, s in statuses.items()
             if not s.component.license_expression and s.component.license_names}
    apache = [s for s in named.values()
              if s.component.license_names == ("License :: OSI Approved :: Apache Software "
                                               "License",)]
    assert apache, sorted(named)
    for status in apache:
        assert status.verdict == "allow"
        assert "as Apache-2.0" in status.explanation
    jinja = statuses["Jinja2"]
    assert jinja.component.license_names == ("License :: OSI Approved :: BSD License",)
    assert jinja.verdict == "review" and "named, unknown license" in jinja.explanation
