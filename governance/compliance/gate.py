"""The CI gate: does every component of an SBOM have the office's blessing for a usage context?

It passes when each component is approved (with or without conditions) or allowed by the
policy alone, and fails with a reason per component otherwise (see `status` for the rules).
An SBOM with no components passes: there is nothing in it to object to. The caller turns a
failure into its exit code or HTTP answer; an unknown context is a ValueError, before anything
is judged.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from governance.compliance.index import RequestIndex
from governance.compliance.status import ComponentStatus, classify, counts
from governance.licensing.policy import LicensePolicy
from governance.rules.gate_scope import EVERYTHING, GateScope
from governance.sbom import SbomDocument


@dataclass(frozen=True)
class GateResult:
    passed: bool
    context: str
    product: str | None
    components: list[ComponentStatus]
    failures: list[ComponentStatus]
    scope: GateScope = EVERYTHING

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.components)

    def to_dict(self) -> dict:
        """JSON-ready: the answer, the counts by status, and every component's standing."""
        return {**self._head(), "components": [_component_dict(s) for s in self.components]}

    def json_chunks(self) -> Iterator[str]:
        """to_dict() as JSON text, a component at a time: the answer for an SBOM of 100,000
        components is never held whole (the CLI prints it, the API streams it)."""
        return json_chunks(self._head(), "components",
                           (_component_dict(s) for s in self.components))

    def _head(self) -> dict:
        return {"passed": self.passed, "context": self.context, "product": self.product,
                "total": len(self.components), "failed": len(self.failures),
                "counts": self.counts, "scope": self.scope.to_dict()}

    def format_text(self) -> str:
        """For the CLI: a line per failing component with its reason, then a summary line."""
        lines = [_one_line(f"FAIL {_label(s)}: {s.status.replace('_', ' ')}: {s.reason}")
                 for s in self.failures]
        where = _one_line(self.context + (f", product {self.product}" if self.product else ""))
        tally = ", ".join(f"{status.replace('_', ' ')} {n}"
                          for status, n in self.counts.items() if n)
        total = len(self.components)
        if self.passed:
            summary = f"gate passed for {where}: {_components(total)}"
        else:
            summary = f"gate failed for {where}: {len(self.failures)} of {_components(total)}"
        lines.append(summary + (f" ({tally})" if tally else ""))
        ignored = self.scope.to_dict()
        if any(ignored.values()):
            lines.append("out of scope (policies/gate.yaml): " + "; ".join(
                f"{key.replace('ignore_', '').replace('_', ' ')} {', '.join(values)}"
                for key, values in ignored.items() if values))
        return "\n".join(lines)


def gate(document: SbomDocument, context: str, index: RequestIndex, policy: LicensePolicy, *,
         product: str | None = None, scope: GateScope = EVERYTHING) -> GateResult:
    """The gate's answer for `document` in `context`; ValueError for an unknown context.
    With `product`, requests for other products do not count (see `status`); components
    `scope` leaves out are listed as out of scope and never fail it."""
    statuses = classify(document, context, index, policy, product=product, scope=scope)
    failures = [s for s in statuses if not s.passed]
    return GateResult(passed=not failures, context=context, product=product,
                      components=statuses, failures=failures, scope=scope)


def json_chunks(head: dict, key: str, items: Iterable[dict]) -> Iterator[str]:
    """The JSON text of head with `key` (its last key) holding the items, a thousand items
    at a time (one json.dumps each: the encoder's C loop does the rest)."""
    opening = json.dumps({**head, key: []})
    yield opening[:-2]  # up to the list's "["
    items, first = iter(items), True
    while batch := list(islice(items, 1000)):
        yield ("" if first else ", ") + json.dumps(batch)[1:-1]
        first = False
    yield "]}"


def _component_dict(s: ComponentStatus) -> dict:
    return {"name": s.component.name, "version": s.component.version, "purl": s.component.purl,
            "status": s.status, "verdict": s.verdict, "explanation": s.explanation,
            "reason": s.reason, "requests": list(s.requests)}


def _label(status: ComponentStatus) -> str:
    component = status.component
    name = f"{component.name} {component.version}".strip() or "(unnamed)"
    return f"{name} <{component.purl}>" if component.purl else name


def _one_line(text: str) -> str:
    """The text with line breaks and other unprintable characters escaped: names and licenses
    come from the uploaded SBOM, and one must not add lines (a forged "gate passed") to the
    CLI's output."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _components(count: int) -> str:
    return f"{count} component" + ("" if count == 1 else "s")
