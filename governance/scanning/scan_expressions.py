"""SPDX forms and categories of the expressions a scan found, for its summary.

to_spdx uses scancode's own converter, whose get_licensing() goes through the license cache
that holds the whole index: call it in scan workers only. Categories come from
governance.licensing.expressions, the one license lookup the whole app shares."""
from __future__ import annotations

from functools import lru_cache

from governance.licensing.expressions import (
    And,
    ExpressionError,
    Node,
    Or,
    Symbol,
    parse,
    render,
)

# Most to least restrictive, for an expression that mixes categories.
CATEGORY_ORDER = ["Commercial", "Proprietary Free", "Copyleft", "Copyleft Limited",
                  "Free Restricted", "Source-available", "Patent License", "CLA",
                  "Unstated License", "Permissive", "Public Domain"]


@lru_cache(maxsize=1)
def _licensing():
    from licensedcode.cache import get_licensing

    return get_licensing()


@lru_cache(maxsize=4096)
def to_spdx(expression: str | None) -> str | None:
    """scancode keys -> SPDX ids; keys SPDX does not know stay visible as LicenseRef-scancode-*."""
    if not expression:
        return None
    from licensedcode.cache import build_spdx_license_expression

    try:
        return str(build_spdx_license_expression(expression, licensing=_licensing()))
    except Exception:  # noqa: BLE001 - an odd expression is shown as it is, not an error page
        return None


def category_of_keys(expression: str | None) -> str | None:
    """The category an expression's licenses put it in, read with the same lookup the license
    policy uses: an AND is as restrictive as its most restrictive part, an OR as its least
    restrictive option (the one a user relies on: `MIT OR GPL-3.0-or-later` is Permissive)."""
    found = category_options(expression)
    return found[0][1] if found else None


def category_options(expression: str | None) -> list[tuple[str, str]]:
    """[(option in SPDX ids, its category)] of the expression's top-level OR, the option
    relied on first; one entry for an expression without a choice; empty when unreadable."""
    if not expression:
        return []
    try:
        node = parse(expression)
    except ExpressionError:
        return []
    parts = node.parts if isinstance(node, Or) else (node,)
    ranked = [(render(part, spdx=True), _category(part)) for part in parts]
    return sorted(ranked, key=lambda item: -_rank(item[1]))


def _rank(category: str) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else -1


def _category(node: Node) -> str:
    if isinstance(node, Symbol):
        return node.license.category or "Unknown"
    categories = [_category(part) for part in node.parts]
    pick = min if isinstance(node, And) else max
    return pick(categories, key=_rank)
