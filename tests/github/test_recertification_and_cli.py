"""Outside collaborators come back for re-certification when their access ends; `flask github`
commands in a fresh process, as cron and operators run them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from governance import policies
from governance.audit.models import AuditEvent
from governance.database import db
from governance.errors import DecisionBlocked
from governance.github_requests import provisioning, recertification
from governance.github_requests import services as github
from governance.github_requests.models import GitHubRequest
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f
from tests.github.conftest import collaborator


def approved_collaborator(people, held_tasks):
    item = f.github_request_in(State.APPROVED, people["engineer"], people["team"],
                               people["office"], **vars(collaborator(people["team"])))
    provisioning.provision(item.id)  # dry run: the invitation is on record as made
    db.session.expire_all()
    return db.session.get(GitHubRequest, item.id)


def test_access_that_ended_goes_back_to_the_office_and_needs_a_new_date(people, held_tasks):
    item = approved_collaborator(people, held_tasks)
    assert recertification.lapse_expired_access() == []  # still ahead
    ended = item.access_expires_on + timedelta(days=1)
    assert recertification.lapse_expired_access(ended) == [item]
    db.session.commit()
    assert item.state == State.IN_REVIEW
    event = db.session.query(AuditEvent).filter_by(object_id=item.id,
                                                   action="approval_reopened").one()
    assert "re-certify" in event.after["reason"] and event.actor_id is None
    item.access_expires_on = date.today() - timedelta(days=1)  # as it would be by then
    db.session.commit()
    with pytest.raises(DecisionBlocked) as caught:
        workflow.transition(item, people["office"], "approve", reason="Still needed.")
    assert "new end date" in caught.value.errors["access_expires_on"]
    workflow.transition(item, people["office"], "request_changes", reason="New end date?")
    github.update(item, people["engineer"], collaborator(
        people["team"], access_expires_on=date.today() + timedelta(days=60)),
        policies.github_policy(), expected_version=item.version)
    workflow.transition(item, people["engineer"], "resubmit")
    workflow.transition(item, people["office"], "start_review")
    workflow.transition(item, people["office"], "approve", reason="Re-certified.")
    db.session.commit()
    # The invitation made the first time is kept, not made again.
    assert [(c.key, c.state) for c in item.calls] == [("collaborator:vendor-dev", "dry_run")]


def test_flask_github_commands_in_a_fresh_process(people, held_tasks, flask_cli):
    member = f.github_request_in(State.APPROVED, people["engineer"], people["team"],
                                 people["office"])
    expired = approved_collaborator(people, held_tasks)
    expired.access_expires_on = date.today() - timedelta(days=1)
    listed = flask_cli("github", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"#{member.id} join_org" in listed.stdout and "provisioning=not_started" in listed.stdout
    plan = flask_cli("github", "plan", str(member.id))
    assert plan.returncode == 0 and f"PUT    /orgs/example-corp/memberships/{member.username}" \
        in plan.stdout
    provisioned = flask_cli("github", "provision")
    assert provisioned.returncode == 0, provisioned.stderr
    assert f"#{member.id}: done" in provisioned.stdout
    recertified = flask_cli("github", "recertify")
    assert recertified.returncode == 0, recertified.stderr
    assert "1 outside collaborator(s)" in recertified.stdout
    db.session.expire_all()
    assert db.session.get(GitHubRequest, expired.id).state == State.IN_REVIEW
    assert db.session.get(GitHubRequest, member.id).provisioning_state == "done"
    missing = flask_cli("github", "plan", "999999")
    assert missing.returncode != 0 and "No GitHub request #999999" in missing.stderr
