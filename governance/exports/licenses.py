"""A component's license as the export formats must write it, and license texts.

governance.licensing reads an expression whatever names it uses (SPDX ids, scancode keys,
LicenseRef-scancode-<key>, names scancode does not know). SPDX 2.3 and CycloneDX accept only
ids from the SPDX license list and `LicenseRef-[A-Za-z0-9.-]+` ids, and SPDX wants the text of
each LicenseRef in the document. So every license becomes:

- its SPDX id when SPDX lists it (as spdx-tools' validator reads the list);
- LicenseRef-scancode-<key> for a license scancode knows and SPDX does not, with scancode's
  text (or, for scancode's generic keys such as public-domain, which have none, a sentence
  saying so);
- LicenseRef-<name> for a name scancode does not know, with a text saying it is unknown, and
  for an exception written alone rather than after WITH (SPDX reads an exception id nowhere
  else), with scancode's text;
- one LicenseRef-<license>-WITH-<exception> for a WITH that SPDX 2.3 cannot say (an exception
  that is not on SPDX's exception list: SPDX 2.3 has no LicenseRef for exceptions), with both
  texts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from governance.exports.model import ExportComponent, ExportError
from governance.licensing.expressions import (
    And,
    ExpressionError,
    License,
    Node,
    Symbol,
    license_db,
    parse,
    render_symbol,
    symbols,
)

_REF_ID = re.compile(r"LicenseRef-[0-9A-Za-z.-]+")
_NOT_ID_CHARS = re.compile(r"[^0-9A-Za-z.-]+")
LICENSEDB_URL = "https://scancode-licensedb.aboutcode.org/{key}.html"


@dataclass(frozen=True)
class LicenseRef:
    """A license the SPDX license list does not hold, as SPDX's ExtractedLicensingInfo."""

    id: str  # LicenseRef-…
    name: str
    text: str
    scancode_key: str | None = None  # when scancode's license database knows it


@dataclass(frozen=True)
class SpdxLicense:
    """A component's license in SPDX ids only, with what a document must say about them."""

    expression: str
    refs: tuple[LicenseRef, ...]  # the LicenseRef ids the expression uses, each once
    single: bool  # one license without exception: CycloneDX names it alone


def expression_tree(component: ExportComponent) -> Node | None:
    """The component's license expression as governance.licensing reads it; None if none."""
    if component.license_expression_spdx is None:
        return None
    try:
        return _parse(component.license_expression_spdx)
    except ExpressionError as exc:
        raise ExportError(f"component {component.label}: {exc.reason}") from exc


@lru_cache(maxsize=2048)
def _parse(text: str) -> Node:
    return parse(text)


def license_keys(component: ExportComponent) -> tuple[str, ...]:
    """scancode keys of every license and exception of the component's expression, each once,
    left to right. A name scancode does not know stays as written."""
    tree = expression_tree(component)
    if tree is None:
        return ()
    keys: list[str] = []
    for symbol in symbols(tree):
        for lic in (symbol.license, symbol.exception):
            if lic is not None and lic.key not in keys:
                keys.append(lic.key)
    return tuple(keys)


def spdx_license(component: ExportComponent) -> SpdxLicense | None:
    """The component's license in SPDX ids only; None when no license was concluded."""
    tree = expression_tree(component)
    if tree is None:
        return None
    refs: dict[str, LicenseRef] = {}
    text = _render(tree, refs)
    # spdx-tools normalises some ids when it parses (older LicenseRef-scancode ids that SPDX
    # has since listed): keep its spelling, and only the LicenseRefs that remain.
    normalised = _licensing().parse(text)
    used = [str(s) for s in _licensing().license_symbols(normalised, decompose=True)]
    kept = tuple(refs[ref_id] for ref_id in dict.fromkeys(used) if ref_id in refs)
    return SpdxLicense(str(normalised), kept,
                       isinstance(tree, Symbol) and tree.exception is None)


def _licensing():
    # The licensing spdx-tools validates with: what it accepts is what SPDX documents may say.
    from spdx_tools.common.spdx_licensing import spdx_licensing

    return spdx_licensing


def _render(node: Node, refs: dict[str, LicenseRef]) -> str:
    if isinstance(node, Symbol):
        return _spdx_symbol(node, refs)
    joiner = " AND " if isinstance(node, And) else " OR "
    return joiner.join(_render(p, refs) if isinstance(p, Symbol) else f"({_render(p, refs)})"
                       for p in node.parts)


def _spdx_symbol(symbol: Symbol, refs: dict[str, LicenseRef]) -> str:
    written = render_symbol(symbol, spdx=True)
    if _acceptable(written):
        for lic in (symbol.license, symbol.exception):
            if lic is not None and lic.spdx.startswith("LicenseRef-"):
                refs.setdefault(lic.spdx, _ref(lic.spdx, lic))
        return written
    lic = symbol.license
    ref_id = f"LicenseRef-scancode-{_NOT_ID_CHARS.sub('-', lic.key)}"
    # An SPDX id newer than spdx-tools' copy of the SPDX license list. (Not for an exception
    # written alone: spdx-tools reads its LicenseRef-scancode id as the exception again.)
    if symbol.exception is None and lic.known and _acceptable(ref_id):
        refs.setdefault(ref_id, _ref(ref_id, lic))
        return ref_id
    ref_id = "LicenseRef-" + _NOT_ID_CHARS.sub("-", written.removeprefix("LicenseRef-")
                                               .replace(" WITH ", "-WITH-")).strip("-")
    if symbol.exception is None:
        refs.setdefault(ref_id, _ref(ref_id, lic))
    else:
        exception = symbol.exception
        refs.setdefault(ref_id, LicenseRef(
            ref_id, f"{lic.name or lic.spdx} with {exception.name or exception.spdx}",
            f"{lic.spdx} with the exception {exception.spdx}, which SPDX 2.3 cannot express "
            f"with its own ids.\n\n{_text_or_note(lic)}\n\n{_text_or_note(exception)}"))
    return ref_id


def _acceptable(written: str) -> bool:
    """Whether SPDX can say this as written: every id listed, or a well-formed LicenseRef (which
    the document then defines)."""
    result = _licensing().validate(written)
    if not result.errors:
        return True
    return (all(e.startswith("Unknown license key") for e in result.errors)
            and all(_REF_ID.fullmatch(s) for s in result.invalid_symbols))


def _ref(ref_id: str, lic: License) -> LicenseRef:
    return LicenseRef(ref_id, lic.name or lic.spdx, _text_or_note(lic),
                      lic.key if lic.known else None)


def _text_or_note(lic: License) -> str:
    if not lic.known:
        return (f"{lic.spdx}: a license name that scancode's license database does not know; "
                "its text was not available when this document was made.")
    text = scancode_license_text(lic.key)
    if text.strip():
        return text
    notes = license_db().by_key[lic.key].notes
    return (f"{lic.name} (scancode license key {lic.key}): scancode's license database has no "
            f"text for this license, which stands for a kind of license rather than one text."
            + (f" {notes.strip()}" if notes and notes.strip() else ""))


@lru_cache(maxsize=512)
def scancode_license_text(key: str) -> str:
    """The text of a license from scancode's license database ("" for the generic keys that
    have none); KeyError when scancode does not know the key."""
    try:
        lic = license_db().by_key[key]
    except KeyError:
        raise KeyError(f"scancode's license database has no license {key!r}") from None
    return lic.text or ""
