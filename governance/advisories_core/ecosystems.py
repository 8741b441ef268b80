"""OSV ecosystems as package URL types, with their name rules and version orders.

A package is keyed by (purl type, name as the ecosystem compares it): PyPI names are compared
PEP 503-normalised (`Jinja2` is `jinja2`), npm's scoped names keep their scope (`@babel/traverse`),
Maven's are `group:artifact`. Versions are ordered by univers, each ecosystem its own way
(PEP 440 for PyPI, SemVer 2 with its pre-releases for npm, Maven's, Go's, ...). An ecosystem not
listed here is kept but never matched: better no finding than a guessed one."""
from __future__ import annotations

import re

from univers.versions import (
    ComposerVersion,
    GolangVersion,
    InvalidVersion,
    MavenVersion,
    NugetVersion,
    PypiVersion,
    RubygemsVersion,
    SemverVersion,
)

# OSV ecosystem -> (purl type, univers version class)
ECOSYSTEMS = {
    "PyPI": ("pypi", PypiVersion),
    "npm": ("npm", SemverVersion),
    "Maven": ("maven", MavenVersion),
    "crates.io": ("cargo", SemverVersion),
    "Go": ("golang", GolangVersion),
    "RubyGems": ("gem", RubygemsVersion),
    "NuGet": ("nuget", NugetVersion),
    "Packagist": ("composer", ComposerVersion),
    "Hex": ("hex", SemverVersion),
    "Pub": ("pub", SemverVersion),
}
PURL_TYPES = {purl_type: (ecosystem, cls) for ecosystem, (purl_type, cls) in ECOSYSTEMS.items()}
_PEP503 = re.compile(r"[-_.]+")


def normalised_name(purl_type: str, namespace: str, name: str) -> str:
    """The package's name as its ecosystem compares it, from a purl's namespace and name."""
    namespace, name = namespace or "", name or ""
    if purl_type == "pypi":
        return _PEP503.sub("-", name).lower()
    if purl_type == "maven":
        return f"{namespace}:{name}" if namespace else name
    if purl_type in ("npm", "composer", "golang"):
        full = f"{namespace}/{name}" if namespace else name
        return full.lower() if purl_type != "golang" else full
    if purl_type == "nuget":
        return name.lower()
    return f"{namespace}/{name}" if namespace else name


def osv_key(ecosystem: str, name: str) -> tuple[str, str] | None:
    """(purl type, normalised name) of an OSV package; None for an ecosystem not matched."""
    known = ECOSYSTEMS.get(ecosystem)
    if known is None or not name:
        return None
    purl_type = known[0]
    if purl_type == "pypi":
        return purl_type, normalised_name("pypi", "", name)
    if purl_type in ("npm", "composer"):
        return purl_type, name.lower()
    if purl_type == "nuget":
        return purl_type, name.lower()
    return purl_type, name


def parse_version(purl_type: str, text: str, *, semver: bool = False):
    """The version in its ecosystem's order (SemVer 2 for a SEMVER range); None when it is not
    a version of that ecosystem (never compared by guess)."""
    cls = SemverVersion if semver else (PURL_TYPES.get(purl_type, (None, None))[1])
    if cls is None:
        return None
    try:
        return cls(str(text).strip())
    except (InvalidVersion, ValueError, TypeError):
        return None
