"""SPDX forms and categories of the expressions a scan found, for its summary.

to_spdx uses scancode's own converter, whose get_licensing() goes through the license cache
that holds the whole index: call it in scan workers only. Categories come from
governance.licensing.expressions, the one license lookup the whole app shares."""
from __future__ import annotations

from functools import lru_cache

from governance.licensing.expressions import ExpressionError, parse, symbols

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
    """The most restrictive category among an expression's licenses (exceptions aside),
    read with the same lookup the license policy uses."""
    if not expression:
        return None
    try:
        found = {symbol.license.category or "Unknown"
                 for symbol in symbols(parse(expression))}
    except ExpressionError:
        return None
    ranked = [c for c in CATEGORY_ORDER if c in found]
    return ranked[0] if ranked else (sorted(found)[0] if found else None)
