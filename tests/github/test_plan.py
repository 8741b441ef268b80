"""The plan of calls each kind makes, run through githubkit against the fake GitHub: every call
is an operation of GitHub's description (github.com and Enterprise Server 3.19) with a valid
body."""
from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from governance.github_api.client import GitHubCallFailed, GitHubClient, is_enterprise_server
from governance.github_api.plan import Spec, plan
from tests.github.fake_github import FakeGitHub

SPECS = {
    "publish_repository": Spec("publish_repository", "example-corp", "rate-limiter",
                               "A token bucket", "public",
                               (("platform", "push"), ("sre", "maintain")),
                               ("alice-gh", "bob-gh")),
    "publish_private": Spec("publish_repository", "example-corp", "rate-limiter", "", "private",
                            (), ("alice-gh", "bob-gh")),
    "make_public": Spec("make_public", "example-corp", "build-cache",
                        github_teams=(("data", "triage"),), maintainers=("bob-gh", "dana-gh")),
    "join_org": Spec("join_org", "example-corp", username="dana-gh"),
    "outside_collaborator": Spec("outside_collaborator", "example-corp", "rate-limiter",
                                 username="vendor-dev", permission="push"),
}


def test_a_publication_plans_the_repository_teams_maintainers_reporting_and_ruleset():
    calls = plan(SPECS["publish_repository"])
    assert [c.key for c in calls] == [
        "create_repository", "team:platform", "team:sre", "maintainer:alice-gh",
        "maintainer:bob-gh", "private_vulnerability_reporting", "default_branch_ruleset"]
    assert calls[0].body == {"name": "rate-limiter", "description": "A token bucket",
                             "visibility": "public", "has_issues": True}
    assert calls[2].body == {"permission": "maintain"}
    # A private repository has no public vulnerability reports to take.
    assert "private_vulnerability_reporting" not in [c.key for c in plan(SPECS["publish_private"])]


@pytest.mark.parametrize("description, prefix", [("api.github.com.json", ""),
                                                 ("ghes-3.19.json", "/api/v3")])
@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_planned_call_is_an_operation_of_githubs_description(description, prefix, name):
    with FakeGitHub(description=description, prefix=prefix) as fake:
        spec = replace(SPECS[name], enterprise_server=is_enterprise_server(fake.url))
        calls = plan(spec)
        statuses = [GitHubClient(fake.url, fake.token).execute(call).status for call in calls]
    assert fake.violations == []
    assert statuses and all(200 <= s < 300 for s in statuses)
    assert [c.operation_id for c in fake.calls] == [c.operation for c in calls]


def test_enterprise_server_gets_no_call_it_does_not_have():
    spec = SPECS["publish_repository"]
    assert is_enterprise_server("https://github.example.com/api/v3")
    assert not is_enterprise_server("https://api.github.com/")
    assert not is_enterprise_server("http://127.0.0.1:8080")
    keys = [c.key for c in plan(replace(spec, enterprise_server=True))]
    assert "private_vulnerability_reporting" not in keys and "create_repository" in keys


def test_a_duplicate_repository_and_a_server_error_come_back_as_failed_calls():
    with FakeGitHub() as fake:
        client = GitHubClient(fake.url, fake.token)
        create = plan(SPECS["publish_repository"])[0]
        client.execute(create)
        with pytest.raises(GitHubCallFailed) as duplicate:
            client.execute(create)
        assert duplicate.value.status == 422 and not duplicate.value.retryable
        assert "Repository creation failed" in duplicate.value.reason
        fake.fail_next("repos/add-collaborator", 503)
        with pytest.raises(GitHubCallFailed) as down:
            client.execute(plan(SPECS["outside_collaborator"])[0])
        assert down.value.status == 503 and down.value.retryable


def test_a_wrong_token_and_an_unreachable_github_are_failures_with_reasons():
    with FakeGitHub() as fake:
        with pytest.raises(GitHubCallFailed) as refused:
            GitHubClient(fake.url, "wrong").execute(plan(SPECS["join_org"])[0])
        assert refused.value.status == 401
        url = fake.url
    with pytest.raises(GitHubCallFailed) as unreachable:
        GitHubClient(url, "x", timeout=2).execute(plan(SPECS["join_org"])[0])
    assert unreachable.value.status is None and "could not be reached" in unreachable.value.reason


def test_the_fake_refuses_calls_that_break_the_description():
    # The fake is only worth something if it can fail (githubkit checks bodies itself, so
    # these go around it).
    with FakeGitHub() as fake:
        auth = {"Authorization": f"token {fake.token}"}
        assert httpx.post(fake.url + "/orgs/example-corp/repos", headers=auth,
                          json={"name": "x", "visibility": "secret"}).status_code == 422
        assert httpx.post(fake.url + "/orgs/example-corp/repos", headers=auth,
                          json={"description": "no name"}).status_code == 422
        assert httpx.put(fake.url + "/repos/example-corp/x/no-such-thing",
                         headers=auth).status_code == 404
        assert len(fake.violations) == 3 and "visibility" in fake.violations[0]


def test_a_body_githubkit_refuses_is_a_failed_call_not_a_crash():
    with FakeGitHub() as fake:
        bad = plan(SPECS["publish_repository"])[0]
        bad = type(bad)(**{**bad.to_dict(), "body": {"name": "x", "visibility": "secret"}})
        with pytest.raises(GitHubCallFailed) as caught:
            GitHubClient(fake.url, fake.token).execute(bad)
        assert "not what GitHub takes" in caught.value.reason and fake.calls == []
