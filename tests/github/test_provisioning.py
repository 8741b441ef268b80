"""Deciding on GitHub requests and carrying out the GitHub work: what blocks an approval, the
plan frozen with it, each call recorded as it is made, a failure in the middle retried without
repeating a call that succeeded, and dry-run mode."""
from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest

from governance.audit.models import AuditEvent
from governance.auth.models import User
from governance.auth.roles import Role
from governance.database import db, utcnow
from governance.errors import DecisionBlocked, IllegalTransition, NotAllowed, StaleObject
from governance.github_requests import checks, decisions, provisioning
from governance.github_requests.models import GitHubRequest
from governance.jobs.embedded import runner_for
from governance.states import State
from governance.workflow import services as workflow
from tests import factories as f
from tests.github.conftest import collaborator, publication
from tests.github.helpers import checked, in_review, submitted_publication
from tests.github.repos import PLANTED_KEY, clean_repo, leaky_repo


def actions(item) -> list[str]:
    return [e.action for e in db.session.query(AuditEvent).filter_by(
        object_type="request", object_id=item.id).order_by(AuditEvent.id)]


def approve(item, office):
    workflow.transition(item, office, "approve", reason="Fine to publish.")
    db.session.commit()


def test_a_publication_without_code_cannot_be_approved(people, held_tasks):
    item = submitted_publication(people, publication(people["team"]))
    in_review(item, people["office"])
    with pytest.raises(DecisionBlocked) as caught:
        approve(item, people["office"])
    assert "Upload the code" in caught.value.errors["checks"]
    assert held_tasks == []


def test_failing_checks_block_approval_and_name_the_files(people, held_tasks, scan_pool,
                                                          fake_github):
    item = submitted_publication(people, publication(people["team"]))
    checked(item, people["engineer"], leaky_repo(), scan_pool, held_tasks)
    assert checks.checks_state(item) == ("done", "")
    failing = {(i.rule, i.path) for i in checks.failing_items(item)}
    assert {("secrets.detected", "src/settings.py"), ("secrets.internal_host", "src/settings.py"),
            ("license.third_party", "third_party/frob.c")} <= failing
    # The secret is nowhere: not in the checklist, not in the audit trail.
    stored = json.dumps(item.latest_check_run.items)
    trail = json.dumps([(e.summary, e.before, e.after) for e in db.session.query(AuditEvent)])
    assert PLANTED_KEY not in stored and PLANTED_KEY not in trail
    in_review(item, people["office"])
    with pytest.raises(DecisionBlocked) as caught:
        approve(item, people["office"])
    message = caught.value.errors["checks"]
    assert "secrets.detected (src/settings.py)" in message
    assert "license.third_party (third_party/frob.c)" in message
    assert item.calls == [] and db.session.get(GitHubRequest, item.id).state == State.IN_REVIEW


def test_a_waived_item_stops_blocking_but_the_fast_path_is_gone(people, held_tasks, scan_pool,
                                                                fake_github):
    item = submitted_publication(people, publication(people["team"]))
    checked(item, people["engineer"], leaky_repo(), scan_pool, held_tasks)
    in_review(item, people["office"])
    with pytest.raises(NotAllowed):
        checks.waive(item, people["engineer"], "secrets.detected", "src/settings.py", "mine")
    for failing in checks.failing_items(item):
        checks.waive(item, people["office"], failing.rule, failing.path,
                     "Test fixture: the key was revoked, the file is rewritten before push.")
    db.session.commit()
    assert checks.failing_items(item) == []
    assert {i.outcome for i in checks.checklist(item)} >= {"waived"}
    assert not decisions.takes_fast_path(item)
    with pytest.raises(DecisionBlocked) as caught:
        approve(item, people["office"])
    assert set(caught.value.errors) == {"maturity_review"}
    f.maturity_review(item, people["office"])
    approve(item, people["office"])
    assert item.state == State.APPROVED
    assert "check_waived" in actions(item)


def test_fixed_code_takes_the_fast_path_and_provisioning_makes_every_call_once(
        people, held_tasks, scan_pool, fake_github):
    item = submitted_publication(people, publication(people["team"]))
    checked(item, people["engineer"], leaky_repo(), scan_pool, held_tasks)
    checked(item, people["engineer"], clean_repo(), scan_pool, held_tasks)
    assert [i for i in checks.checklist(item) if i.outcome != "pass"] == []
    assert decisions.takes_fast_path(item)
    in_review(item, people["office"])
    approve(item, people["office"])
    assert ("github.provision", item.id) in held_tasks
    assert [c.key for c in item.calls] == [c.key for c in provisioning.plan_for(item)]
    provisioning.provision(item.id)
    db.session.expire_all()
    item = db.session.get(GitHubRequest, item.id)
    assert item.provisioning_state == "done" and not item.provisioning_dry_run
    assert {c.state for c in item.calls} == {"done"}
    assert len(fake_github.calls_to("repos/create-in-org")) == 1
    teams = fake_github.calls_to("teams/add-or-update-repo-permissions-in-org")
    assert [(c.path, c.body) for c in teams] == [
        ("/orgs/example-corp/teams/platform/repos/example-corp/rate-limiter",
         {"permission": "push"})]
    assert ("example-corp", "rate-limiter") in fake_github.repositories
    calls = [e.after for e in db.session.query(AuditEvent).filter_by(action="github_call")]
    assert [(c["method"], c["status"]) for c in calls][0] == ("POST", 201)
    assert len(calls) == len(item.calls) and actions(item)[-1] == "provisioned"
    # Running the task again does nothing: nothing is waiting.
    provisioning.provision(item.id)
    assert len(fake_github.calls_to("repos/create-in-org")) == 1


def test_a_server_error_in_the_middle_is_retried_without_repeating_a_call(
        people, held_tasks, scan_pool, fake_github):
    item = submitted_publication(people, publication(people["team"]))
    checked(item, people["engineer"], clean_repo(), scan_pool, held_tasks)
    in_review(item, people["office"])
    approve(item, people["office"])
    fake_github.fail_next("repos/add-collaborator", 502)
    provisioning.provision(item.id)
    db.session.expire_all()
    item = db.session.get(GitHubRequest, item.id)
    assert item.state == State.APPROVED and item.provisioning_state == "failed"
    assert "502" in item.provisioning_error and "alice-gh" in item.provisioning_error
    assert [c.state for c in item.calls][:3] == ["done", "done", "failed"]
    with pytest.raises(NotAllowed):
        provisioning.retry(item, people["engineer"], expected_version=item.version)
    provisioning.retry(item, people["office"], expected_version=item.version)
    db.session.commit()
    provisioning.provision(item.id)
    db.session.expire_all()
    item = db.session.get(GitHubRequest, item.id)
    assert item.provisioning_state == "done"
    assert len(fake_github.calls_to("repos/create-in-org")) == 1  # created exactly once
    assert len(fake_github.calls_to("teams/add-or-update-repo-permissions-in-org")) == 1
    assert [c.status for c in fake_github.calls_to("repos/add-collaborator")] == [502, 201, 201]
    assert {"github_call_failed", "provisioning_failed", "provisioning_retried",
            "provisioned"} <= set(actions(item))
    with pytest.raises(IllegalTransition):
        provisioning.retry(item, people["office"], expected_version=item.version)


def test_a_create_call_left_without_an_answer_asks_github_before_creating_again(
        people, held_tasks, fake_github):
    item = f.github_request_in(State.IN_REVIEW, people["engineer"], people["team"],
                               people["office"], **vars(collaborator(people["team"])))
    approve(item, people["office"])
    # As if a worker had made the call and died before recording it:
    fake_github.repositories.add(("example-corp", "rate-limiter"))
    item.calls[0].operation = "repos/create-in-org"
    item.calls[0].attempts, item.calls[0].state = 1, "failed"
    item.provisioning_state = "not_started"
    db.session.commit()
    provisioning.provision(item.id)
    assert fake_github.calls_to("repos/create-in-org") == []
    assert len(fake_github.calls_to("repos/get")) == 1
    assert db.session.get(GitHubRequest, item.id).provisioning_state == "done"


def test_without_a_token_provisioning_is_a_dry_run_on_record(people, held_tasks):
    item = f.github_request_in(State.IN_REVIEW, people["engineer"], people["team"],
                               people["office"])
    approve(item, people["office"])
    assert item.provisioning_dry_run
    provisioning.provision(item.id)
    db.session.expire_all()
    item = db.session.get(GitHubRequest, item.id)
    assert item.provisioning_state == "done" and item.provisioning_dry_run
    assert [c.state for c in item.calls] == ["dry_run"]
    event = db.session.query(AuditEvent).filter_by(action="github_call").one()
    assert event.after["dry_run"] is True and event.summary.startswith("Dry run")


def test_a_provisioning_that_stopped_with_its_worker_is_failed_for_a_retry(people, held_tasks):
    item = f.github_request_in(State.IN_REVIEW, people["engineer"], people["team"],
                               people["office"])
    approve(item, people["office"])
    item.provisioning_state = "running"
    item.provisioning_started_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert provisioning.waiting_requests() == []
    db.session.expire_all()
    item = db.session.get(GitHubRequest, item.id)
    assert item.provisioning_state == "failed" and "Retry it" in item.provisioning_error


def test_waiting_work_is_found_again_for_the_runner(people, held_tasks):
    item = f.github_request_in(State.IN_REVIEW, people["engineer"], people["team"],
                               people["office"])
    approve(item, people["office"])
    assert provisioning.waiting_requests() == [item.id]
    provisioning.provision(item.id)
    assert provisioning.waiting_requests() == []


def test_the_runner_finds_provisioning_whose_task_was_lost(app, people, held_tasks, embedded):
    """Asked for while no backend listened (held_tasks stands for a process that died after
    the commit): the embedded runner's recovery finds it and provisions it (dry run)."""
    item = f.github_request_in(State.IN_REVIEW, people["engineer"], people["team"],
                               people["office"])
    approve(item, people["office"])
    assert held_tasks == [("github.provision", item.id)]
    runner_for(app)  # starts the runner; its housekeeping looks for waiting work at once
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        db.session.expire_all()
        if db.session.get(GitHubRequest, item.id).provisioning_state == "done":
            break
        time.sleep(0.5)
    assert db.session.get(GitHubRequest, item.id).provisioning_state == "done"


def test_two_office_users_deciding_a_github_request_at_once_exactly_one_wins(
        app, people, held_tasks):
    """The approval's plan is frozen without an early flush: the loser gets StaleObject (the
    usual message), not a database error, and no call of its is left behind."""
    item = f.github_request_in(State.IN_REVIEW, people["engineer"], people["team"],
                               people["office"])
    second = f.user(Role.OSS_OFFICE)
    barrier, results = threading.Barrier(2), {}

    def decide(user_id, step):
        with app.app_context():
            mine = db.session.get(GitHubRequest, item.id)
            seen = mine.version
            barrier.wait()
            try:
                workflow.transition(mine, db.session.get(User, user_id), step, reason="Mine.",
                                    expected_version=seen)
                db.session.commit()
                results[step] = "won"
            except Exception as exc:  # noqa: BLE001 - kept for the assertion
                db.session.rollback()
                results[step] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(who.id, step))
               for who, step in ((people["office"], "approve"), (second, "reject"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    losers = [v for v in results.values() if v != "won"]
    assert len(results) == 2 and len(losers) == 1, results
    assert isinstance(losers[0], StaleObject), results
    db.session.expire_all()
    stored = db.session.get(GitHubRequest, item.id)
    assert bool(stored.calls) == (results["approve"] == "won")
