"""Whether a version falls in an OSV package's affected versions, as the OSV schema evaluates
them: an explicit `versions` list, or ECOSYSTEM and SEMVER ranges whose events, sorted in the
ecosystem's order, switch "affected" on at `introduced` and off at `fixed` (or after
`last_affected`), below any `limit`. GIT ranges name commits, not versions: kept and shown,
never matched."""
from __future__ import annotations

from governance.advisories_core.ecosystems import parse_version
from governance.advisories_core.osv import Affected, Range


def _in_range(purl_type: str, version, rng: Range) -> bool | None:
    semver = rng.type == "SEMVER"
    target = parse_version(purl_type, str(version), semver=semver) if semver else version
    if target is None:
        return None
    events, limits = [], []
    for event in rng.events:
        if event.kind == "introduced" and event.version == "0":
            events.append((None, event.kind))  # before every version
            continue
        parsed = parse_version(purl_type, event.version, semver=semver)
        if parsed is None:
            return None  # a range it cannot read is not guessed into a match
        (limits if event.kind == "limit" else events).append((parsed, event.kind))
    events.sort(key=lambda e: (e[0] is not None, e[0] if e[0] is not None else 0))
    affected = False
    for at, kind in events:
        if kind == "introduced":
            if at is None or target >= at:
                affected = True
        elif kind == "fixed":
            if target >= at:
                affected = False
        elif kind == "last_affected":
            if target > at:
                affected = False
    if affected and limits:
        affected = any(target < limit for limit, _ in limits)
    return affected


def affects(affected: Affected, purl_type: str, version: str) -> bool:
    """Whether `version` (of the package `affected` names) is affected."""
    if version in affected.versions:
        return True
    parsed = parse_version(purl_type, version)
    if parsed is not None and affected.versions:
        for listed in affected.versions:
            other = parse_version(purl_type, listed)
            if other is not None and other == parsed:
                return True
    for rng in affected.ranges:
        if rng.type == "GIT":
            continue
        if _in_range(purl_type, parsed if rng.type == "ECOSYSTEM" else version, rng):
            return True
    return False


def fixed_above(affected: Affected, purl_type: str, version: str) -> list[str]:
    """The fixed versions above `version`, lowest first: what to update to."""
    current = parse_version(purl_type, version)
    found = []
    for text in affected.fixed_versions():
        fixed = parse_version(purl_type, text)
        if fixed is not None and (current is None or fixed > current):
            found.append((fixed, text))
    return [text for _, text in sorted(found, key=lambda pair: pair[0])]
