"""What an export holds: the components in a scope, with their usages, as the app gathers them.

The app fills these frozen dataclasses from its queries and hands them to the builders (SPDX,
CycloneDX, notice, CSV). Each checks its fields when it is built, so a builder never meets a
half-valid component: bad input is an ExportError that names the component and the field.
Sequences may be passed as lists; they are kept as tuples. Pure: no Flask, no database.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from governance.licensing.model import OBLIGATIONS

SCOPE_KINDS = ("company", "team", "product")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")
# Never in a URI or IRI (RFC 3986, 3987): such a URL would fail one format and pass another.
_NOT_IN_URLS = re.compile(r"[\s\x00-\x1f\x7f<>\"{}|\\^`]|%(?![0-9A-Fa-f]{2})|#.*#")
_GIT_SSH = re.compile(r"git\+git@[\w.-]+:\S+")  # SPDX's git+git@host:path download location


class ExportError(Exception):
    """An export that cannot be built: str() says what and why, fit to show compliance staff."""


def _set(instance, name: str, value) -> None:
    # Normalising a field of a frozen dataclass in __post_init__ (lists to tuples, "" to None).
    object.__setattr__(instance, name, value)


def _text(owner: str, name: str, value, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise ExportError(f"{owner}: {name} is required")
        return None
    if not isinstance(value, str):
        raise ExportError(f"{owner}: {name} must be text, not {type(value).__name__}")
    return value


def _texts(owner: str, name: str, values) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ExportError(f"{owner}: {name} must be a list of texts")
    result = tuple(values)
    for value in result:
        if not isinstance(value, str) or not value.strip():
            raise ExportError(f"{owner}: {name} holds {value!r}, not a non-empty text")
    return result


@dataclass(frozen=True, kw_only=True)
class ExportUsage:
    """One use of a component: by a team, maybe in a product, in a usage context."""

    team: str
    product: str | None = None
    context: str  # a usage context of the license policy: internal, saas, distributed, …
    state: str  # the adoption request's state, e.g. "approved"
    approved_on: date | None = None  # a datetime is read as its date in UTC

    def __post_init__(self):
        owner = f"usage by {self.team!r}"
        _set(self, "team", _text(owner, "team", self.team, required=True))
        _set(self, "product", _text(owner, "product", self.product))
        _set(self, "context", _text(owner, "context", self.context, required=True))
        _set(self, "state", _text(owner, "state", self.state, required=True))
        if self.approved_on is not None and not isinstance(self.approved_on, date):
            raise ExportError(f"{owner}: approved_on must be a date, not "
                              f"{type(self.approved_on).__name__}")


@dataclass(frozen=True, kw_only=True)
class ExportPatch:
    """A local change the company applies on top of the upstream release (CycloneDX
    pedigree.patches, type "unofficial")."""

    title: str
    diff_text: str | None = None  # the patch file, when it is kept
    diff_url: str | None = None
    resolves: tuple[str, ...] = ()  # the upstream issue or pull request

    def __post_init__(self):
        _set(self, "title", _text("a patch", "title", self.title, required=True))
        owner = f"patch {self.title!r}"
        _set(self, "diff_text", self.diff_text or None)
        _set(self, "diff_url", _text(owner, "diff_url", self.diff_url))
        _url(owner, "diff_url", self.diff_url)
        _set(self, "resolves", _texts(owner, "resolves", self.resolves))
        for url in self.resolves:
            _url(owner, "resolves", url)


@dataclass(frozen=True, kw_only=True)
class ExportComponent:
    """A package the scope uses, with the license the office concluded for it."""

    name: str
    version: str | None = None
    purl: str | None = None
    # The concluded license: SPDX ids, LicenseRef-scancode-<key> ids and scancode keys, as
    # governance.licensing reads them; None when no license was concluded (NOASSERTION).
    license_expression_spdx: str | None = None
    # What the package's primary manifest declares (same forms); None: nothing declared.
    license_declared_spdx: str | None = None
    # For a concluded OR: the option the company takes; the notice and obligations follow it.
    license_option_spdx: str | None = None
    copyrights: tuple[str, ...] = ()  # copyright statements, as the scan found them
    holders: tuple[str, ...] = ()
    homepage_url: str | None = None
    download_url: str | None = None
    sha256: str | None = None
    supplier: str | None = None  # an organisation's name
    usages: tuple[ExportUsage, ...] = ()
    # Obligation ids (governance.licensing.model.OBLIGATIONS) the license policy gives the
    # component in the contexts it is used in.
    obligations: tuple[str, ...] = ()
    patches: tuple[ExportPatch, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name

    def __post_init__(self):
        _set(self, "name", _text("a component", "name", self.name, required=True))
        if not self.name.strip():
            raise ExportError("a component: name is required")
        owner = f"component {self.label}"
        for name in ("version", "license_expression_spdx", "license_declared_spdx",
                     "license_option_spdx", "homepage_url", "download_url", "supplier"):
            _set(self, name, _text(owner, name, getattr(self, name)))
        for name in ("copyrights", "holders", "obligations"):
            _set(self, name, _texts(owner, name, getattr(self, name)))
        _set(self, "purl", _purl(owner, _text(owner, "purl", self.purl)))
        _url(owner, "homepage_url", self.homepage_url)
        _url(owner, "download_url", self.download_url, also=_GIT_SSH)
        sha256 = _text(owner, "sha256", self.sha256)
        if sha256 is not None and not _SHA256.fullmatch(sha256):
            raise ExportError(f"{owner}: sha256 {sha256!r} is not 64 hexadecimal digits")
        _set(self, "sha256", sha256.lower() if sha256 else None)
        if isinstance(self.usages, ExportUsage) or not isinstance(self.usages, Iterable):
            raise ExportError(f"{owner}: usages must be a list of ExportUsage")
        _set(self, "usages", tuple(self.usages))
        for usage in self.usages:
            if not isinstance(usage, ExportUsage):
                raise ExportError(f"{owner}: usages holds {usage!r}, not an ExportUsage")
        _set(self, "patches", tuple(self.patches))
        if not all(isinstance(p, ExportPatch) for p in self.patches):
            raise ExportError(f"{owner}: patches must be a list of ExportPatch")
        unknown = [o for o in self.obligations if o not in OBLIGATIONS]
        if unknown:
            raise ExportError(f"{owner}: unknown obligation {', '.join(unknown)} (known: "
                              f"{', '.join(OBLIGATIONS)})")


def is_exportable_url(url: str) -> bool:
    """Whether the builders take `url` as a homepage or download address."""
    try:
        _url("", "", url)
    except ExportError:
        return False
    return True


def _url(owner: str, name: str, url: str | None, also: re.Pattern | None = None) -> None:
    if url is None or (also and also.fullmatch(url)):
        return
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if not parts or not _SCHEME.fullmatch(parts.scheme) or not parts.netloc:
        raise ExportError(f"{owner}: {name} {url!r} is not an absolute URL")
    if _NOT_IN_URLS.search(url):
        raise ExportError(f"{owner}: {name} {url!r} holds characters a URL may not hold "
                          "(spaces, <>\"{}|\\^`, a second #, or a % without two hex digits)")


def _purl(owner: str, purl: str | None) -> str | None:
    if purl is None:
        return None
    from packageurl import PackageURL

    try:
        PackageURL.from_string(purl)
    except ValueError as exc:
        raise ExportError(f"{owner}: {purl!r} is not a package URL: {exc}") from exc
    return purl


@dataclass(frozen=True)
class ExportScope:
    """What the export covers: the whole company, one team's usages or one product's."""

    kind: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"

    def __post_init__(self):
        if self.kind not in SCOPE_KINDS:
            raise ExportError(f"export scope {self.kind!r}: the kind must be one of "
                              f"{', '.join(SCOPE_KINDS)}")
        name = _text(f"{self.kind} scope", "name", self.name, required=True)
        if not name.strip():
            raise ExportError(f"{self.kind} scope: name is required")


@dataclass(frozen=True, kw_only=True)
class ExportInput:
    scope: ExportScope
    components: tuple[ExportComponent, ...]
    created: datetime  # timezone-aware
    tool_version: str
    # An absolute http(s) URI the office controls; each SPDX document gets a unique namespace
    # under it (SPDX 2.3 §6.5).
    namespace_base: str
    tool_name: str = "OSS Governance"

    @property
    def document_uuid(self) -> uuid.UUID:
        """An id for the documents made from this input: the same input gives the same id (so
        builders are repeatable), a new export time or other components a new one."""
        seed = "\n".join([self.namespace_base, self.scope.kind, self.scope.name,
                          self.created.isoformat(),
                          *(f"{c.name}\t{c.version}\t{c.purl}" for c in self.components)])
        return uuid.uuid5(uuid.NAMESPACE_URL, seed)

    def __post_init__(self):
        if not isinstance(self.scope, ExportScope):
            raise ExportError("the export needs an ExportScope")
        if isinstance(self.components, ExportComponent) or not isinstance(self.components,
                                                                            Iterable):
            raise ExportError("components must be a list of ExportComponent")
        _set(self, "components", tuple(self.components))
        for component in self.components:
            if not isinstance(component, ExportComponent):
                raise ExportError(f"components holds {component!r}, not an ExportComponent")
        if not isinstance(self.created, datetime) or self.created.utcoffset() is None:
            raise ExportError("created must be a timezone-aware datetime "
                              "(datetime.now(timezone.utc))")
        _text("the export", "tool_name", self.tool_name, required=True)
        _text("the export", "tool_version", self.tool_version, required=True)
        base = _text("the export", "namespace_base", self.namespace_base, required=True)
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment \
                or any(c.isspace() for c in base):
            raise ExportError(f"namespace_base {base!r} must be an absolute http(s) URI "
                              "without a '#' part, such as https://oss.example.com/spdx")


def as_declared(component: ExportComponent) -> ExportComponent:
    """The component with its declared license in the concluded one's place: the builders
    read one expression field, and write the declared license through this."""
    from dataclasses import replace

    return replace(component, license_expression_spdx=component.license_declared_spdx,
                   license_option_spdx=None)


def as_relied_on(component: ExportComponent) -> ExportComponent:
    """The component with the license relied on: the OR option taken, else the concluded."""
    from dataclasses import replace

    if not component.license_option_spdx:
        return component
    return replace(component, license_expression_spdx=component.license_option_spdx)
