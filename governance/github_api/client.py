"""The calls of a plan, made through githubkit (GitHub's REST API as its description defines
it, for github.com and GitHub Enterprise Server alike). No automatic retries here: the caller
records each call's result and a retry resumes after the last call that succeeded."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from githubkit import GitHub
from githubkit.exception import GitHubException, RequestError, RequestFailed
from pydantic import ValidationError

from governance.github_api.plan import Call

DEFAULT_API_URL = "https://api.github.com"


def is_enterprise_server(base_url: str) -> bool:
    """GitHub Enterprise Server serves its REST API under /api/v3 (https://HOST/api/v3);
    github.com (and GHE.com's api.SUBDOMAIN.ghe.com) at the root."""
    return urlsplit(base_url).path.rstrip("/").endswith("/api/v3")


class GitHubCallFailed(Exception):
    """A call GitHub refused or could not answer; `status` is None when nothing came back."""

    def __init__(self, status: int | None, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason

    @property
    def retryable(self) -> bool:
        return self.status is None or self.status >= 500 or self.status in (403, 429)


@dataclass(frozen=True)
class Result:
    status: int


def _operations(gh: GitHub):
    rest = gh.rest
    return {
        "repos/create-in-org": lambda p, b: rest.repos.create_in_org(p["org"], data=b),
        "repos/update": lambda p, b: rest.repos.update(p["owner"], p["repo"], data=b),
        "teams/add-or-update-repo-permissions-in-org": lambda p, b:
            rest.teams.add_or_update_repo_permissions_in_org(
                p["org"], p["team_slug"], p["owner"], p["repo"], data=b),
        "repos/add-collaborator": lambda p, b:
            rest.repos.add_collaborator(p["owner"], p["repo"], p["username"], data=b),
        "repos/enable-private-vulnerability-reporting": lambda p, b:
            rest.repos.enable_private_vulnerability_reporting(p["owner"], p["repo"]),
        "repos/create-repo-ruleset": lambda p, b:
            rest.repos.create_repo_ruleset(p["owner"], p["repo"], data=b),
        "orgs/set-membership-for-user": lambda p, b:
            rest.orgs.set_membership_for_user(p["org"], p["username"], data=b),
    }


def _reason(exc: Exception) -> tuple[int | None, str]:
    if isinstance(exc, RequestFailed):
        response = exc.response
        try:
            message = response.json().get("message", "")
        except ValueError:
            message = ""
        return response.status_code, (f"GitHub answered {response.status_code}"
                                      + (f": {message}" if message else "."))
    if isinstance(exc, (httpx.HTTPError, RequestError)):
        return None, f"GitHub could not be reached ({exc})."
    if isinstance(exc, ValidationError):
        # githubkit checks the body against the same description before sending it.
        return None, f"The call's body is not what GitHub takes ({exc.error_count()} errors)."
    return None, f"The call failed ({type(exc).__name__}: {exc})."


class GitHubClient:
    def __init__(self, base_url: str, token: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/") or DEFAULT_API_URL
        self._gh = GitHub(token, base_url=self.base_url + "/", timeout=timeout,
                          auto_retry=False, http_cache=False, trust_env=False,
                          user_agent="oss-governance")
        self._operations = _operations(self._gh)

    def execute(self, call: Call) -> Result:
        operation = self._operations.get(call.operation)
        if operation is None:
            raise GitHubCallFailed(None, f"No client for the operation {call.operation}.")
        try:
            response = operation(call.params, call.body)
        except (GitHubException, httpx.HTTPError, ValidationError) as exc:
            raise GitHubCallFailed(*_reason(exc)) from exc
        return Result(response.status_code)

    def repository_exists(self, org: str, repository: str) -> bool:
        try:
            self._gh.rest.repos.get(org, repository)
        except RequestFailed as exc:
            if exc.response.status_code == 404:
                return False
            raise GitHubCallFailed(*_reason(exc)) from exc
        except (GitHubException, httpx.HTTPError) as exc:
            raise GitHubCallFailed(*_reason(exc)) from exc
        return True
