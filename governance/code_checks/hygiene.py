"""Repository hygiene in the manner of repolinter's default rules: the files a public project
is expected to have, and the ones it must not carry. How much each matters (warn or fail) is
the office's choice in policies/github.yaml."""
from __future__ import annotations

import re

from governance.code_checks.checklist import CheckItem, rule_items
from governance.code_checks.tree import RepoTree
from governance.rules.github import GitHubPolicy

LICENSE_NAMES = ("license", "license.md", "license.txt", "licence", "licence.md", "copying",
                 "license-mit", "license-apache")


def _first(tree: RepoTree, *stems: str) -> str | None:
    """The first top-level file whose name (without extension) is one of `stems`."""
    for lowered, path in sorted(tree.top_level().items()):
        name = lowered.rsplit("/", 1)[-1]
        if name in stems or name.split(".", 1)[0] in stems:
            return path
    return None


def vendored_folder(path: str, policy: GitHubPolicy) -> str | None:
    """The vendored-dependencies folder (node_modules/, .venv/…) `path` lies in, if any."""
    parts = path.split("/")
    wanted = {d.lower() for d in policy.vendored_dirs}
    index = next((i for i, p in enumerate(parts[:-1]) if p.lower() in wanted), None)
    return None if index is None else "/".join(parts[:index + 1])


def check_hygiene(tree: RepoTree, license_id: str, policy: GitHubPolicy,
                  license_file_matches) -> list[CheckItem]:
    """`license_file_matches(path) -> str | None`: None when the file's text is `license_id`,
    else what it holds instead (the scan's finding for that file)."""
    outcome = policy.hygiene
    items: list[CheckItem] = []

    license_path = _first(tree, *LICENSE_NAMES)
    if license_path is None:
        items.append(CheckItem("hygiene.license_file", outcome["license_file"],
                               f"No LICENSE file at the root; add the text of {license_id}."))
    else:
        other = license_file_matches(license_path)
        if other is None:
            items.append(CheckItem("hygiene.license_file", "pass",
                                   f"LICENSE holds the text of {license_id}.", license_path))
        else:
            items.append(CheckItem("hygiene.license_file", outcome["license_file"],
                                   f"LICENSE holds {other}, not the chosen {license_id}.",
                                   license_path))

    readme = _first(tree, "readme")
    if readme is None:
        items.append(CheckItem("hygiene.readme", outcome["readme"], "No README at the root."))
    elif not re.search(re.escape(license_id) + r"|\blicen[cs]e", tree.read_text(readme, 200_000),
                       re.IGNORECASE):
        items.append(CheckItem("hygiene.readme", outcome["readme"],
                               f"The README does not mention the license ({license_id}).", readme))
    else:
        items.append(CheckItem("hygiene.readme", "pass", "The README mentions the license.",
                               readme))

    for rule, stems, label in (
            ("contributing", ("contributing",), "CONTRIBUTING"),
            ("code_of_conduct", ("code_of_conduct", "code-of-conduct"), "CODE_OF_CONDUCT"),
            ("security_policy", ("security",), "SECURITY.md"),
            ("codeowners", ("codeowners",), "CODEOWNERS")):
        found = _first(tree, *stems)
        items.append(CheckItem(f"hygiene.{rule}", "pass", f"{label} is there.", found)
                     if found else CheckItem(f"hygiene.{rule}", outcome[rule], f"No {label}."))

    if license_id.lower() == "apache-2.0":
        notice = _first(tree, "notice")
        items.append(CheckItem("hygiene.notice_file", "pass", "NOTICE is there.", notice)
                     if notice else CheckItem("hygiene.notice_file", outcome["notice_file"],
                                              "Apache-2.0 releases carry a NOTICE file "
                                              "(section 4d); add one."))

    binaries, vendored = [], []
    seen_vendored = set()
    for path in tree.files:
        top = vendored_folder(path, policy)
        if top is not None:
            if top not in seen_vendored:
                seen_vendored.add(top)
                vendored.append(CheckItem("hygiene.vendored", outcome["vendored"],
                                          f"Vendored dependencies in {top}/: publish the "
                                          "manifest, not the installed packages.", top))
            continue
        if path.lower().endswith(policy.binary_extensions):
            binaries.append(CheckItem("hygiene.binaries", outcome["binaries"],
                                      "A committed binary; build it from source instead.", path))
    items += rule_items("hygiene.binaries", binaries, "No committed binaries.")
    items += rule_items("hygiene.vendored", vendored, "No vendored dependencies.")
    return items
