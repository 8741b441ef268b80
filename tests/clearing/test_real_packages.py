"""License clearing on real packages, scanned by the real pipeline (scancode in a worker):
the verdict before and after the office concludes, and the exports the standards' own tools
validate.

- typing_extensions 4.15.0 declares PSF-2.0; its LICENSE tells the Python license's history,
  GPL-1.0-or-later included, which scancode detects.
- jszip 3.10.1 is `MIT OR GPL-3.0-or-later` and carries the GPL text as a file.
- web3-eth-iban 1.10.4 (npm) is LGPL-3.0.
"""
from __future__ import annotations

import io
import json

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from spdx_tools.spdx.parser.parse_anything import parse_file
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

from governance import policies
from governance.auth.roles import Role
from governance.database import db
from governance.inventory import exports
from governance.license_review import clearing
from governance.license_review.verdicts import verdict_for
from governance.scans import services as scans
from governance.scans.models import ScanState
from governance.scans.queue import scan_config
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f
from tests.clearing.real_archives import real_archive

NAMESPACE = "https://oss.example.com/spdx"


@pytest.fixture
def people():
    team = f.team("Data")
    return {"team": team, "bob": f.user(Role.ENGINEER, teams=[team], username="bob"),
            "olivia": f.user(Role.OSS_OFFICE, username="olivia")}


def scanned(purl: str, people, scan_pool, context="distributed"):
    """A request for the package, its real archive uploaded and scanned, in review."""
    path, name = real_archive(purl)
    item = f.request_in(State.SUBMITTED, people["bob"], people["team"], usage_context=context,
                        purl=purl)
    scan = scans.start_scan(item, people["bob"], scan_config(),
                            upload=io.BytesIO(path.read_bytes()), upload_name=name)
    db.session.commit()
    scans.run_scan(scan.id, scan_config(), scan_pool)
    db.session.refresh(scan)
    assert scan.state == ScanState.SUCCEEDED, scan.error
    workflow.transition(item, people["olivia"], "start_review")
    db.session.commit()
    return item, scan


def approve(item, office):
    f.ready_to_approve(item, office)
    workflow.transition(item, office, "approve", reason="Cleared.")
    db.session.commit()


def spdx_packages(tmp_path) -> dict:
    result = exports.build("spdx-json", "company", policies.license_policy(), NAMESPACE)
    path = tmp_path / result.filename
    path.write_text(result.content, encoding="utf-8")
    document = parse_file(str(path))
    assert validate_full_spdx_document(document) == []
    return {p.name: p for p in document.packages}


def cyclonedx_components() -> dict:
    result = exports.build("cyclonedx-json", "company", policies.license_policy(), NAMESPACE)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(result.content) is None
    return {c["name"]: c for c in json.loads(result.content)["components"]}


def test_typing_extensions_is_psf_once_the_office_concludes_it(people, scan_pool, tmp_path):
    item, scan = scanned("pkg:pypi/typing-extensions@4.15.0", people, scan_pool)
    summary = scan.summary
    # The manifest's own statement, not an AND of everything its License-File holds.
    assert summary["declared_license_expression_spdx"] == "PSF-2.0"
    assert summary["declared_from"].endswith("PKG-INFO")
    assert "gpl-1.0-plus" in summary["scancode_declared_license_expression"]
    policy = policies.license_policy()

    before = verdict_for(item, policy)
    assert before.basis == "declared" and before.evaluation["verdict"] == "allow"
    assert before.verdict == "review" and "GPL-1.0-or-later" in before.raised
    assert any("GPL-1.0-or-later" in d.expression_spdx for d in before.findings)

    # Approving now needs a decision about the license first: review is not a deny, but
    # the exports must not claim PSF-2.0 as concluded while the history is unexplained.
    approve(item, people["olivia"])
    unconcluded = spdx_packages(tmp_path)["typing-extensions"]
    assert str(unconcluded.license_declared) == "PSF-2.0"
    assert str(unconcluded.license_concluded) == "NOASSERTION"

    clearing.conclude(item.component, people["olivia"], clearing.ConclusionInput(
        "PSF-2.0", "license-history-text",
        "LICENSE tells the history of the Python license; the package is PSF-2.0."))
    db.session.commit()
    after = verdict_for(item, policy)
    assert (after.basis, after.verdict, after.expression_spdx) == ("concluded", "allow",
                                                                  "PSF-2.0")

    package = spdx_packages(tmp_path)["typing-extensions"]
    assert str(package.license_concluded) == "PSF-2.0"
    assert str(package.license_declared) == "PSF-2.0"
    assert "Python Software Foundation" in package.copyright_text
    component = cyclonedx_components()["typing-extensions"]
    assert {(entry["license"]["id"], entry["license"]["acknowledgement"])
            for entry in component["licenses"]} == {("PSF-2.0", "concluded"),
                                                     ("PSF-2.0", "declared")}
    assert "Python Software Foundation" in component["copyright"]


def test_jszip_takes_mit_and_ships_no_gpl_text(people, scan_pool):
    item, scan = scanned("pkg:npm/jszip@3.10.1", people, scan_pool)
    assert scan.summary["declared_license_expression_spdx"] in (
        "MIT OR GPL-3.0-or-later", "GPL-3.0-or-later OR MIT")
    # The category shown is the option relied on (MIT), not the most restrictive one.
    assert scan.summary["declared_license_category"] == "Permissive"
    policy = policies.license_policy()
    before = verdict_for(item, policy)
    assert before.evaluation["chosen"] == "MIT"

    clearing.conclude(item.component, people["olivia"], clearing.ConclusionInput(
        "MIT OR GPL-3.0-or-later", "dual-license-choice",
        "We take MIT; the GPL text ships only as the other choice.", option="MIT"))
    db.session.commit()
    after = verdict_for(item, policy)
    assert after.verdict == "allow" and after.basis == "concluded"
    assert "source-offer" not in {o["id"] for o in after.evaluation["obligations"]}
    approve(item, people["olivia"])

    notice = exports.build("notice-txt", "company", policy, NAMESPACE).content
    assert "Permission is hereby granted, free of charge" in notice
    assert "GNU GENERAL PUBLIC LICENSE" not in notice
    component = cyclonedx_components()["jszip"]
    assert component["licenses"][0] == {"expression": "MIT OR GPL-3.0-or-later",
                                         "acknowledgement": "concluded"}


def test_an_lgpl_package_is_reviewed_for_distribution(people, scan_pool, tmp_path):
    item, scan = scanned("pkg:npm/web3-eth-iban@1.10.4", people, scan_pool)
    assert "LGPL-3.0" in scan.summary["declared_license_expression_spdx"]
    assert scan.summary["declared_license_category"] == "Copyleft Limited"
    policy = policies.license_policy()
    verdict = verdict_for(item, policy)
    assert verdict.verdict == "review"  # Copyleft Limited in a shipped product
    internal, _ = scanned("pkg:npm/web3-eth-iban@1.10.4", people, scan_pool,
                          context="internal")
    assert verdict_for(internal, policy).evaluation["verdict"] == "allow"
