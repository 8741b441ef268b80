"""Keys that say "the same package version", for SBOM components and the app's own components.

Matching is by purl where there is one: type, namespace, name and version, without qualifiers
and subpath (a `?vcs_url=…` or `#subpath` does not make another package). packageurl-python
applies the purl specification's per-type rules (pypi and npm names in lower case, `_` as `-`
for pypi, github/composer/… in lower case). On top of them, pypi names get PEP 503's full
normalisation (runs of `-`, `_` and `.` are one `-`): PyPI itself treats `zope.interface` and
`zope-interface` as one project, and tools write either.

Without a purl, the name and version are the key: the name is compared without case, nothing
else is folded, since `foo_bar` and `foo-bar` are different packages on npm.
"""
from __future__ import annotations

import re

from packageurl import PackageURL

_PEP503_SEPARATORS = re.compile(r"[-_.]+")
# Purls that are canonical as written, recognised without parsing. Parsing and writing one
# back costs about 25 µs, most of the time a CI gate spends on a 1,000-component SBOM, and
# tools write most purls this way. Only types whose normalisation at most lowers the case
# (and turns `_` into `-` for pypi), only lower-case names without `_`, percent-escapes (but
# npm's `%40` scope), qualifiers or subpath: for these packageurl-python's canonical form is
# the text itself (tests/sbom/test_keys.py holds any text matching this to the library).
_CANONICAL = re.compile(
    r"pkg:(?P<type>npm|pypi|maven|golang|cargo|gem|nuget|deb|rpm|apk|github|gitlab|bitbucket"
    r"|composer|conan|hex|generic)"
    r"/(?P<path>(?:%40)?[a-z0-9][a-z0-9.-]*(?:/[a-z0-9][a-z0-9.-]*)*)"
    r"@[A-Za-z0-9][A-Za-z0-9.~:-]*")


def parse_purl(text: str) -> PackageURL | None:
    """The PackageURL, or None for text that is not one."""
    text = text.strip()
    if text[:4].lower() == "pkg:":  # the scheme has no case; packageurl-python wants "pkg"
        text = "pkg:" + text[4:]
    try:
        return PackageURL.from_string(text)
    except ValueError:
        return None


def canonical_purl(text: str) -> str | None:
    """The purl in packageurl-python's canonical form, or None for text that is not a purl."""
    if _CANONICAL.fullmatch(text):
        return text
    purl = parse_purl(text)
    return _written(purl) if purl else None


def purl_name(text: str) -> str:
    purl = parse_purl(text)
    return purl.name if purl else ""


def match_key(purl: str) -> str | None:
    """The purl reduced to what identifies a package version: `pkg:type/namespace/name@version`
    in canonical form, or None when `purl` cannot be read."""
    simple = _CANONICAL.fullmatch(purl)
    # A canonical pypi name without `.` or runs of `-` is already PEP 503-normal.
    if simple and (simple["type"] != "pypi"
                   or ("." not in simple["path"] and "--" not in simple["path"])):
        return purl
    parsed = parse_purl(purl)
    if parsed is None:
        return None
    name = parsed.name
    if parsed.type == "pypi":
        name = _PEP503_SEPARATORS.sub("-", name).lower()
    return _written(PackageURL(type=parsed.type, namespace=parsed.namespace, name=name,
                               version=parsed.version))


def _written(purl: PackageURL) -> str | None:
    """The purl as text; None if it cannot be written (a lone surrogate in a field)."""
    try:
        return purl.to_string()
    except ValueError:
        return None


def component_key(name: str, version: str) -> str:
    """The key for a component without a purl: `name@version`, the name without case, the
    version as written (the last `@` separates them)."""
    return f"{name.strip().casefold()}@{version.strip()}"
