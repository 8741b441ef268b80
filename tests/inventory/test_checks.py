"""SBOM checks of a product and the CI gate, on SBOMs real tools wrote."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from governance.adoption.models import AdoptionRequest
from governance.auth.roles import Role
from governance.database import db
from governance.errors import NotAllowed, ValidationFailed
from governance.inventory import checks, exports
from governance.states import State
from tests import factories as f
from tests.api.helpers import Api
from tests.inventory.conftest import approved

MB = 1024 * 1024
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library">
<name>&lol2;</name></component></components></bom>"""


def _statuses(record) -> dict[str, str]:
    return {row["name"]: row["status"] for row in checks.component_results(record)}


def test_an_npm_sbom_is_checked_component_by_component(world, policy, npm_offline):
    w = world
    # What the office decided for the Admin console (distributed) and elsewhere.
    approved(w["alice"], w["office"], w["platform"], "pkg:npm/is-number@7.0.0", "mit",
             product=w["console"])
    approved(w["alice"], w["office"], w["platform"], "pkg:npm/atob@2.1.2", "mit OR apache-2.0",
             product=w["console"], state=State.REJECTED)
    approved(w["alice"], w["office"], w["platform"], "pkg:npm/through@2.3.8", "mit",
             context="distributed-modified", state=State.SUBMITTED)
    for fmt in ("cyclonedx", "spdx", "tag-value"):
        record = checks.import_sbom(w["console"], w["alice"], f"npm.{fmt}", npm_offline[fmt],
                                    policy, MB)
        db.session.commit()
        statuses = _statuses(record)
        assert statuses["is-number"] == "approved", fmt
        assert statuses["atob"] == "rejected", fmt  # the office's no beats the policy's allow
        # MIT and ISC need no request when distributed (allow_without_request).
        assert statuses["@isaacs/string-locale-compare"] == "allowed_by_policy", fmt
        assert statuses["jsonparse"] == "allowed_by_policy", fmt
        assert record.counts["approved"] == 1 and sum(record.counts.values()) == 6
        assert record.context == "distributed" and record.policy_digest == policy.digest


def test_in_a_context_where_nothing_passes_alone_unknowns_become_drafts(world, policy, rules,
                                                                         npm_offline):
    w = world
    w["console"].usage_context = "distributed-modified"
    db.session.commit()
    record = checks.import_sbom(w["console"], w["alice"], "npm.json", npm_offline["cyclonedx"],
                                policy, MB)
    db.session.commit()
    assert set(_statuses(record).values()) == {"unknown"}
    unknown = [i for i, row in enumerate(checks.component_results(record)) if row["name"] in
               ("jsonparse", "through")]
    with pytest.raises(NotAllowed):
        checks.create_drafts(record, w["bob"], unknown, rules)  # not in the product's team
    drafts = checks.create_drafts(record, w["alice"], unknown, rules)
    db.session.commit()
    assert sorted(d.component.name for d in drafts) == ["jsonparse", "through"]
    assert all(d.state == State.DRAFT and d.product is w["console"]
               and d.usage_context == "distributed-modified" for d in drafts)
    assert "npm.json" in drafts[0].justification
    with pytest.raises(ValidationFailed):
        checks.create_drafts(record, w["alice"], [len(checks.component_results(record))], rules)


def test_hostile_and_broken_sboms_are_refused_and_nothing_is_kept(world, policy):
    from governance.inventory.models import SbomImport

    for data in (BILLION_LAUGHS, b"[" * 100_000, b"not an sbom", b"", b"{}" + b" " * (2 * MB)):
        with pytest.raises(ValidationFailed) as caught:
            checks.import_sbom(world["console"], world["alice"], "x", data, policy, MB)
        assert caught.value.errors["sbom"]
        db.session.rollback()
    assert db.session.scalars(select(SbomImport)).all() == []


def test_round_trip_export_then_import_finds_the_same_components(world, policy):
    w = world
    for purl in ("pkg:npm/lodash@4.17.21", "pkg:npm/is-number@7.0.0",
                 "pkg:npm/%40babel/core@7.24.0"):
        approved(w["alice"], w["office"], w["platform"], purl, "mit",
                 context="distributed-modified", product=w["console"])
    w["console"].usage_context = "distributed-modified"
    db.session.commit()
    for fmt in ("cyclonedx-json", "spdx-json"):
        exported = exports.build(fmt, "product:Admin console", policy, "https://x.example/spdx")
        record = checks.import_sbom(w["console"], w["alice"], exported.filename,
                                    exported.content.encode(), policy, MB)
        assert {row["purl"]: row["status"] for row in checks.component_results(record)} == {
            "pkg:npm/lodash@4.17.21": "approved", "pkg:npm/is-number@7.0.0": "approved",
            "pkg:npm/%40babel/core@7.24.0": "approved"}, fmt


def test_the_gate_passes_fails_and_explains(world, policy, runner, tmp_path, npm_offline):
    w = world
    sbom = tmp_path / "bom.json"
    sbom.write_bytes(npm_offline["cyclonedx"])
    # distributed: the MIT/ISC ones pass by policy; atob (MIT OR Apache-2.0) too.
    ok = runner.invoke(args=["gate", str(sbom), "--context", "distributed"])
    assert ok.exit_code == 0, ok.output
    # distributed-modified: every component needs an approval.
    failed = runner.invoke(args=["gate", str(sbom), "--context", "distributed-modified",
                                 "--json"])
    assert failed.exit_code == 1
    answer = json.loads(failed.output)
    assert answer["passed"] is False and len(answer["components"]) == 6
    for purl in ("pkg:npm/is-number@7.0.0", "pkg:npm/jsonparse@1.3.1"):
        approved(w["alice"], w["office"], w["platform"], purl, "mit",
                 context="distributed-modified", product=w["console"])
    partly = runner.invoke(args=["gate", str(sbom), "-c", "distributed-modified",
                                 "--product", "Admin console", "--json"])
    passed = {c["name"] for c in json.loads(partly.output)["components"]
              if c["status"] == "approved"}
    assert partly.exit_code == 1 and passed == {"is-number", "jsonparse"}
    assert runner.invoke(args=["gate", str(sbom), "-c", "space"]).exit_code == 3
    assert runner.invoke(args=["gate", str(sbom), "-c", "saas", "-p", "Nope"]).exit_code == 3
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"{\"bomFormat\": \"CycloneDX\", \"components\": 7}")
    bad = runner.invoke(args=["gate", str(garbage), "-c", "saas"])
    assert bad.exit_code == 3 and "components" in bad.output
    assert runner.invoke(args=["gate", str(sbom)]).exit_code == 3  # no --context


def test_the_gate_and_the_import_over_the_api(world, client, npm_offline):
    w = world
    api = Api(client, w["alice"])
    answer = api.post("/gate?context=distributed", data=npm_offline["cyclonedx"],
                      content_type="application/json")
    assert answer.status_code == 200 and answer.get_json()["passed"] is True
    strict = api.post("/gate?context=distributed-modified", data=npm_offline["spdx"],
                      content_type="application/json").get_json()
    assert strict["passed"] is False
    assert api.post("/gate?context=distributed", data=BILLION_LAUGHS,
                    content_type="application/xml").status_code == 422
    assert api.post("/gate", data=npm_offline["spdx"]).status_code == 422  # no context
    imported = api.post(f"/products/{w['console'].id}/sboms", data=npm_offline["tag-value"],
                        content_type="text/plain")
    assert imported.status_code == 201
    assert sum(imported.get_json()["counts"].values()) == 6
    outsider = Api(client, w["bob"])
    assert outsider.post(f"/products/{w['console'].id}/sboms",
                         data=npm_offline["spdx"]).status_code == 403
    assert Api(client, f.user(Role.COMPLIANCE)).post(
        f"/products/{w['console'].id}/sboms", data=npm_offline["spdx"]).status_code == 201
    assert not db.session.scalars(select(AdoptionRequest).where(
        AdoptionRequest.state == State.DRAFT)).all()


def test_an_oversized_gate_request_is_refused_without_reading_it_all(world, client, app):
    api = Api(client, world["alice"])
    limit = app.config["SBOM_MAX_BYTES"]
    app.config["SBOM_MAX_BYTES"] = 1000
    try:
        answer = api.post("/gate?context=distributed", data=b"{" + b" " * 5000 + b"}",
                          content_type="application/json")
    finally:
        app.config["SBOM_MAX_BYTES"] = limit
    assert answer.status_code == 422
    assert "limit" in answer.get_json()["errors"]["sbom"]


def test_a_component_without_a_purl_is_drafted_as_a_generic_package(world, policy, rules):
    w = world
    data = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "components": [{"type": "library", "name": "vendored-zlib",
                                       "version": "1.3.1"}]}).encode()
    record = checks.import_sbom(w["console"], w["alice"], "bom.json", data, policy, MB)
    assert checks.component_results(record)[0]["status"] == "unknown"
    (draft,) = checks.create_drafts(record, w["alice"], [0], rules)
    assert draft.component.purl == "pkg:generic/vendored-zlib@1.3.1"
