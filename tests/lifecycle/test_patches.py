"""Local patches: recorded by their team, a permanent one approved by the office and reviewed
yearly, re-confirmed at each update (moved to the new version or removed), a temporary one
flagged for removal once upstream released the fix; in the CycloneDX export as
pedigree.patches."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from governance import policies
from governance.audit.models import AuditEvent
from governance.database import db
from governance.errors import IllegalTransition, NotAllowed, ValidationFailed
from governance.inventory import exports
from governance.lifecycle import patches, updates
from governance.lifecycle.models import LocalPatch
from governance.scans.queue import scan_config
from governance.states import State
from tests import factories as f

DIFF = "--- a/demo_lib/__init__.py\n+++ b/demo_lib/__init__.py\n@@ -1 +1 @@\n-x\n+y\n"


@pytest.fixture
def in_use(people):
    return f.request_in(State.APPROVED, people["erin"], people["payments"], people["office"],
                        purl="pkg:pypi/demo-lib@1.0.0")


def _patch(person, item, team, **overrides):
    values = dict(component_id=item.component_id, team_id=team.id, kind="temporary",
                  title="Retry on 503", patch_text=DIFF, patch_filename="retry.patch",
                  upstream_url="https://github.com/demo/demo-lib/pull/7", status="forwarded")
    values.update(overrides)
    patch = patches.create(person, patches.PatchInput(**values))
    db.session.commit()
    return patch


def test_a_patch_follows_its_package_and_is_reconfirmed_at_each_update(people, in_use):
    patch = _patch(people["erin"], in_use, people["payments"])
    assert patch.project == "pkg:pypi/demo-lib" and patches.attention(patch) == []
    [(update, _)] = updates.record_update(people["erin"], in_use.component,
                                          updates.UpdateInput(to_version="1.1.0"),
                                          scan_config())
    db.session.commit()
    assert patches.attention(patch) == ["Re-confirm for demo-lib 1.1.0"]
    assert [p.id for p in patches.listed(needs_attention=True)] == [patch.id]
    with pytest.raises(NotAllowed):
        patches.confirm(people["pat"], patch, still_needed=True)
    patches.confirm(people["erin"], patch, still_needed=True)
    db.session.commit()
    assert patch.component.version == "1.1.0" and patch.confirm_for_update is None
    with pytest.raises(IllegalTransition):
        patches.confirm(people["erin"], patch, still_needed=True)
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "patch").order_by(AuditEvent.id))]
    assert actions == ["patch_recorded", "patch_confirmation_asked", "patch_confirmed"]


def test_removing_at_an_update_needs_a_reason(people, in_use):
    patch = _patch(people["erin"], in_use, people["payments"])
    updates.record_update(people["erin"], in_use.component,
                          updates.UpdateInput(to_version="1.1.0"), scan_config())
    db.session.commit()
    with pytest.raises(ValidationFailed) as caught:
        patches.confirm(people["erin"], patch, still_needed=False)
    assert "Say why" in caught.value.errors["note"]
    patches.confirm(people["erin"], patch, still_needed=False, note="Upstream has it in 1.1.0")
    db.session.commit()
    assert patch.state == "removed" and patch.component.version == "1.0.0"
    assert patches.listed() == []


def test_a_permanent_patch_waits_for_the_office_then_comes_back_yearly(people, in_use):
    patch = _patch(people["erin"], in_use, people["payments"], kind="permanent",
                   status="not-needed", upstream_url="")
    assert patch.approval == "pending"
    assert "waiting for the office's approval" in patches.attention(patch)[0]
    with pytest.raises(NotAllowed):
        patches.approve(people["erin"], patch, reason="Mine.")
    with pytest.raises(ValidationFailed):
        patches.approve(people["office"], patch, reason=" ")
    patches.approve(people["office"], patch, reason="Upstream declined; we need it.")
    db.session.commit()
    months = policies.lifecycle_policy().patch_review_months
    assert patch.next_review_on == date.today().replace(year=date.today().year + months // 12)
    assert patches.attention(patch) == []
    assert "Yearly review due" in patches.attention(
        patch, today=patch.next_review_on + timedelta(days=1))[0]


def test_a_temporary_patch_upstream_released_is_flagged_for_removal(people, in_use):
    patch = _patch(people["erin"], in_use, people["payments"], status="applied-upstream",
                   applied_upstream_version="1.1.0")
    assert patches.attention(patch) == [
        "Flagged for removal: upstream released it in 1.1.0"]
    patch.applied_upstream_version = "1.0.0"
    assert patches.attention(patch)[0].startswith("Remove: upstream has it since 1.0.0")


@pytest.mark.parametrize("overrides, field", [
    ({"title": ""}, "title"),
    ({"kind": "forever"}, "kind"),
    ({"patch_text": "", "patch_url": ""}, "patch_url"),
    ({"patch_text": "bin\x00ary"}, "patch_text"),
    ({"patch_text": "x" * (patches.MAX_PATCH_BYTES + 1)}, "patch_text"),
    ({"status": "applied-upstream"}, "applied_upstream_version"),
    ({"upstream_url": "javascript:alert(1)"}, "upstream_url"),
    ({"component_id": 999_999}, "component_id"),
])
def test_bad_patches_are_refused_and_nothing_is_saved(people, in_use, overrides, field):
    with pytest.raises(ValidationFailed) as caught:
        _patch(people["erin"], in_use, people["payments"], **overrides)
    db.session.rollback()
    assert field in caught.value.errors
    assert db.session.scalars(select(LocalPatch)).all() == []


def test_another_team_cannot_record_a_patch_for_this_one(people, in_use):
    with pytest.raises(ValidationFailed) as caught:
        _patch(people["pat"], in_use, people["payments"])
    assert "team you belong to" in caught.value.errors["team"]
    db.session.rollback()
    assert _patch(people["office"], in_use, people["payments"]).team == people["payments"]


def test_the_cyclonedx_export_lists_active_patches_as_pedigree(people, in_use):
    _patch(people["erin"], in_use, people["payments"])
    gone = _patch(people["erin"], in_use, people["payments"], title="Old one")
    patches.remove(people["erin"], gone, reason="Not needed")
    db.session.commit()
    export = exports.build("cyclonedx-json", "company", policies.license_policy(),
                           "https://example.com/sbom")
    [component] = [c for c in json.loads(export.content)["components"]
                   if c["name"] == "demo-lib"]
    [patch] = component["pedigree"]["patches"]
    assert patch["type"] == "unofficial"
    assert patch["diff"]["text"]["content"] == DIFF
    assert patch["resolves"] == [{"type": "defect", "name": "Retry on 503", "references": [
        "https://github.com/demo/demo-lib/pull/7"]}]


def test_the_funding_suggestions_count_the_patches_we_carry(people, in_use):
    from governance.funding import suggestions

    _patch(people["erin"], in_use, people["payments"])
    removed = _patch(people["erin"], in_use, people["payments"], title="Gone")
    patches.remove(people["erin"], removed, reason="Upstream took it")
    db.session.commit()
    [project] = suggestions.projects(policies.funding_policy())
    assert project.purl == "pkg:pypi/demo-lib"
    assert project.signals["local_patches"] == 1.0
