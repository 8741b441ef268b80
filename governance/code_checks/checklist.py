"""The checklist a publication request shows: one item per finding, or one passing item per
rule with nothing to report. Outcomes: pass, warn, fail, and waived (a fail the office waived
with a reason)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

OUTCOMES = ("pass", "warn", "fail", "waived")
# A rule with more findings than this lists the first ones and one item for the rest.
MAX_ITEMS_PER_RULE = 25


@dataclass(frozen=True)
class CheckItem:
    rule: str  # e.g. "secrets.detected", "hygiene.license_file"
    outcome: str  # one of OUTCOMES
    message: str  # a sentence for the team; never the secret itself
    path: str = ""  # the file it applies to, relative to the repository root
    line: int | None = None

    @property
    def key(self) -> str:
        """What a waiver names: the rule and the file (a re-upload keeps the waiver while the
        same finding is in the same file)."""
        return f"{self.rule}:{self.path}"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "CheckItem":
        return cls(rule=data["rule"], outcome=data["outcome"], message=data["message"],
                   path=data.get("path") or "", line=data.get("line"))


def rule_items(rule: str, findings: list[CheckItem], passed: str) -> list[CheckItem]:
    """The items of one rule: its findings (capped), or a single passing item."""
    if not findings:
        return [CheckItem(rule, "pass", passed)]
    findings = sorted(findings, key=lambda i: (i.path, i.line or 0))
    if len(findings) <= MAX_ITEMS_PER_RULE:
        return findings
    shown, rest = findings[:MAX_ITEMS_PER_RULE], findings[MAX_ITEMS_PER_RULE:]
    worst = "fail" if any(i.outcome == "fail" for i in rest) else rest[0].outcome
    return [*shown, CheckItem(rule, worst, f"… and {len(rest):,} more files like these.")]


def with_waivers(items: list[CheckItem], waived: dict[str, str]) -> list[CheckItem]:
    """`waived` maps an item's key to the office's reason: a waived fail reads `waived`."""
    result = []
    for item in items:
        if item.outcome == "fail" and item.key in waived:
            item = CheckItem(item.rule, "waived", f"{item.message} Waived: {waived[item.key]}",
                             item.path, item.line)
        result.append(item)
    return result


def failing(items: list[CheckItem]) -> list[CheckItem]:
    return [i for i in items if i.outcome == "fail"]


def all_pass(items: list[CheckItem]) -> bool:
    return all(i.outcome == "pass" for i in items)
