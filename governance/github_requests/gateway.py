"""The app's GitHub: a client from GITHUB_API_URL and GITHUB_TOKEN, or dry-run mode without a
token (nothing is called; every page that would call GitHub says so)."""
from __future__ import annotations

from flask import current_app

from governance.github_api.client import GitHubCallFailed, GitHubClient, is_enterprise_server


def dry_run() -> bool:
    return not current_app.config.get("GITHUB_TOKEN")


def enterprise_server() -> bool:
    return is_enterprise_server(current_app.config["GITHUB_API_URL"])


def client() -> GitHubClient | None:
    config = current_app.config
    if dry_run():
        return None
    return GitHubClient(config["GITHUB_API_URL"], config["GITHUB_TOKEN"],
                        timeout=config["GITHUB_TIMEOUT"])


def repository_taken(org: str, repository: str) -> tuple[bool | None, str]:
    """Whether the org has the repository already: (answer, why there is none)."""
    github = client()
    if github is None:
        return None, "dry-run mode: no GITHUB_TOKEN"
    try:
        return github.repository_exists(org, repository), ""
    except GitHubCallFailed as exc:
        return None, exc.reason
