"""What reading an SBOM gives back: documents, components, warnings, and the one error."""
from __future__ import annotations

from dataclasses import dataclass

from governance.sbom.keys import canonical_purl, purl_name

FORMATS = ("cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx-tag-value")
# A hostile document could otherwise produce one warning per component, without end.
MAX_WARNINGS = 100
# Values that say "no license information", in SPDX and in what some CycloneDX tools write.
NO_LICENSE = frozenset({"NOASSERTION", "NONE", ""})


class SbomError(ValueError):
    """A document that cannot be read; `reason` is a sentence for whoever uploaded it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)  # 100,000 of them: no __dict__ each
class SbomComponent:
    """One component as the SBOM states it.

    `purl` is canonical (packageurl-python's normal form) or None when the document gives none
    or an unparseable one. `license_expression` is SPDX expression text as the document states
    it (see cyclonedx.py and spdx.py for which of its licenses that is); `license_names` are
    licenses the document names only in free text (CycloneDX `license.name`), kept apart
    because they are not SPDX identifiers.
    """

    name: str
    version: str = ""
    purl: str | None = None
    license_expression: str | None = None
    ref: str = ""
    type: str = ""
    group: str = ""
    license_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class SbomDocument:
    """A read SBOM. `subject` is the product the SBOM is about (CycloneDX
    `metadata.component`, the one package an SPDX document describes); it is never among
    `components`, which are what the product contains, nested components flattened in document
    order."""

    format: str
    spec_version: str
    name: str
    components: tuple[SbomComponent, ...]
    warnings: tuple[str, ...] = ()
    subject: SbomComponent | None = None


class WarningLog:
    """Warnings collected while reading, at most MAX_WARNINGS of them, then a count."""

    def __init__(self) -> None:
        self._items: list[str] = []
        self._dropped = 0

    def add(self, message: str) -> None:
        if len(self._items) < MAX_WARNINGS:
            self._items.append(message)
        else:
            self._dropped += 1

    def snapshot(self) -> tuple[int, int]:
        return len(self._items), self._dropped

    def restore(self, snapshot: tuple[int, int]) -> None:
        """Forget what was added since snapshot() (a reading that is started again)."""
        del self._items[snapshot[0]:]
        self._dropped = snapshot[1]

    def freeze(self) -> tuple[str, ...]:
        if self._dropped:
            return (*self._items, f"… and {self._dropped} more warnings.")
        return tuple(self._items)


def make_component(*, name: str, version: str, purl_text: str, license_expression: str | None,
                   ref: str, type_: str, group: str = "", license_names: tuple[str, ...] = (),
                   where: str, log: WarningLog) -> SbomComponent:
    """An SbomComponent, with its purl made canonical; a bad purl or a missing name is a
    warning (the component stays, so nothing it stands for goes unchecked)."""
    purl = None
    if purl_text:
        purl = canonical_purl(purl_text)
        if purl is None:
            log.add(f"{_label(where, name)}: the package URL {_short(purl_text)} cannot be "
                    "read; the component is matched by name and version.")
    if not name:
        # A purl names the package even where the document forgot the name field.
        name = purl_name(purl) if purl else ""
        log.add(f"{where} has no name" + (f"; named {name} from its purl." if name else "."))
    return SbomComponent(name=name, version=version, purl=purl,
                         license_expression=license_expression, ref=ref, type=type_,
                         group=group, license_names=license_names)


def no_license(value: str | None) -> bool:
    return value is None or value.strip().upper() in NO_LICENSE


def join_expressions(expressions: list[str]) -> str | None:
    """Several expressions as one: each that is compound in parentheses, joined with AND."""
    if len(expressions) == 1:  # nearly always
        return None if no_license(expressions[0]) else expressions[0].strip()
    unique = list(dict.fromkeys(e.strip() for e in expressions if not no_license(e)))
    if len(unique) <= 1:
        return unique[0] if unique else None
    return " AND ".join(e if _is_atom(e) else f"({e})" for e in unique)


def _is_atom(expression: str) -> bool:
    """True when the expression needs no parentheses to be one operand of AND."""
    if not any(c.isspace() for c in expression):
        return True
    if not (expression.startswith("(") and expression.endswith(")")):
        return False
    depth = 0
    for i, char in enumerate(expression):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and i < len(expression) - 1:
            return False  # "(A) OR (B)": the first parenthesis closes early
    return True


def _label(where: str, name: str) -> str:
    return f"{where} ({_clip(name)})" if name else where


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _short(text: str) -> str:
    return repr(_clip(text))
