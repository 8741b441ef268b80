"""The CI gate's scope, from policies/gate.yaml: the components it does not judge.

SBOM producers list more than the libraries a product ships: syft lists the GitHub Actions it
finds in node_modules (purl type `github`) and pip's bundled launcher executables as nuget
packages. The office names the purl types and CycloneDX component types the gate leaves out;
each one left out is still listed in the gate's report, as out of scope, with the reason.
Pure: loading and validation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from governance.rules.loader import PolicyError, line_of, load_yaml

_PURL_TYPE = re.compile(r"^[a-z][a-z0-9.+-]*$")
# CycloneDX 1.6's component types (SPDX packages have none: they are never left out by type).
COMPONENT_TYPES = ("application", "framework", "library", "container", "platform",
                   "operating-system", "device", "device-driver", "firmware", "file",
                   "machine-learning-model", "data", "cryptographic-asset")


@dataclass(frozen=True)
class GateScope:
    ignore_purl_types: frozenset[str] = field(default_factory=frozenset)
    ignore_component_types: frozenset[str] = field(default_factory=frozenset)

    def excludes(self, purl: str | None, component_type: str) -> str | None:
        """Why a component is out of scope, or None when the gate judges it."""
        if purl and self.ignore_purl_types:
            kind = purl[4:].split("/", 1)[0].lower() if purl.startswith("pkg:") else ""
            if kind in self.ignore_purl_types:
                return f"purl type {kind}"
        kind = (component_type or "").lower()
        if kind and kind in self.ignore_component_types:
            return f"component type {kind}"
        return None

    def to_dict(self) -> dict:
        return {"ignore_purl_types": sorted(self.ignore_purl_types),
                "ignore_component_types": sorted(self.ignore_component_types)}


EVERYTHING = GateScope()


def load_gate_scope(path: Path | str) -> GateScope:
    path = Path(path)
    data = load_yaml(path)
    ignore = data.get("ignore") or {}
    if not isinstance(ignore, dict):
        raise PolicyError(path, line_of(data, 1), "'ignore' maps purl_types and "
                                                  "component_types to lists")
    unknown = sorted(set(ignore) - {"purl_types", "component_types"})
    if unknown:
        raise PolicyError(path, line_of(ignore), f"unknown key {unknown[0]!r} under 'ignore'; "
                                                 "use purl_types and component_types")
    purl_types = ignore.get("purl_types") or []
    component_types = ignore.get("component_types") or []
    for name, values in (("purl_types", purl_types), ("component_types", component_types)):
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise PolicyError(path, line_of(values, line_of(ignore)),
                              f"ignore.{name} must be a list of names")
    bad = next((t for t in purl_types if not _PURL_TYPE.match(t)), None)
    if bad is not None:
        raise PolicyError(path, line_of(purl_types), f"{bad!r} is not a purl type (lower "
                                                     "case, e.g. github, nuget)")
    bad = next((t for t in component_types if t not in COMPONENT_TYPES), None)
    if bad is not None:
        raise PolicyError(path, line_of(component_types),
                          f"{bad!r} is not a CycloneDX component type: "
                          f"{', '.join(COMPONENT_TYPES)}")
    return GateScope(frozenset(purl_types), frozenset(component_types))
