"""License expressions as scancode keys and as SPDX, with categories from scancode's license
database, for scan summaries. Runs in scan workers only: scancode's get_licensing() and
get_licenses_db() go through its license cache, which loads the whole index (the web process
uses governance.licensing.expressions, which loads the license metadata alone)."""
from __future__ import annotations

from functools import lru_cache

# Most to least restrictive, for an expression that mixes categories.
CATEGORY_ORDER = ["Commercial", "Proprietary Free", "Copyleft", "Copyleft Limited",
                  "Free Restricted", "Source-available", "Patent License", "CLA",
                  "Unstated License", "Permissive", "Public Domain"]


@lru_cache(maxsize=1)
def _licensing():
    from licensedcode.cache import get_licensing

    return get_licensing()


@lru_cache(maxsize=1)
def licenses_db() -> dict:
    from licensedcode.cache import get_licenses_db

    return get_licenses_db()


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


def license_keys(expression: str | None) -> list[str]:
    if not expression:
        return []
    try:
        return sorted(_licensing().license_keys(expression, unique=True))
    except Exception:  # noqa: BLE001
        return []


def category_of_key(key: str) -> str:
    license_ = licenses_db().get(key)
    return (license_.category if license_ else None) or "Unknown"


def category_of_keys(expression: str | None) -> str | None:
    """The most restrictive category among an expression's licenses."""
    categories = {category_of_key(k) for k in license_keys(expression)}
    if not categories:
        return None
    ranked = [c for c in CATEGORY_ORDER if c in categories]
    return ranked[0] if ranked else sorted(categories)[0]
