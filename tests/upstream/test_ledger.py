"""Recording upstream contributions one by one: the team's members for their team, the office
and admins for any; every problem said at once, on its field; the state changed later; each
change on the audit trail."""
from __future__ import annotations

from datetime import date

import pytest

from governance.audit.models import AuditEvent
from governance.database import db
from governance.errors import NotAllowed, ValidationFailed
from governance.upstream import services
from governance.upstream.models import Contribution
from tests.upstream.conftest import TODAY, contribution


def _input(team, **values) -> services.ContributionInput:
    data = dict(url="https://github.com/psf/requests/issues/9", team_id=team.id, kind="issue",
                state="open", project="pkg:pypi/requests", opened_on=date(2025, 1, 14))
    data.update(values)
    return services.ContributionInput(**data)


def test_a_member_records_their_teams_contribution_and_the_audit_trail_says_so(world):
    item = contribution(world["engineer"], world["payments"], title="Fix proxy auth")
    assert (item.kind, item.state, item.project, item.team.name) == (
        "pr", "merged", "pkg:pypi/requests", "Payments")
    assert item.recorded_by == world["engineer"]
    event = db.session.query(AuditEvent).filter_by(action="contribution_recorded").one()
    assert event.object_id == item.id and event.after["url"] == item.url


def test_an_engineer_cannot_record_for_another_team(world):
    with pytest.raises(NotAllowed, match="Only members of Platform"):
        services.record(world["engineer"], _input(world["platform"]), today=TODAY)
    db.session.rollback()
    assert db.session.query(Contribution).count() == 0


@pytest.mark.parametrize("who", ["office", "admin"])
def test_the_office_and_admins_record_for_any_team(world, who):
    item = services.record(world[who], _input(world["platform"]), today=TODAY)
    assert item.team == world["platform"]


def test_compliance_records_for_no_team(world):
    with pytest.raises(NotAllowed):
        services.record(world["compliance"], _input(world["payments"]), today=TODAY)


def test_every_problem_is_reported_at_once_on_its_field(world):
    with pytest.raises(ValidationFailed) as caught:
        services.record(world["engineer"], services.ContributionInput(
            url="ftp://example.com/x", team_id=None, kind="commit", state="done",
            project="pkg:not a purl", opened_on=None, title="x" * 301), today=TODAY)
    assert set(caught.value.errors) == {"url", "team_id", "kind", "state", "opened_on",
                                        "project", "title"}


def test_a_merged_issue_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        services.record(world["engineer"], _input(world["payments"], state="merged",
                                                  closed_on=date(2025, 2, 1)), today=TODAY)
    assert caught.value.errors == {
        "state": "An issue is closed, never merged: only a pull request is merged."}


def test_closed_before_opened_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        services.record(world["engineer"], _input(world["payments"], state="closed",
                                                  closed_on=date(2025, 1, 13)), today=TODAY)
    assert "before it was opened" in caught.value.errors["closed_on"]


@pytest.mark.parametrize("values,field", [
    ({"opened_on": date(2026, 12, 8)}, "opened_on"),
    ({"state": "closed", "closed_on": date(2026, 12, 8)}, "closed_on"),
    ({"state": "open", "closed_on": date(2025, 2, 1)}, "closed_on"),
    ({"state": "closed", "closed_on": None}, "closed_on"),
])
def test_days_in_the_future_and_closed_days_that_do_not_fit_the_state_are_refused(
        world, values, field):
    with pytest.raises(ValidationFailed) as caught:
        services.record(world["engineer"], _input(world["payments"], **values), today=TODAY)
    assert set(caught.value.errors) == {field}


def test_the_project_is_kept_without_its_version_or_taken_from_the_component(world):
    versioned = services.record(world["engineer"], _input(
        world["payments"], project="pkg:pypi/Requests@2.32.3"), today=TODAY)
    assert versioned.project == "pkg:pypi/requests"
    from_component = services.record(world["engineer"], _input(
        world["payments"], url="https://github.com/psf/requests/pull/2", project="",
        component_id=world["component"].id), today=TODAY)
    assert from_component.project == "pkg:pypi/requests"
    assert from_component.component == world["component"]
    plain = services.record(world["engineer"], _input(
        world["payments"], url="https://github.com/kubernetes/kubernetes/issues/3",
        project="  Kubernetes  "), today=TODAY)
    assert plain.project == "Kubernetes"
    with pytest.raises(ValidationFailed) as caught:
        services.record(world["engineer"], _input(
            world["payments"], url="https://github.com/psf/requests/pull/4",
            project="pkg:npm/lodash", component_id=world["component"].id), today=TODAY)
    assert set(caught.value.errors) == {"project"}


def test_the_same_address_is_refused_twice_even_with_a_fragment_or_slash(world):
    contribution(world["engineer"], world["payments"])
    with pytest.raises(ValidationFailed) as caught:
        services.record(world["engineer"], _input(
            world["payments"], url="https://github.com/psf/requests/pull/1/#issuecomment-5"),
            today=TODAY)
    assert "Already in the ledger" in caught.value.errors["url"]


def test_the_team_changes_the_state_once_upstream_merges_it(world):
    item = contribution(world["engineer"], world["payments"], state="open", closed_on=None)
    with pytest.raises(NotAllowed):
        services.change_state(world["other"], item, "merged", date(2024, 6, 1), today=TODAY)
    with pytest.raises(ValidationFailed):
        services.change_state(world["engineer"], item, "merged", None, today=TODAY)
    services.change_state(world["engineer"], item, "merged", date(2024, 6, 1), today=TODAY)
    db.session.commit()
    assert (item.state, item.closed_on) == ("merged", date(2024, 6, 1))
    event = db.session.query(AuditEvent).filter_by(action="contribution_state_changed").one()
    assert (event.before["state"], event.after["state"]) == ("open", "merged")


def test_a_project_shows_its_contributions_newest_first_and_its_roles(world):
    older = contribution(world["engineer"], world["payments"])
    newer = contribution(world["engineer"], world["payments"],
                         url="https://github.com/psf/requests/issues/2", kind="issue",
                         state="open", closed_on=None, opened_on=date(2025, 3, 1))
    contribution(world["engineer"], world["payments"], url="https://github.com/lodash/x/1",
                 project="pkg:npm/lodash")
    contributions, roles = services.for_project("pkg:pypi/requests")
    assert contributions == [newer, older] and roles == []
