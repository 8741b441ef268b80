"""The GitHub request pages through the web client: each kind's form, the dry-run notice, the
office's waiver and retry, and the refusals that go back to the request with a message."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from governance.database import db
from governance.github_requests import checks, provisioning
from governance.github_requests.models import KINDS, GitHubRequest
from governance.states import State
from tests import factories as f
from tests.github.conftest import publication
from tests.github.helpers import checked, in_review, submitted_publication
from tests.github.repos import leaky_repo


def signed_in(app, user):
    client = app.test_client()
    f.login(client, user.username)
    return client


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_has_its_form_and_saves_a_draft(app, people, kind):
    client = signed_in(app, people["engineer"])
    page = client.get(f"/github-requests/new?kind={kind}")
    assert page.status_code == 200
    assert ('name="license"' in page.text) == (kind in ("publish_repository", "make_public"))
    assert ('name="access_expires_on"' in page.text) == (kind == "outside_collaborator")
    form = {"kind": kind, "team": people["team"].id, "org": "example-corp",
            "repository": "rate-limiter", "username": "dana-gh", "permission": "push",
            "access_expires_on": (date.today() + timedelta(days=30)).isoformat(),
            "license": "MIT", "maintainers": "alice-gh bob-gh", "draft": "1"}
    saved = client.post(f"/github-requests/new?kind={kind}", data=form)
    assert saved.status_code == 302, saved.text[:2000]
    item = db.session.query(GitHubRequest).one()
    assert item.kind == kind and item.state == State.DRAFT


def test_a_bad_form_keeps_what_was_typed_and_marks_the_fields(app, people):
    client = signed_in(app, people["engineer"])
    page = client.post("/github-requests/new?kind=publish_repository", data={
        "kind": "publish_repository", "team": people["team"].id, "org": "example-corp",
        "repository": "no spaces please", "license": "MIT",
        "justification": "Written once, never lost.", "submit": "1"})
    assert page.status_code == 200
    assert "Written once, never lost." in page.text and "no spaces please" in page.text
    assert "is-invalid" in page.text and db.session.query(GitHubRequest).count() == 0


def test_pages_say_dry_run_without_a_token_and_not_with_one(app, people, fake_github):
    item = f.github_request_in(State.SUBMITTED, people["engineer"], people["team"])
    client = signed_in(app, people["engineer"])
    assert "Dry-run mode" not in client.get(f"/github-requests/{item.id}").text
    app.config["GITHUB_TOKEN"] = ""
    for url in ("/github-requests/", f"/github-requests/{item.id}"):
        assert "Dry-run mode" in client.get(url).text


def test_the_office_waives_a_failing_item_on_the_page(app, people, held_tasks, scan_pool,
                                                      fake_github):
    item = submitted_publication(people, publication(people["team"]))
    checked(item, people["engineer"], leaky_repo(), scan_pool, held_tasks)
    in_review(item, people["office"])
    engineer, office = signed_in(app, people["engineer"]), signed_in(app, people["office"])
    page = office.get(f"/github-requests/{item.id}")
    assert "Waive this item" in page.text and "secrets.detected" in page.text
    assert "Waive this item" not in engineer.get(f"/github-requests/{item.id}").text
    empty = office.post(f"/github-requests/{item.id}/waivers",
                        data={"rule": "secrets.detected", "path": "src/settings.py"})
    assert empty.status_code == 302
    assert "Give the reason" in office.get(empty.headers["Location"]).text
    office.post(f"/github-requests/{item.id}/waivers", data={
        "rule": "secrets.detected", "path": "src/settings.py", "reason": "Revoked key."})
    db.session.expire_all()
    assert [w.rule for w in db.session.get(GitHubRequest, item.id).check_waivers] == [
        "secrets.detected"]
    waiver = db.session.get(GitHubRequest, item.id).check_waivers[0]
    office.post(f"/github-requests/{item.id}/waivers/{waiver.id}/withdraw",
                data={"reason": "It was not revoked after all."})
    db.session.expire_all()
    assert db.session.get(GitHubRequest, item.id).check_waivers == []
    assert ("secrets.detected", "src/settings.py") in {
        (i.rule, i.path) for i in checks.failing_items(db.session.get(GitHubRequest, item.id))}


def test_the_office_retries_a_failed_provisioning_from_the_page(app, people, held_tasks,
                                                                fake_github):
    item = f.github_request_in(State.APPROVED, people["engineer"], people["team"],
                               people["office"])
    fake_github.fail_next("orgs/set-membership-for-user", 500)
    provisioning.provision(item.id)
    office, engineer = signed_in(app, people["office"]), signed_in(app, people["engineer"])
    page = office.get(f"/github-requests/{item.id}")
    assert "Retry" in page.text and "GitHub answered 500" in page.text
    assert "Retry</button>" not in engineer.get(f"/github-requests/{item.id}").text
    refused = engineer.post(f"/github-requests/{item.id}/provision",
                            data={"lock_version": item.version})
    assert "Only the OSS office" in engineer.get(refused.headers["Location"]).text
    db.session.expire_all()
    item = db.session.get(GitHubRequest, item.id)
    office.post(f"/github-requests/{item.id}/provision", data={"lock_version": item.version})
    assert ("github.provision", item.id) in held_tasks
    provisioning.provision(item.id)
    db.session.expire_all()
    assert db.session.get(GitHubRequest, item.id).provisioning_state == "done"


def test_an_upload_without_a_file_goes_back_with_a_message(app, people):
    item = submitted_publication(people, publication(people["team"]))
    client = signed_in(app, people["engineer"])
    answer = client.post(f"/github-requests/{item.id}/code", data={})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#checks")
    assert "Choose the archive" in client.get(answer.headers["Location"]).text
