"""The whole checklist of a publication, from the extracted tree and the scan's findings."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from governance.code_checks.checklist import CheckItem
from governance.code_checks.hygiene import check_hygiene, vendored_folder
from governance.code_checks.licenses import ScannedFile, check_licenses
from governance.code_checks.names import check_names
from governance.code_checks.secrets import check_internal_references, check_secrets
from governance.code_checks.tree import read_tree
from governance.licensing.expressions import ExpressionError, parse, render
from governance.rules.github import GitHubPolicy


@dataclass(frozen=True)
class Publication:
    repository: str
    license: str  # the outbound SPDX id
    package_names: tuple[str, ...] = ()
    name_taken: bool | None = None  # asked of GitHub by the caller; None when not asked
    ask_name: bool = True  # False for a repository that exists by design (make_public)
    name_unasked_reason: str = ""  # why GitHub could not be asked


def _license_file_check(by_path: dict[str, ScannedFile], outbound: str):
    def matches(path: str) -> str | None:
        record = by_path.get(path)
        if record is None or not record.license_expression:
            return "no license text scancode recognises"
        try:
            found = render(parse(record.license_expression), spdx=True)
        except ExpressionError:
            return record.license_expression
        return None if found.lower() == outbound.lower() else found
    return matches


def check_code(extracted: Path, scanned: list[ScannedFile], publication: Publication,
               policy: GitHubPolicy) -> list[CheckItem]:
    """`scanned` carries the scan's paths as extracted; they are read relative to the
    repository root here, like every item's path."""
    tree = read_tree(extracted)
    files = [ScannedFile(tree.repo_path(f.path), f.license_expression, f.holders)
             for f in scanned]
    by_path = {f.path: f for f in files}
    text_files = [p for p in tree.files if not tree.is_binary(p)]
    license_items = check_hygiene(tree, publication.license, policy,
                                  _license_file_check(by_path, publication.license))
    has_license_file = any(i.rule == "hygiene.license_file" and i.outcome == "pass"
                           for i in license_items)
    items: list[CheckItem] = []
    if policy.needs_legal_review(publication.license):
        items.append(CheckItem("license.outbound", "warn",
                               f"{publication.license} is not one of the licenses allowed "
                               "without legal review; legal looks at it first."))
    else:
        items.append(CheckItem("license.outbound", "pass", f"{publication.license} needs no "
                                                           "legal review."))
    # Vendored packages fail on their own (hygiene.vendored): not file by file again here.
    own_files = [f for f in files if vendored_folder(f.path, policy) is None]
    items += check_licenses(own_files, publication.license, policy, has_license_file)
    items += check_secrets(tree, text_files)
    items += check_internal_references(tree, text_files, policy)
    items += license_items
    items += check_names(publication.repository, list(publication.package_names), policy,
                         publication.name_taken, ask=publication.ask_name,
                         unasked_reason=publication.name_unasked_reason)
    return items
