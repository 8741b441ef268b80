"""License expressions: text in, a small tree of scancode licenses out.

An expression may name licenses by SPDX id (`Apache-2.0`, `LicenseRef-scancode-public-domain`)
or by scancode key (`apache-2.0`, `public-domain`), mixed freely, combined with AND, OR, WITH
and parentheses. license-expression parses the grammar; each name is then looked up in
scancode's license database. A name the database does not know stays in the tree as an unknown
license (the policy reviews it); a malformed expression is an ExpressionError, whatever
license-expression raised.

Only the license facts are read (scancode_licenses: cached on disk after the first run), never
scancode's license index: `licensedcode.cache.get_licenses_db()` and `get_licensing()`
unpickle the whole index cache (over 1 GB) to hand back the metadata.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from governance.licensing.scancode_licenses import license_facts

MAX_LENGTH = 10_000
MAX_DEPTH = 50

# Deprecated SPDX ids that stood for a license with an exception (as scancode's own SPDX
# identifier matching reads them).
_OLD_SPDX_IDS = {
    "ecos-2.0": ("GPL-2.0-or-later", "eCos-exception-2.0"),
    "gpl-2.0-with-autoconf-exception": ("GPL-2.0-only", "Autoconf-exception-2.0"),
    "gpl-2.0-with-bison-exception": ("GPL-2.0-only", "Bison-exception-2.2"),
    "gpl-2.0-with-classpath-exception": ("GPL-2.0-only", "Classpath-exception-2.0"),
    "gpl-2.0-with-font-exception": ("GPL-2.0-only", "Font-exception-2.0"),
    "gpl-2.0-with-gcc-exception": ("GPL-2.0-only", "GCC-exception-2.0"),
    "gpl-3.0-with-autoconf-exception": ("GPL-3.0-only", "Autoconf-exception-3.0"),
    "gpl-3.0-with-gcc-exception": ("GPL-3.0-only", "GCC-exception-3.1"),
    "wxwindows": ("LGPL-2.0-or-later", "WxWindows-exception-3.1"),
}
_SCANCODE_REF = "licenseref-scancode-"


class ExpressionError(ValueError):
    """Input that cannot be evaluated: str() is the reason, fit to show to whoever typed it."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class License:
    """A license or exception as named in an expression.

    `key` is scancode's key and `spdx` its SPDX id (LicenseRef-scancode-<key> where SPDX has
    none). A name scancode does not know keeps the name as written in both, `known` False.
    """

    key: str
    spdx: str
    name: str = ""
    category: str | None = None
    is_exception: bool = False
    known: bool = True
    # scancode's `unknown…` keys and its Unstated License category: text that names no
    # identified license.
    unidentified: bool = False


@dataclass(frozen=True)
class Symbol:
    license: License
    exception: License | None = None


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


Node = Symbol | And | Or


@dataclass(frozen=True)
class LicenseDB:
    by_key: MappingProxyType
    by_spdx: MappingProxyType  # lower-cased SPDX id (current and older ones) -> scancode License
    categories: tuple[str, ...]


@lru_cache(maxsize=1)
def license_db() -> LicenseDB:
    """scancode's License objects, for their texts and notes (exports); the expressions need
    only scancode_licenses.license_facts()."""
    from licensedcode.cache import get_licenses_by_spdx_key
    from licensedcode.models import load_licenses

    licenses = load_licenses()
    by_spdx = get_licenses_by_spdx_key(licenses.values(), lowercase_keys=True,
                                       include_other_spdx_license_keys=True)
    categories = tuple(sorted({lic.category for lic in licenses.values() if lic.category}))
    return LicenseDB(MappingProxyType(licenses), MappingProxyType(by_spdx), categories)


def categories() -> tuple[str, ...]:
    """The categories of scancode's license database, sorted."""
    return license_facts().categories


@lru_cache(maxsize=1)
def _grammar():
    from license_expression import Licensing

    # A Licensing without known symbols keeps every name as written: scancode's own Licensing
    # matches its keys ignoring case, so `BSL-1.0` (SPDX: Boost) would become scancode's
    # `bsl-1.0` (Business Source License). Names are resolved in lookup() instead.
    return Licensing()


def _known(key: str) -> License:
    spdx, name, category, is_exception, unidentified = license_facts().by_key[key]
    return License(key=key, spdx=spdx, name=name, category=category,
                   is_exception=is_exception, unidentified=unidentified)


@lru_cache(maxsize=4096)
def lookup(name: str) -> License:
    """The license a single name stands for.

    A name written exactly as a scancode key (they are lower case) is that key; otherwise an
    SPDX id, ignoring case; then LicenseRef-scancode-<key>; then a scancode key ignoring case.
    Seven names are both a scancode key and another license's SPDX id (`bsl-1.0` is scancode's
    Business Source License, `BSL-1.0` SPDX's Boost license; likewise openssl, x11, intel,
    opl-1.0, tpl-1.0, brian-gladman-3-clause): the spelling decides.
    """
    by_key, lowered = license_facts().by_key, name.lower()
    ref = lowered[len(_SCANCODE_REF):] if lowered.startswith(_SCANCODE_REF) else None
    found = ((name if name in by_key else None) or license_facts().by_spdx.get(lowered)
             or (ref if ref in by_key else None) or (lowered if lowered in by_key else None))
    if found:
        return _known(found)
    return License(key=name, spdx=name, known=False)


def _symbol(name: str) -> Node:
    old = _OLD_SPDX_IDS.get(name.lower())
    if old and not lookup(name).known:
        return Symbol(lookup(old[0]), lookup(old[1]))
    return Symbol(lookup(name))


def _with(license_name: str, exception_name: str) -> Symbol:
    license_, exception = lookup(license_name), lookup(exception_name)
    if license_.known and license_.is_exception:
        raise ExpressionError(f"{license_name} is an exception, not a license: it goes after "
                              f"WITH, as in GPL-2.0-only WITH {license_.spdx}")
    if exception.known and not exception.is_exception:
        raise ExpressionError(f"{exception_name} is a license, not an exception: WITH takes "
                              f"an exception, as in GPL-2.0-only WITH Classpath-exception-2.0")
    return Symbol(license_, exception)


def _check_name(name: str) -> str:
    # license-expression takes "a b" as one name with a space; no license id has one.
    if any(c.isspace() for c in name):
        raise ExpressionError(f"{quote(name)}: two license names need AND, OR or WITH between "
                              "them")
    return name


def _convert(expr, depth: int) -> Node:
    from license_expression import AND, OR, LicenseSymbol, LicenseWithExceptionSymbol

    if depth > MAX_DEPTH:
        raise ExpressionError(f"the expression nests deeper than {MAX_DEPTH} levels")
    if isinstance(expr, LicenseWithExceptionSymbol):
        return _with(_check_name(expr.license_symbol.key),
                     _check_name(expr.exception_symbol.key))
    if isinstance(expr, LicenseSymbol):
        return _symbol(_check_name(expr.key))
    if isinstance(expr, AND | OR):
        kind = And if isinstance(expr, AND) else Or
        parts: list[Node] = []
        for arg in expr.args:
            part = _convert(arg, depth + 1)
            for sub in (part.parts if isinstance(part, kind) else (part,)):
                if sub not in parts:  # "MIT AND MIT" is MIT
                    parts.append(sub)
        return parts[0] if len(parts) == 1 else kind(tuple(parts))
    raise ExpressionError(f"cannot read {expr!s} as a license expression")


def parse(text: str) -> Node:
    """The expression as a tree of licenses; ExpressionError when it cannot be read."""
    if not isinstance(text, str):
        raise ExpressionError("a license expression is text")
    text = text.strip()
    if not text:
        raise ExpressionError("the license expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the license expression is longer than {MAX_LENGTH} characters")
    try:
        parsed = _grammar().parse(text, simple=True)
    # license-expression 30.4.4 raises more than its ExpressionError on bad input
    # (AttributeError, IndexError, AssertionError, …): whatever it raises means "cannot read".
    except Exception as exc:  # noqa: BLE001
        raise ExpressionError(_reason(text, exc)) from exc
    if parsed is None:
        raise ExpressionError("the license expression is empty")
    try:
        return _convert(parsed, 0)
    except RecursionError as exc:
        raise ExpressionError(f"the expression nests deeper than {MAX_DEPTH} levels") from exc


def _reason(text: str, exc: Exception) -> str:
    from license_expression import ExpressionError as LibraryError

    detail = str(exc) if isinstance(exc, LibraryError) and str(exc) else ""
    if "Invalid license key" in detail:
        detail = ("a license name may hold only letters, digits and . - _ : + "
                  "(separate licenses with AND, OR or WITH)")
    if not detail:
        detail = ("check the parentheses, and that AND, OR and WITH each stand between two "
                  "license names")
    return f"cannot read {quote(text)} as a license expression: {detail}"


QUOTE_LIMIT = 200


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` quoted for an error message, cut to `limit` characters: an error never echoes
    a whole pasted document back."""
    return repr(quote_free(text, limit))


def quote_free(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` cut to `limit` characters, unquoted (for a JSON field that echoes the input)."""
    return text if len(text) <= limit else text[:limit] + "…"


def symbols(node: Node) -> Iterator[Symbol]:
    """Every license (with its exception) of the expression, left to right, each once."""
    seen: set[Symbol] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Symbol):
            if current not in seen:
                seen.add(current)
                yield current
        else:
            stack.extend(reversed(current.parts))


def render_symbol(symbol: Symbol, spdx: bool = False) -> str:
    name = symbol.license.spdx if spdx else symbol.license.key
    if symbol.exception is None:
        return name
    return f"{name} WITH {symbol.exception.spdx if spdx else symbol.exception.key}"


def render(node: Node, spdx: bool = False) -> str:
    """The expression with scancode keys (or SPDX ids), compound parts in parentheses."""
    if isinstance(node, Symbol):
        return render_symbol(node, spdx)
    joiner = " AND " if isinstance(node, And) else " OR "
    return joiner.join(render(p, spdx) if isinstance(p, Symbol) else f"({render(p, spdx)})"
                       for p in node.parts)
