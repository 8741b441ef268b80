"""License clearing, pure: the concluded license of a package version against what was found.

A scan reports a declared license (the package's own manifest) and every expression detected
in its files, license history and mentions included. The office concludes the license that
holds (FOSSology's clearing decision, SW360's release clearing): by default the declared one;
another with a reason when the detections say otherwise. For an OR it may also record the
option the company takes (the "license in play"), and obligations follow that option.

Each detected expression is then a finding of one of three kinds:
- `agrees`: every license in it is one of the concluded (or declared) expression's;
- `unidentified`: it names no identified license (scancode's unknown-license-reference…);
- `disagrees`: it names a license the conclusion does not. These stay visible for the office
  until marked as not applying (a dismissal, with a reason code); they are never folded into
  an AND of everything found.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from governance.licensing.exceptions import exception_applies
from governance.licensing.expressions import (
    ExpressionError,
    Node,
    Or,
    parse,
    quote,
    render,
    symbols,
)

AGREES, UNIDENTIFIED, DISAGREES, DISMISSED = "agrees", "unidentified", "disagrees", "dismissed"


@dataclass(frozen=True)
class Clearing:
    """What the office decided for one component version: a concluded expression (or None:
    the declared one stands), the OR option taken, and the detections marked as not
    applying (SPDX expressions)."""

    expression: str | None = None
    option: str | None = None
    dismissed: frozenset[str] = field(default_factory=frozenset)

    @property
    def digest(self) -> str:
        """Stored with each verdict judged under this clearing; "" for none at all."""
        if self.expression is None and not self.dismissed:
            return ""
        return _digest({"expression": self.expression, "option": self.option,
                        "dismissed": sorted(self.dismissed)})


NO_CLEARING = Clearing()


def options(node: Node) -> list[Node]:
    """The alternatives of a top-level OR; empty when the expression offers no choice."""
    return list(node.parts) if isinstance(node, Or) else []


def check_conclusion(expression: str, option: str | None = None) -> tuple[Node, Node | None]:
    """The concluded expression and option, parsed; ExpressionError with a reason to show
    when the office's input cannot stand as a conclusion."""
    node = parse(expression)
    for symbol in symbols(node):
        for license_ in (symbol.license, symbol.exception):
            if license_ is not None and not license_.known \
                    and not license_.key.lower().startswith("licenseref-"):
                raise ExpressionError(
                    f"{quote(license_.key)} is not a license scancode's database knows: use its "
                    "SPDX id (e.g. PSF-2.0), a scancode key, or a LicenseRef-… of your own")
        if symbol.exception is not None:
            misapplied = exception_applies(symbol.license, symbol.exception)
            if misapplied:
                raise ExpressionError(misapplied)
    if not option or not option.strip():
        return node, None
    chosen = parse(option)
    alternatives = options(node)
    if not alternatives:
        raise ExpressionError(f"{render(node, spdx=True)} offers no choice: an option is only "
                              "recorded for an OR")
    if chosen not in alternatives:
        raise ExpressionError(
            f"{quote(option)} is not one of the options of {render(node, spdx=True)} ("
            + ", ".join(render(a, spdx=True) for a in alternatives) + ")")
    return node, chosen


def classify(detected: str, against: Node | None, dismissed: frozenset[str]) -> str:
    """Which kind of finding a detected expression is, against the concluded (or declared)
    expression; an unreadable detection disagrees."""
    if detected in dismissed:
        return DISMISSED
    try:
        node = parse(detected)
    except ExpressionError:
        return DISAGREES
    found = list(symbols(node))
    if all(s.license.unidentified for s in found):
        return UNIDENTIFIED
    if against is None:
        return DISAGREES
    held = {s.license.key for s in symbols(against)} | {
        s.exception.key for s in symbols(against) if s.exception is not None}
    named = [s for s in found if not s.license.unidentified]
    if all(s.license.key in held and (s.exception is None or s.exception.key in held)
           for s in named):
        return AGREES
    return DISAGREES


def findings_digest(declared: str | None, detected: list[str]) -> str:
    """What a scan found, as one value: equal for two versions whose findings did not
    change, so that a conclusion can be carried to the next version as a suggestion."""
    return _digest({"declared": declared or "", "detected": sorted(set(detected))})


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
