"""The license policy as data: verdicts, obligations and the loaded policy (frozen).

load_policy() in `validation` builds a LicensePolicy from policies/license-policy.yaml;
`policy` evaluates expressions against it.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from governance.licensing.expressions import License, Symbol, render_symbol

VERDICTS = ("allow", "review", "deny")  # best first
RANK = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
OBLIGATIONS = ("attribution", "include-license-text", "notice-file", "state-changes",
               "source-offer")
# The reasons a deny may be waived, as OSS Review Toolkit's rule-violation resolutions name
# them; the policy file may describe them otherwise and add the office's own.
WAIVER_REASONS = {
    "CANT_FIX_EXCEPTION": "The violation cannot be fixed, and the office accepts it.",
    "DYNAMIC_LINKAGE_EXCEPTION": "Only linked dynamically, which the license allows here.",
    "EXAMPLE_OF_EXCEPTION": "The license is only an example or a test fixture in the code.",
    "LICENSE_ACQUIRED_EXCEPTION": "The company acquired a license that permits this use.",
    "PATENT_GRANT_EXCEPTION": "A patent grant covers this use.",
}


def worst(verdicts: Iterable[str]) -> str:
    return max(verdicts, key=RANK.__getitem__)


def best(verdicts: Iterable[str]) -> str:
    return min(verdicts, key=RANK.__getitem__)


@dataclass(frozen=True)
class Override:
    license: License
    exception: License | None
    verdicts: Mapping[str, str]  # only the contexts it overrides
    reason: str = ""
    line: int | None = None

    @property
    def label(self) -> str:
        return render_symbol(Symbol(self.license, self.exception), spdx=True)

    def why(self, context: str) -> str:
        return f"override for {self.label} in {context}" + (f": {self.reason}"
                                                             if self.reason else "")


@dataclass(frozen=True)
class ObligationRule:
    obligations: tuple[str, ...]
    category: str | None = None
    license: str | None = None  # a scancode key
    contexts: tuple[str, ...] = ()  # empty: every context
    line: int | None = None

    def applies(self, license_: License, context: str, as_exception: bool = False) -> bool:
        if not license_.known or (self.contexts and context not in self.contexts):
            return False
        if self.license is not None:
            return license_.key == self.license
        return not as_exception and license_.category == self.category


@dataclass(frozen=True)
class LicensePolicy:
    path: str
    version: int
    digest: str  # sha256 of the file's bytes: stored with every verdict made under it
    contexts: tuple[str, ...]
    categories: Mapping[str, Mapping[str, str]]
    overrides: Mapping[tuple[str, str | None], Override]
    obligations: tuple[ObligationRule, ...]
    # The contexts in which a component whose license verdict is allow needs no request (the
    # CI gate passes it as "allowed by policy").
    allow_without_request: tuple[str, ...] = ()
    # {code: description}: the reasons a waiver of a deny may give
    waiver_reasons: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType(WAIVER_REASONS))
