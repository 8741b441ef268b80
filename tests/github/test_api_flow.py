"""The issue's flow over /api/v1/github-requests, as automation runs it, with the app's real
runner (scans by scancode, the checks and provisioning tasks) and the fake GitHub: an upload
with a planted secret and a GPL file fails, fixed code passes, the office approves, the
repository is created once with the right team permissions."""
from __future__ import annotations

import io
import json
import time

from tests.api.helpers import Api, assert_error
from tests.github.repos import PLANTED_KEY, clean_repo, leaky_repo

DEADLINE = 300  # seconds: a loaded machine scans slowly; the condition, not the time, counts


def wait_for(read, condition, what: str):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        body = read()
        if condition(body):
            return body
        time.sleep(0.5)
    raise AssertionError(f"{what} did not happen within {DEADLINE} s: {body}")


def body_of(people, **overrides) -> dict:
    body = {"kind": "publish_repository", "team": people["team"].id, "org": "example-corp",
            "repository": "rate-limiter", "description": "A token bucket", "license": "MIT",
            "visibility": "public", "github_teams": [{"slug": "platform", "permission": "push"}],
            "maintainers": ["alice-gh", "bob-gh"], "security_contact": "security@example.org",
            "contributor_terms": "dco", "team_wrote_all": True,
            "justification": "Partner teams asked for it.", "submit": True}
    body.update(overrides)
    return body


def upload(api: Api, request_id: int, archive: bytes):
    return api.post(f"/github-requests/{request_id}/code",
                    data={"archive": (io.BytesIO(archive), "rate-limiter-main.tar.gz")},
                    content_type="multipart/form-data")


def step(api: Api, request_id: int, name: str, **body):
    version = api.get(f"/github-requests/{request_id}").get_json()["version"]
    return api.post(f"/github-requests/{request_id}/transitions/{name}",
                    json={"version": version, **body})


def test_the_whole_publication_over_the_api(client, people, fake_github, embedded):
    engineer, office = Api(client, people["engineer"]), Api(client, people["office"])
    created = engineer.post("/github-requests", json=body_of(people))
    assert created.status_code == 201, created.get_json()
    request_id = created.get_json()["id"]
    assert created.get_json()["checks_state"] == "pending"
    assert [c["method"] for c in created.get_json()["plan"]][0] == "POST"

    def read():
        return engineer.get(f"/github-requests/{request_id}").get_json()

    assert upload(engineer, request_id, leaky_repo()).status_code == 202
    done = wait_for(read, lambda b: b["checks_state"] in ("done", "failed"), "the checks")
    assert done["checks_state"] == "done", done
    failing = {(c["rule"], c["path"]) for c in done["checks"] if c["outcome"] == "fail"}
    assert ("secrets.detected", "src/settings.py") in failing
    assert ("license.third_party", "third_party/frob.c") in failing
    assert PLANTED_KEY not in json.dumps(done)

    assert step(office, request_id, "start_review").status_code == 200
    refused = step(office, request_id, "approve", reason="Looks fine.")
    body = assert_error(refused, 409, "checks")
    assert "secrets.detected (src/settings.py)" in body["errors"]["checks"]
    assert "license.third_party (third_party/frob.c)" in body["errors"]["checks"]

    assert upload(engineer, request_id, clean_repo()).status_code == 202
    done = wait_for(read, lambda b: b["checks_state"] == "done"
                    and not any(c["outcome"] == "fail" for c in b["checks"]), "fixed checks")
    assert {c["outcome"] for c in done["checks"]} == {"pass"} and done["fast_path"] is True

    assert step(office, request_id, "approve", reason="Clean; fast path.").status_code == 200
    provisioned = wait_for(read, lambda b: b["provisioning"]["state"] in ("done", "failed"),
                           "provisioning")
    assert provisioned["provisioning"]["state"] == "done", provisioned["provisioning"]
    statuses = [(c["method"], c["path"], c["status"]) for c in provisioned["provisioning"]["calls"]]
    assert statuses[0] == ("POST", "/orgs/example-corp/repos", 201)
    assert len(fake_github.calls_to("repos/create-in-org")) == 1
    assert [c.body for c in fake_github.calls_to(
        "teams/add-or-update-repo-permissions-in-org")] == [{"permission": "push"}]
    events = [e["action"] for e in engineer.get(f"/requests/{request_id}/events").get_json()]
    assert events.count("github_call") == len(statuses) and events[-1] == "provisioned"
    assert {"code_uploaded", "checks_finished", "approved"} <= set(events)


def test_the_office_alone_retries_and_the_retry_resumes(client, people, fake_github, embedded):
    engineer, office = Api(client, people["engineer"]), Api(client, people["office"])
    created = engineer.post("/github-requests", json=body_of(
        people, kind="outside_collaborator", username="vendor-dev", permission="push",
        access_expires_on="2099-01-01"))
    assert_error(created, 422, "access_expires_on")  # longer than the policy allows
    created = engineer.post("/github-requests", json=body_of(
        people, kind="join_org", username="dana-gh"))
    request_id = created.get_json()["id"]
    fake_github.fail_next("orgs/set-membership-for-user", 503)
    assert step(office, request_id, "start_review").status_code == 200
    assert step(office, request_id, "approve", reason="Dana joins.").status_code == 200

    def read():
        return engineer.get(f"/github-requests/{request_id}").get_json()

    failed = wait_for(read, lambda b: b["provisioning"]["state"] == "failed", "the failure")
    assert "503" in failed["provisioning"]["error"] and failed["state"] == "approved"
    version = failed["version"]
    assert_error(engineer.post(f"/github-requests/{request_id}/provision",
                               json={"version": version}), 403)
    assert_error(office.post(f"/github-requests/{request_id}/provision",
                             json={"version": version - 1}), 409)  # stale
    # The body is optional: a script may just ask for the retry.
    assert office.post(f"/github-requests/{request_id}/provision",
                       json={}).status_code == 202
    wait_for(read, lambda b: b["provisioning"]["state"] == "done", "the retry")
    assert [c.status for c in fake_github.calls_to("orgs/set-membership-for-user")] == [503, 200]


def test_code_goes_only_to_publications_and_never_unseen(client, people):
    engineer, outsider = Api(client, people["engineer"]), Api(client, people["outsider"])
    member = engineer.post("/github-requests", json=body_of(
        people, kind="join_org", username="dana-gh", submit=False)).get_json()
    assert_error(upload(engineer, member["id"], clean_repo()), 409)
    assert_error(outsider.get(f"/github-requests/{member['id']}"), 404)  # a draft
    publication = engineer.post("/github-requests", json=body_of(people)).get_json()
    assert_error(upload(outsider, publication["id"], clean_repo()), 403)
    assert_error(engineer.post(f"/github-requests/{publication['id']}/code", data={},
                               content_type="multipart/form-data"), 422, "archive")
    listed = engineer.get("/github-requests", query_string={"kind": "join_org"}).get_json()
    assert [i["id"] for i in listed["items"]] == [member["id"]]


def test_a_publication_takes_its_code_only_as_an_upload_with_checks(client, people):
    engineer = Api(client, people["engineer"])
    publication = engineer.post("/github-requests", json=body_of(people)).get_json()
    refused = engineer.post(f"/requests/{publication['id']}/scans",
                            json={"source": "pkg:pypi/requests@2.32.3"})
    assert "Checks on the code" in assert_error(refused, 409)["message"]
