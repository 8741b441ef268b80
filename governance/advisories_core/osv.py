"""OSV records (https://ossf.github.io/osv-schema/): read and checked into plain values.

A record is refused with the reason when it lacks what matching needs (an id, a modified time,
affected packages that name an ecosystem and a name, ranges whose events are well formed);
fields the app does not use are kept in `raw`, never dropped."""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from governance.advisories_core.ecosystems import osv_key

RANGE_TYPES = ("ECOSYSTEM", "SEMVER", "GIT")
EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
MAX_RECORD_BYTES = 5 * 1024 * 1024  # osv.dev's largest records are a few hundred kB


class OsvError(ValueError):
    """A record that cannot be used: str() says why."""


@dataclass(frozen=True)
class Event:
    kind: str  # introduced | fixed | last_affected | limit
    version: str


@dataclass(frozen=True)
class Range:
    type: str  # ECOSYSTEM | SEMVER | GIT
    events: tuple[Event, ...]
    repo: str = ""


@dataclass(frozen=True)
class Affected:
    ecosystem: str
    name: str
    purl: str
    ranges: tuple[Range, ...]
    versions: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str] | None:
        """(purl type, normalised name) to look the package up by; None: not matched."""
        return osv_key(self.ecosystem.split(":")[0], self.name)

    def fixed_versions(self) -> list[str]:
        return [e.version for r in self.ranges if r.type != "GIT" for e in r.events
                if e.kind == "fixed"]

    def to_dict(self) -> dict:
        return {"ecosystem": self.ecosystem, "name": self.name, "purl": self.purl,
                "versions": list(self.versions),
                "ranges": [{"type": r.type, "repo": r.repo,
                            "events": [{e.kind: e.version} for e in r.events]}
                           for r in self.ranges]}


@dataclass(frozen=True)
class Advisory:
    id: str
    modified: str
    published: str = ""
    withdrawn: str = ""
    aliases: tuple[str, ...] = ()
    summary: str = ""
    details: str = ""
    severity: tuple[dict, ...] = ()
    affected: tuple[Affected, ...] = ()
    references: tuple[dict, ...] = ()
    raw: dict = field(default_factory=dict, compare=False, hash=False)


def _text(value, where: str, *, required: bool = False, limit: int = 100_000) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise OsvError(f"{where} must be {'non-empty ' if required else ''}text")
    return value[:limit]


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise OsvError(f"{where} must be a list")
    return value


def _range(raw, where: str) -> Range:
    if not isinstance(raw, dict):
        raise OsvError(f"{where} must be an object")
    kind = raw.get("type")
    if kind not in RANGE_TYPES:
        raise OsvError(f"{where}.type {kind!r} is not one of {', '.join(RANGE_TYPES)}")
    events = []
    for n, event in enumerate(_list(raw.get("events"), f"{where}.events")):
        if not isinstance(event, dict) or len(event) != 1:
            raise OsvError(f"{where}.events[{n}] must name one event")
        (name, version), = event.items()
        if name not in EVENT_KINDS or not isinstance(version, str) or not version.strip():
            raise OsvError(f"{where}.events[{n}]: {name!r} is not an event with a version")
        events.append(Event(name, version.strip()))
    if not any(e.kind == "introduced" for e in events):
        raise OsvError(f"{where} has no introduced event")
    return Range(kind, tuple(events), _text(raw.get("repo"), f"{where}.repo", limit=2000))


def _affected(raw, where: str) -> Affected:
    if not isinstance(raw, dict):
        raise OsvError(f"{where} must be an object")
    package = raw.get("package") or {}
    if not isinstance(package, dict):
        raise OsvError(f"{where}.package must be an object")
    ecosystem = _text(package.get("ecosystem"), f"{where}.package.ecosystem", required=True,
                      limit=100)
    name = _text(package.get("name"), f"{where}.package.name", required=True, limit=500)
    ranges = tuple(_range(r, f"{where}.ranges[{n}]")
                   for n, r in enumerate(_list(raw.get("ranges"), f"{where}.ranges")))
    versions = tuple(str(v).strip() for v in _list(raw.get("versions"), f"{where}.versions")
                     if isinstance(v, (str, int, float)) and str(v).strip())
    return Affected(ecosystem, name, _text(package.get("purl"), f"{where}.package.purl",
                                           limit=1000), ranges, versions)


def parse(record) -> Advisory:
    """One OSV record (a JSON object) as an Advisory; OsvError with the reason otherwise."""
    if not isinstance(record, dict):
        raise OsvError("an OSV record is a JSON object")
    advisory_id = _text(record.get("id"), "id", required=True, limit=200).strip()
    modified = _text(record.get("modified"), "modified", required=True, limit=40)
    affected = tuple(_affected(a, f"affected[{n}]")
                     for n, a in enumerate(_list(record.get("affected"), "affected")))
    return Advisory(
        id=advisory_id, modified=modified,
        published=_text(record.get("published"), "published", limit=40),
        withdrawn=_text(record.get("withdrawn"), "withdrawn", limit=40),
        aliases=tuple(a for a in _list(record.get("aliases"), "aliases")
                      if isinstance(a, str))[:50],
        summary=_text(record.get("summary"), "summary", limit=1000),
        details=_text(record.get("details"), "details"),
        severity=tuple(s for s in _list(record.get("severity"), "severity")
                       if isinstance(s, dict)),
        affected=affected,
        references=tuple(r for r in _list(record.get("references"), "references")
                         if isinstance(r, dict))[:200],
        raw=record)


def _load(name: str, data: bytes):
    if len(data) > MAX_RECORD_BYTES:
        return OsvError(f"larger than {MAX_RECORD_BYTES // 1024 // 1024} MB")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return OsvError(f"not JSON ({exc})")


def read_records(path: str | Path) -> Iterator[tuple[str, object]]:
    """(where, record or OsvError) for one .json file, every .json below a folder, or every
    .json member of a zip (osv.dev's `all.zip` of an ecosystem), one at a time."""
    path = Path(path)
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield str(file.relative_to(path)), _load(file.name, file.read_bytes())
        return
    if not path.is_file():
        raise OsvError(f"{path} is neither a file nor a folder")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK"):
        yield from read_zip(path)
        return
    yield path.name, _load(path.name, path.read_bytes())


def read_upload(filename: str, data: bytes) -> Iterator[tuple[str, object]]:
    """The records of an uploaded file: a zip of them, or one JSON record (or a JSON list of
    records, as some tools export them)."""
    if data.startswith(b"PK"):
        yield from read_zip(data)
        return
    loaded = _load(filename, data)
    if isinstance(loaded, list):
        for n, record in enumerate(loaded):
            yield f"{filename}[{n}]", record
        return
    yield filename, loaded


def read_zip(source) -> Iterator[tuple[str, object]]:
    """The .json members of a zip (a path or a binary file object)."""
    try:
        archive = zipfile.ZipFile(source if not isinstance(source, bytes)
                                  else io.BytesIO(source))
    except zipfile.BadZipFile as exc:
        raise OsvError(f"not a readable zip ({exc})") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir() or not info.filename.lower().endswith(".json"):
                continue
            if info.file_size > MAX_RECORD_BYTES:
                yield info.filename, OsvError("larger than 5 MB")
                continue
            yield info.filename, _load(info.filename, archive.read(info))
