"""GitHub requests on the workflow core: what is accepted, what is refused (every problem at
once), edits and their audit, submission, and who may do what."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from governance import policies
from governance.audit.models import AuditEvent
from governance.database import db
from governance.errors import IllegalTransition, NotAllowed, StaleObject, ValidationFailed
from governance.github_requests import services as github
from governance.github_requests.models import GitHubRequest, PublishRepositoryRequest
from governance.states import State
from governance.workflow import services as workflow
from tests.github.conftest import collaborator, publication


def create(user, data, **kw):
    item = github.create(user, data, policies.github_policy(), **kw)
    db.session.commit()
    return item


def test_a_publication_is_created_with_its_fields_and_an_audit_event(people):
    item = create(people["engineer"], publication(people["team"], license="apache-2.0"))
    assert isinstance(item, PublishRepositoryRequest) and item.kind == "publish_repository"
    assert item.title == "Publish example-corp/rate-limiter"
    assert item.license == "Apache-2.0"  # the SPDX id as SPDX spells it
    assert item.github_teams == [{"slug": "platform", "permission": "push"}]
    event = db.session.query(AuditEvent).filter_by(object_id=item.id, action="created").one()
    assert event.after["org"] == "example-corp" and event.after["maintainers"] == [
        "alice-gh", "bob-gh"]


def test_every_problem_is_named_at_once(people):
    with pytest.raises(ValidationFailed) as caught:
        create(people["engineer"], publication(
            people["team"], org="someone-else", repository="no spaces", license="GPL-9",
            github_teams=[{"slug": "Platform Team", "permission": "push"}],
            maintainers=["-bad-"], contributor_terms="handshake"))
    assert set(caught.value.errors) == {"org", "repository", "license", "github_teams",
                                        "maintainers", "contributor_terms"}
    assert "example-corp" in caught.value.errors["org"]  # says which orgs are governed
    assert db.session.query(GitHubRequest).count() == 0  # nothing half-saved


@pytest.mark.parametrize("teams, problem", [
    ([{"slug": "platform", "permission": "owner"}], "permission is one of"),
    ([{"slug": "platform", "permission": "push"}, {"slug": "platform", "permission": "pull"}],
     "listed twice"),
])
def test_github_teams_need_a_known_permission_once_each(people, teams, problem):
    with pytest.raises(ValidationFailed) as caught:
        create(people["engineer"], publication(people["team"], github_teams=teams))
    assert problem in caught.value.errors["github_teams"]


def test_a_draft_may_be_incomplete_but_submitting_needs_everything(people):
    draft = create(people["engineer"], publication(
        people["team"], license="", maintainers=["alice-gh"], security_contact="",
        contributor_terms="", team_wrote_all=None, justification=""))
    with pytest.raises(ValidationFailed) as caught:
        workflow.transition(draft, people["engineer"], "submit")
    assert set(caught.value.errors) == {"license", "maintainers", "security_contact",
                                        "contributor_terms", "team_wrote_all", "justification"}


def test_code_written_by_others_must_be_described(people):
    with pytest.raises(ValidationFailed) as caught:
        create(people["engineer"], publication(people["team"], team_wrote_all=False))
    assert "other_code" in caught.value.errors
    item = create(people["engineer"], publication(
        people["team"], team_wrote_all=False, other_code="A vendored copy of MIT-licensed fnv."))
    assert item.other_code.startswith("A vendored copy")


def test_an_outside_collaborator_needs_an_expiry_within_the_policy(people):
    for expires, problem in ((None, "Give the date"), (date.today(), "in the future"),
                             (date.today() + timedelta(days=400), "At most 365 days")):
        with pytest.raises(ValidationFailed) as caught:
            create(people["engineer"], collaborator(people["team"], access_expires_on=expires))
        assert problem in caught.value.errors["access_expires_on"]
    with pytest.raises(ValidationFailed) as caught:
        create(people["engineer"], collaborator(people["team"], permission="admin"))
    assert "permission" in caught.value.errors
    item = create(people["engineer"], collaborator(people["team"]))
    assert item.title == "vendor-dev collaborates on example-corp/rate-limiter"


def test_only_members_of_the_team_ask_for_it(people):
    with pytest.raises(ValidationFailed) as caught:
        create(people["outsider"], publication(people["team"]))
    assert "team" in caught.value.errors


def test_an_edit_records_what_changed_and_checks_the_version(people):
    item = create(people["engineer"], publication(people["team"]))
    version = item.version
    github.update(item, people["teammate"], publication(people["team"], description="Faster"),
                  policies.github_policy(), expected_version=version)
    db.session.commit()
    event = db.session.query(AuditEvent).filter_by(object_id=item.id, action="edited").one()
    assert event.before == {"description": "A token bucket"}
    assert event.after == {"description": "Faster"}
    with pytest.raises(StaleObject):
        github.update(item, people["engineer"], publication(people["team"]),
                      policies.github_policy(), expected_version=version)


def test_the_kind_of_a_request_cannot_change(people):
    item = create(people["engineer"], publication(people["team"]))
    with pytest.raises(ValidationFailed) as caught:
        github.update(item, people["engineer"], collaborator(people["team"]),
                      policies.github_policy(), expected_version=item.version)
    assert "kind" in caught.value.errors


def test_outsiders_cannot_edit_and_decided_requests_cannot_be_edited(people):
    item = create(people["engineer"], publication(people["team"]), submit=True)
    with pytest.raises(NotAllowed):
        github.update(item, people["outsider"], publication(people["team"]),
                      policies.github_policy(), expected_version=item.version)
    workflow.transition(item, people["office"], "start_review")
    workflow.transition(item, people["office"], "reject", reason="Not now.")
    db.session.commit()
    assert item.state == State.REJECTED
    with pytest.raises(IllegalTransition):
        github.update(item, people["engineer"], publication(people["team"]),
                      policies.github_policy(), expected_version=item.version)


def test_lists_filter_by_kind_state_org_and_text(people):
    publish = create(people["engineer"], publication(people["team"]), submit=True)
    create(people["engineer"], collaborator(people["team"]))
    engineer = people["engineer"]

    def listed(**filters):
        return [r.id for r in db.session.scalars(
            github.list_query(engineer, github.ListFilters(**filters)))]

    assert listed(kinds=["publish_repository"]) == [publish.id]
    assert listed(states=["submitted"]) == [publish.id]
    assert len(listed(org="EXAMPLE-CORP")) == 2
    assert listed(q="vendor") != [] and publish.id not in listed(q="vendor")
    # A draft stays with its team.
    outsider = people["outsider"]
    assert [r.id for r in db.session.scalars(
        github.list_query(outsider, github.ListFilters()))] == [publish.id]


def test_submitting_at_once_names_the_form_errors_and_what_submitting_needs_together(people):
    with pytest.raises(ValidationFailed) as caught:
        create(people["engineer"], collaborator(
            people["team"], access_expires_on=date.today() + timedelta(days=999),
            justification=""), submit=True)
    assert set(caught.value.errors) == {"access_expires_on", "justification"}
    with pytest.raises(ValidationFailed) as caught:
        create(people["engineer"], publication(people["team"], repository="bad name",
                                               maintainers=["alice-gh"]), submit=True)
    assert set(caught.value.errors) == {"repository", "maintainers"}
