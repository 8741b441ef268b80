"""Third-party code in a release: what scancode found in each file, judged against what the
outbound license can carry (policies/github.yaml `inbound`, by scancode's license category),
copyright holders other than the company, and source files with no license notice."""
from __future__ import annotations

from dataclasses import dataclass

from governance.code_checks.checklist import CheckItem, rule_items
from governance.licensing.expressions import And, ExpressionError, Node, Symbol, parse, render
from governance.rules.github import GitHubPolicy

_RANK = {"pass": 0, "warn": 1, "fail": 2}
# Files that are code a reader would expect a license header or a LICENSE nearby to cover.
SOURCE_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".java", ".kt",
                   ".c", ".h", ".cc", ".cpp", ".hpp", ".rs", ".rb", ".php", ".cs", ".swift",
                   ".scala", ".sh", ".m", ".mm")


@dataclass(frozen=True)
class ScannedFile:
    path: str  # relative to the repository root
    license_expression: str  # scancode keys; "" when nothing was detected
    holders: tuple[str, ...] = ()


def _outcome(node: Node, outbound: str, policy: GitHubPolicy) -> str:
    if isinstance(node, Symbol):
        if node.license.spdx.lower() == outbound.lower() and node.exception is None:
            return "pass"
        return policy.inbound_outcome(outbound, node.license.category if node.license.known
                                      else None)
    outcomes = [_outcome(p, outbound, policy) for p in node.parts]
    pick = max if isinstance(node, And) else min  # OR: the team may take the best choice
    return pick(outcomes, key=_RANK.__getitem__)


def check_licenses(files: list[ScannedFile], outbound: str, policy: GitHubPolicy,
                   covered_by_license_file: bool) -> list[CheckItem]:
    third_party, holders, no_notice = [], [], []
    for record in files:
        if record.license_expression:
            try:
                node = parse(record.license_expression)
            except ExpressionError:
                node = None
            outcome = _outcome(node, outbound, policy) if node is not None else "warn"
            if outcome != "pass":
                shown = render(node, spdx=True) if node is not None else \
                    record.license_expression
                verb = "cannot carry" if outcome == "fail" else "needs a look to carry"
                third_party.append(CheckItem(
                    "license.third_party", outcome,
                    f"{shown} found here: a release under {outbound} {verb} it.", record.path))
        elif record.path.lower().endswith(SOURCE_SUFFIXES) and not covered_by_license_file:
            no_notice.append(CheckItem("license.no_notice", "warn",
                                       "No license notice in this file and no LICENSE file to "
                                       "cover it.", record.path))
        others = [h for h in record.holders if not policy.is_company_holder(h)]
        if others:
            holders.append(CheckItem("license.foreign_holder", "warn",
                                     f"Copyright {', '.join(sorted(others))}: code the team did "
                                     "not write, or a holder to correct.", record.path))
    return (rule_items("license.third_party", third_party,
                       f"Every license found can be carried by {outbound}.")
            + rule_items("license.foreign_holder", holders,
                         "No copyright holders other than the company.")
            + rule_items("license.no_notice", no_notice,
                         "Every source file is covered by a license notice."))
