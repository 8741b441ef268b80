"""Getting a package's source archive and storing it once, named by its sha256.

An archive comes from a purl (resolved through PyPI's JSON API or the npm registry), from a
download URL, or from an uploaded file. Every byte is counted against a size cap while it is
read, a whole download has a deadline and a minimum pace, and a file only appears in the
store, atomically, once it is complete.
Pure: no Flask, no database.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urljoin

import requests
import urllib3
from packageurl import PackageURL

from governance.scanning import http_client as http
from governance.scanning.http_client import FetchError

log = logging.getLogger(__name__)

# Registry answers are read whole; npm documents of big packages reach tens of MB.
MAX_METADATA_BYTES = 64 * 1024 * 1024
# npm's abbreviated document: dist-tags and each version's dist, without the READMEs.
NPM_ABBREVIATED = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"
# A whole download may last DEADLINE_TIMEOUTS times the per-read timeout, at least a minute.
DEADLINE_TIMEOUTS = 10
MIN_DEADLINE_SECONDS = 60
# After the first half minute, a download must average at least 1 KiB per second.
MIN_BYTES_PER_SECOND = 1024
RATE_GRACE_SECONDS = 30


@dataclass(frozen=True)
class SourceLocation:
    url: str
    filename: str
    purl: str | None
    # True when the URL is the answer of a registry the operator configured (PyPI, npm, or
    # their mirrors, which may well sit in a private network); False for a URL a user typed.
    from_registry: bool = False


@dataclass(frozen=True)
class StoredArchive:
    sha256: str
    size: int
    path: Path
    filename: str


@dataclass(frozen=True)
class Registries:
    """Base URLs of the registries; tests point them at a local server."""

    pypi: str = "https://pypi.org"
    npm: str = "https://registry.npmjs.org"


# ---------------------------------------------------------------------------------------------
# resolve


def resolve(purl_or_url: str, registries: Registries = Registries(), *,
            timeout: float = 20) -> SourceLocation:
    """Where to download the archive that a purl or an http(s) URL names."""
    text = purl_or_url.strip()
    if text.lower().startswith("pkg:"):
        return _resolve_purl(text, registries, timeout)
    http.check_url(text)
    return SourceLocation(url=text, filename=http.filename_from_url(text), purl=None)


def _resolve_purl(text: str, registries: Registries, timeout: float) -> SourceLocation:
    try:
        purl = PackageURL.from_string(text)
    except ValueError as exc:
        raise FetchError(f"{text} is not a valid package URL: {exc}") from exc

    download_url = (purl.qualifiers or {}).get("download_url")
    if download_url:
        http.check_url(download_url)
        return SourceLocation(url=download_url, filename=http.filename_from_url(download_url),
                              purl=purl.to_string())

    if purl.type == "pypi":
        resolver = _resolve_pypi
        base = registries.pypi
    elif purl.type == "npm":
        resolver = _resolve_npm
        base = registries.npm
    else:
        raise FetchError(f"Fetching {purl.type} packages ({text}) is not supported yet; "
                         "upload the archive or give its download URL")
    with http.session() as session:
        version, url, filename = resolver(session, base.rstrip("/"), purl, timeout)
    if not http.is_web_url(url):
        raise FetchError(f"The registry gives {url} as the archive of {text}; only http and "
                         "https links are followed")
    pinned = PackageURL(type=purl.type, namespace=purl.namespace, name=purl.name,
                        version=version, qualifiers=purl.qualifiers, subpath=purl.subpath)
    return SourceLocation(url=url, filename=http.safe_filename(filename),
                          purl=pinned.to_string(), from_registry=True)


def _resolve_pypi(session: requests.Session, base: str, purl: PackageURL,
                  timeout: float) -> tuple[str, str, str]:
    name = quote(purl.name, safe="")
    what = f"{purl.name} on PyPI"
    version = purl.version
    try:
        if version is None:
            project, where = _get_json(session, f"{base}/pypi/{name}/json", what, timeout)
            version = project["info"]["version"]
            files = project["urls"]
        else:
            what = f"{purl.name} {version} on PyPI"
            try:
                release, where = _get_json(
                    session, f"{base}/pypi/{name}/{quote(version, safe='')}/json", what,
                    timeout)
                files = release["urls"]
            except http.NotFoundError:
                # Some mirrors serve only the project document, whose "releases" lists every
                # version's files (PyPI itself still fills it in).
                project, where = _get_json(session, f"{base}/pypi/{name}/json", what, timeout)
                files = project.get("releases", {}).get(version)
                if files is None:
                    raise FetchError(f"{what} was not found (HTTP 404)") from None
        chosen = _pick_pypi_file(files, what)
        # Mirrors write links relative to the document (../../packages/…), as the JSON
        # simple API allows; PyPI writes them absolute.
        return version, urljoin(where, chosen["url"]), chosen["filename"]
    except (KeyError, TypeError, AttributeError) as exc:
        raise FetchError(f"{what}: the registry answered with unexpected data") from exc


def _pick_pypi_file(files: list[dict], what: str) -> dict:
    """The source distribution (a .tar.gz first), else a pure-Python wheel, else any wheel."""
    sdists = [f for f in files if f["packagetype"] == "sdist"]
    wheels = [f for f in files if f["packagetype"] == "bdist_wheel"]
    if sdists:
        return min(sdists, key=lambda f: not f["filename"].endswith(".tar.gz"))
    if wheels:
        return min(wheels, key=lambda f: not f["filename"].endswith("-none-any.whl"))
    raise FetchError(f"{what} has neither a source archive nor a wheel; "
                     "upload the archive or give its download URL")


def _resolve_npm(session: requests.Session, base: str, purl: PackageURL,
                 timeout: float) -> tuple[str, str, str]:
    scope = purl.namespace
    if scope and not scope.startswith("@"):
        scope = "@" + scope
    full_name = f"{scope}/{purl.name}" if scope else purl.name
    # The registry wants a scoped name as one path segment, @scope%2Fname.
    path = quote(full_name, safe="@")
    version = purl.version
    what = f"{full_name} {version} on npm" if version else f"{full_name} on npm"
    try:
        if version is None:
            document, where = _get_json(session, f"{base}/{path}", what, timeout,
                                        headers={"Accept": NPM_ABBREVIATED})
            version = document["dist-tags"]["latest"]
            manifest = document["versions"][version]
        else:
            manifest, where = _get_json(session, f"{base}/{path}/{quote(version, safe='')}",
                                        what, timeout)
        tarball = urljoin(where, manifest["dist"]["tarball"])
        # A dist-tag given as the version (pkg:npm/x@next) is pinned to the version it names.
        version = manifest.get("version") or version
    except (KeyError, TypeError, AttributeError) as exc:
        raise FetchError(f"{what}: the registry answered with unexpected data") from exc
    return version, tarball, http.filename_from_url(tarball)


def _get_json(session: requests.Session, url: str, what: str, timeout: float, *,
              headers: dict[str, str] | None = None):
    """The JSON document at url, and the address it came from (after redirects), against
    which the links it holds are read."""
    with http.open_url(session, url, what, timeout, headers=headers) as response:
        where = response.url or url
        try:
            body = b"".join(http.capped(response.iter_content(http.CHUNK_SIZE), MAX_METADATA_BYTES,
                                    f"The registry's answer about {what}"))
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            raise http.network_error(exc, what, url, timeout) from exc
    try:
        return json.loads(body), where
    except ValueError as exc:
        raise FetchError(f"{what}: the registry answered with something that is not JSON") \
            from exc


# ---------------------------------------------------------------------------------------------
# download and store


def default_deadline(timeout: float) -> float:
    """Ten times the wait allowed for each read, and never under a minute: with the default
    60-second timeout a download may take 10 minutes, enough for a few hundred MB on a slow
    line."""
    return max(MIN_DEADLINE_SECONDS, DEADLINE_TIMEOUTS * timeout)


def download(source: SourceLocation, store_dir: Path, *, max_bytes: int,
             timeout: float = 60, public_only: bool = False,
             deadline_seconds: float | None = None,
             min_bytes_per_second: float = MIN_BYTES_PER_SECOND,
             rate_grace_seconds: float = RATE_GRACE_SECONDS,
             resolver: http.Resolver | None = None,
             connector: http.Connector | None = None,
             progress: Callable[[int], None] | None = None) -> StoredArchive:
    """Stream the archive into the store, refusing it once it grows past `max_bytes`.

    With `public_only`, every host on the way (redirects included) of a URL a user typed must
    resolve to public addresses only, and the connection goes to exactly the addresses
    checked: it must not make the server reach its own network. An archive the configured
    registry points to is fetched wherever the registry is. `resolver` replaces the system's
    DNS lookup and `connector` the opening of those pinned connections (tests).

    `timeout` bounds connecting and each wait for data. The whole download, redirects
    included, must end within `deadline_seconds` (default_deadline(timeout) when None), and
    after `rate_grace_seconds` its average rate must stay above `min_bytes_per_second`, so
    that a server sending a byte now and then cannot hold it open. `progress` is called with
    the bytes received so far after each chunk (a job's heartbeat).
    """
    what = f"The archive at {source.url}"
    limit = default_deadline(timeout) if deadline_seconds is None else deadline_seconds
    with http.session() as session, http.Deadline(limit) as deadline:
        # Identity, so that what is counted, hashed and stored are the bytes of the file.
        with http.open_url(session, source.url, what, timeout,
                           headers={"Accept-Encoding": "identity"},
                           public_only=public_only and not source.from_registry,
                           resolver=resolver, connector=connector,
                           deadline=deadline) as response:
            declared = http.content_length(response)
            if declared is not None and declared > max_bytes:
                raise FetchError(f"{what} is {http.human_size(declared)}, "
                                 f"over the {http.human_size(max_bytes)} limit")
            filename = source.filename
            if source.purl is None:
                filename = http.disposition_filename(response) or filename
            chunks = http.paced(http.response_chunks(response), deadline, what,
                                min_bytes_per_second=min_bytes_per_second,
                                grace_seconds=rate_grace_seconds)
            if progress is not None:
                chunks = _reporting(chunks, progress)
            try:
                stored = _store(chunks, filename, Path(store_dir), max_bytes=max_bytes,
                                what=what)
            except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
                raise http.network_error(exc, what, source.url, timeout, deadline) from exc
    log.info("Stored %s (%d bytes) from %s", stored.sha256, stored.size, source.url)
    return stored


def _reporting(chunks: Iterable[bytes], progress: Callable[[int], None]) -> Iterator[bytes]:
    received = 0
    for chunk in chunks:
        received += len(chunk)
        progress(received)
        yield chunk


def store_file(fileobj: BinaryIO, filename: str, store_dir: Path, *,
               max_bytes: int) -> StoredArchive:
    """Store an uploaded file (any binary file-like object) the same way as a download."""
    name = http.safe_filename(filename, fallback="upload")
    chunks = iter(lambda: fileobj.read(http.CHUNK_SIZE), b"")
    return _store(chunks, name, Path(store_dir), max_bytes=max_bytes,
                  what=f"The uploaded file {name}")


def stored_path(store_dir: Path, sha256: str) -> Path:
    """Where the archive with this sha256 lives in the store."""
    return Path(store_dir) / sha256[:2] / sha256


def _store(chunks: Iterable[bytes], filename: str, store_dir: Path, *, max_bytes: int,
           what: str) -> StoredArchive:
    store_dir.mkdir(parents=True, exist_ok=True)
    # The temporary file sits in the store itself, so the final rename stays on one file system.
    fd, temp_name = tempfile.mkstemp(dir=store_dir, prefix=".incoming-")
    temp = Path(temp_name)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in http.capped(chunks, max_bytes, what):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            # A stored file is trusted forever, so it must be on disk before it gets its name.
            os.fsync(out.fileno())
        if size == 0:
            raise FetchError(f"{what} is empty")
        sha256 = digest.hexdigest()
        final = stored_path(store_dir, sha256)
        final.parent.mkdir(exist_ok=True)
        if final.exists():
            temp.unlink()
        else:
            # Two writers of the same bytes may race here; either rename leaves a whole file.
            os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StoredArchive(sha256=sha256, size=size, path=final, filename=filename)
