"""The quick re-check of an update: the new version's license findings against the version it
replaces. Nothing changed in licenses or obligations: the app approves the successor itself;
anything else goes to the office with this comparison on the request."""
from __future__ import annotations

from governance.license_review.verdicts import RequestVerdict


def _obligations(verdict: RequestVerdict) -> set[str]:
    return {o["id"] for o in (verdict.evaluation or {}).get("obligations") or []}


def _licenses(verdict: RequestVerdict) -> set[str]:
    return {lic["spdx"] or lic["license"] for lic in verdict.licenses}


def _detected(verdict: RequestVerdict) -> dict[str, int]:
    return {d.expression_spdx: d.files for d in verdict.detected}


def compare(before: RequestVerdict | None, after: RequestVerdict) -> dict:
    """What changed between the two versions' verdicts, as kept on the update and shown on the
    request: `summary` lists each change in words (empty when nothing changed)."""
    summary: list[str] = []
    result = {"summary": summary, "expression": None, "verdict": None,
              "licenses_added": [], "licenses_removed": [],
              "obligations_added": [], "obligations_removed": [],
              "detected_added": [], "detected_removed": []}
    if before is None:
        summary.append("The version it replaces has no scan to compare with.")
        return result
    if before.expression_spdx != after.expression_spdx:
        result["expression"] = {"from": before.expression_spdx, "to": after.expression_spdx}
        summary.append(f"License changed from {before.expression_spdx or '(none found)'} to "
                       f"{after.expression_spdx or '(none found)'}.")
    if before.verdict != after.verdict:
        result["verdict"] = {"from": before.verdict, "to": after.verdict}
        summary.append(f"Policy verdict changed from {before.verdict} to {after.verdict}.")
    for key, old, new, what in (
            ("licenses", _licenses(before), _licenses(after), "License"),
            ("obligations", _obligations(before), _obligations(after), "Obligation")):
        result[f"{key}_added"] = sorted(new - old)
        result[f"{key}_removed"] = sorted(old - new)
        for name in result[f"{key}_added"]:
            summary.append(f"{what} {name} is new.")
        for name in result[f"{key}_removed"]:
            summary.append(f"{what} {name} is gone.")
    old_found, new_found = _detected(before), _detected(after)
    result["detected_added"] = [{"expression": e, "files": n} for e, n in sorted(new_found.items())
                                if e not in old_found]
    result["detected_removed"] = [{"expression": e, "files": n}
                                  for e, n in sorted(old_found.items()) if e not in new_found]
    for entry in result["detected_added"]:
        summary.append(f"{entry['expression']} is now detected in {entry['files']} "
                       f"file{'s' if entry['files'] != 1 else ''}.")
    for entry in result["detected_removed"]:
        summary.append(f"{entry['expression']} is no longer detected.")
    return result


def unchanged(changes: dict) -> bool:
    return not changes["summary"]
