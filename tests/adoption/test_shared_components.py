"""A component row is shared by every team: no request changes its facts, and links are
checked as links when they are entered."""
from __future__ import annotations

import pytest

from governance.adoption import services as adoption
from governance.auth.roles import Role
from governance.database import db
from governance.errors import ValidationFailed
from governance.scans.models import Scan, ScanState
from governance.states import State
from tests import factories as f

LODASH = "pkg:npm/lodash@4.17.21"


@pytest.fixture
def teams():
    platform, data = f.team("Platform"), f.team("Data")
    return {"platform": platform, "data": data,
            "alice": f.user(Role.ENGINEER, teams=[platform]),
            "bob": f.user(Role.ENGINEER, teams=[data]), "office": f.user(Role.OSS_OFFICE)}


def test_a_draft_of_another_team_never_changes_the_shared_component(client, teams):
    approved = f.request_in(State.APPROVED, teams["alice"], teams["platform"], teams["office"],
                            purl=LODASH, homepage_url="https://lodash.com")
    draft = f.request_in(State.DRAFT, teams["bob"], teams["data"], purl=LODASH,
                         homepage_url="https://attacker.example/lodash")
    assert draft.component_id == approved.component_id
    assert approved.component.homepage_url == ""  # requests keep their own links
    assert (approved.homepage_url, draft.homepage_url) == (
        "https://lodash.com", "https://attacker.example/lodash")
    f.login(client, teams["alice"].username)
    page = client.get(f"/adoption/{approved.id}").get_data(as_text=True)
    assert "https://lodash.com" in page and "attacker.example" not in page


@pytest.mark.parametrize("url", ["https://example.com/a b", "https://exa mple.com",
                                 "javascript:alert(1)", "https://example.com/\x00",
                                 "ftp://example.com/x", "https://"])
def test_a_link_that_is_not_a_web_address_is_refused_at_input(teams, rules, url):
    data = f.adoption_input(teams["platform"], homepage_url=url, repository_url=url)
    with pytest.raises(ValidationFailed) as caught:
        adoption.create(teams["alice"], data, rules)
    assert {"homepage_url", "repository_url"} <= set(caught.value.errors)


def test_the_registry_metadata_of_a_scan_gives_the_component_its_homepage(teams):
    item = f.request_in(State.SUBMITTED, teams["alice"], teams["platform"], purl=LODASH)
    scan = Scan(request=item, state=ScanState.SUCCEEDED, summary={"packages": [
        {"name": "vendored-thing", "homepage_url": "https://elsewhere.example"},
        {"name": "lodash", "homepage_url": "https://lodash.com/"}]})
    db.session.add(scan)
    db.session.flush()
    adoption.learn_component_facts(scan)
    assert item.component.homepage_url == "https://lodash.com/"
    # A fact once known is not replaced by a later scan's.
    scan.summary = {"packages": [{"name": "lodash", "homepage_url": "https://other.example"}]}
    adoption.learn_component_facts(scan)
    assert item.component.homepage_url == "https://lodash.com/"
