"""The calls an approved GitHub request makes, in order, as data: the office sees exactly this
list before approving, and provisioning records each one's result against its key, so that a
retry resumes after the last call that succeeded."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

PERMISSIONS = ("pull", "triage", "push", "maintain", "admin")
VISIBILITIES = ("public", "private")  # what create-in-org takes (GitHub's description)
# The ruleset that protects the default branch: no deletion, no force push, changes through
# pull requests with one approval. A ruleset (not branch protection) because a repository
# created empty has no branch to protect yet.
DEFAULT_BRANCH_RULESET = {
    "name": "Protect the default branch",
    "target": "branch",
    "enforcement": "active",
    "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
    "rules": [
        {"type": "deletion"},
        {"type": "non_fast_forward"},
        {"type": "pull_request", "parameters": {
            "required_approving_review_count": 1, "dismiss_stale_reviews_on_push": True,
            "require_code_owner_review": False, "require_last_push_approval": False,
            "required_review_thread_resolution": False}},
    ],
}


@dataclass(frozen=True)
class Call:
    key: str  # unique in its plan, e.g. "team:platform"; what a retry resumes by
    operation: str  # the operationId in GitHub's API description, e.g. "repos/create-in-org"
    method: str
    path: str  # with the values filled in, e.g. /orgs/example-corp/repos
    params: dict = field(default_factory=dict)  # the path's parameters by name
    body: dict | None = None
    description: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Call":
        return cls(**{k: data.get(k) for k in ("key", "operation", "method", "path", "params",
                                                "body", "description")})


@dataclass(frozen=True)
class Spec:
    """What the request asks for, as the plan needs it."""

    kind: str  # publish_repository | make_public | join_org | outside_collaborator
    org: str
    repository: str = ""
    description: str = ""
    visibility: str = "public"
    github_teams: tuple[tuple[str, str], ...] = ()  # (slug, permission)
    maintainers: tuple[str, ...] = ()
    username: str = ""  # join_org, outside_collaborator
    permission: str = "pull"  # outside_collaborator
    role: str = "member"  # join_org
    # GitHub Enterprise Server (3.19) has no private vulnerability reporting endpoint.
    enterprise_server: bool = False


def plan(spec: Spec) -> list[Call]:
    org, repo = spec.org, spec.repository
    repo_path = f"/repos/{org}/{repo}"
    calls: list[Call] = []
    if spec.kind == "publish_repository":
        calls.append(Call("create_repository", "repos/create-in-org", "POST", f"/orgs/{org}/repos",
                          {"org": org},
                          {"name": repo, "description": spec.description,
                           "visibility": spec.visibility, "has_issues": True},
                          f"Create {org}/{repo} ({spec.visibility})"))
    elif spec.kind == "make_public":
        calls.append(Call("make_public", "repos/update", "PATCH", repo_path,
                          {"owner": org, "repo": repo}, {"visibility": "public"},
                          f"Make {org}/{repo} public"))
    if spec.kind in ("publish_repository", "make_public"):
        for slug, permission in spec.github_teams:
            calls.append(Call(f"team:{slug}", "teams/add-or-update-repo-permissions-in-org",
                              "PUT", f"/orgs/{org}/teams/{slug}/repos/{org}/{repo}",
                              {"org": org, "team_slug": slug, "owner": org, "repo": repo},
                              {"permission": permission},
                              f"Give the team {slug} {permission} access"))
        for login in spec.maintainers:
            calls.append(Call(f"maintainer:{login.lower()}", "repos/add-collaborator", "PUT",
                              f"{repo_path}/collaborators/{login}",
                              {"owner": org, "repo": repo, "username": login},
                              {"permission": "maintain"}, f"Invite {login} as a maintainer"))
        public = spec.kind == "make_public" or spec.visibility == "public"
        if public and not spec.enterprise_server:
            calls.append(Call("private_vulnerability_reporting",
                              "repos/enable-private-vulnerability-reporting", "PUT",
                              f"{repo_path}/private-vulnerability-reporting",
                              {"owner": org, "repo": repo}, None,
                              "Enable private vulnerability reporting"))
        if spec.kind == "publish_repository":
            calls.append(Call("default_branch_ruleset", "repos/create-repo-ruleset", "POST",
                              f"{repo_path}/rulesets", {"owner": org, "repo": repo},
                              DEFAULT_BRANCH_RULESET, "Protect the default branch (ruleset)"))
    elif spec.kind == "join_org":
        calls.append(Call(f"membership:{spec.username.lower()}", "orgs/set-membership-for-user",
                          "PUT", f"/orgs/{org}/memberships/{spec.username}",
                          {"org": org, "username": spec.username}, {"role": spec.role},
                          f"Invite {spec.username} to {org} as {spec.role}"))
    elif spec.kind == "outside_collaborator":
        calls.append(Call(f"collaborator:{spec.username.lower()}", "repos/add-collaborator",
                          "PUT", f"{repo_path}/collaborators/{spec.username}",
                          {"owner": org, "repo": repo, "username": spec.username},
                          {"permission": spec.permission},
                          f"Invite {spec.username} to {org}/{repo} with {spec.permission} "
                          "access"))
    return calls
