"""Names that must not go out: the company's trademark words in a repository or package name."""
from __future__ import annotations

from governance.code_checks.checklist import CheckItem
from governance.rules.github import GitHubPolicy


def check_names(repository: str, package_names: list[str], policy: GitHubPolicy,
                taken: bool | None, *, ask: bool = True,
                unasked_reason: str = "") -> list[CheckItem]:
    """`taken`: whether GitHub already has the repository in the org (None: it could not be
    asked, `unasked_reason` says why); `ask` False for a repository that exists by design."""
    marks = []
    for name in [repository, *package_names]:
        word = policy.trademark_in(name)
        if word:
            marks.append(CheckItem("names.trademark", "fail",
                                   f"“{name}” contains the trademark “{word}”; choose a name "
                                   "without it (the office's list in policies/github.yaml)."))
    items = marks or [CheckItem("names.trademark", "pass", "No trademark words in the names.")]
    if not ask:
        return items
    if taken is True:
        items.append(CheckItem("names.taken", "fail",
                               f"The organization already has a repository “{repository}”."))
    elif taken is False:
        items.append(CheckItem("names.taken", "pass", f"“{repository}” is free in the "
                                                      "organization."))
    else:
        items.append(CheckItem("names.taken", "warn",
                               f"Not asked of GitHub ({unasked_reason or 'no answer'}); a "
                               "taken name fails the repository's creation."))
    return items
