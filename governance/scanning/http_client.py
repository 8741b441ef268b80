"""HTTP for fetching archives: one session, redirects followed by hand, errors turned into
sentences, sizes and pace checked as bytes come, and safe file names.

Every hop of a request (the first URL and each redirect) is read by safe_urls.parse_web_url and
refused when ambiguous; with `public_only`, its host is resolved once, every address checked,
and the request pinned to those addresses (connections.GuardedAdapter).
Pure: no Flask, no database.
"""
from __future__ import annotations

import email.message
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import requests
import urllib3

from governance.scanning.connections import Connector, Deadline, GuardedAdapter
from governance.scanning.errors import FetchError, NotFoundError
from governance.scanning.safe_urls import (
    Resolver,
    WebTarget,
    is_web_url,
    parse_web_url,
    public_addresses,
)

__all__ = ["Connector", "Deadline", "FetchError", "NotFoundError", "Resolver", "is_web_url"]

USER_AGENT = "oss-governance/0.1"
CHUNK_SIZE = 64 * 1024
MAX_REDIRECTS = 10
# Proxies resolve host names themselves, which would undo the pinning: pinned requests go direct.
NO_PROXIES = {"http": None, "https": None, "all": None}


def capped(chunks: Iterable[bytes], max_bytes: int, what: str) -> Iterator[bytes]:
    """The chunks, or FetchError as soon as they add up to more than max_bytes.

    A server may send no Content-Length, or a wrong one, so the bytes are counted as they come.
    """
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(f"{what} is larger than the {human_size(max_bytes)} limit")
        yield chunk


# ---------------------------------------------------------------------------------------------
# HTTP


def session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    return session


def check_public(url: str, what: str, resolver: Resolver | None = None) -> list[str]:
    """The addresses url's host resolves to, or FetchError unless every one of them is public
    (not loopback, private, link-local, multicast, reserved, nor an IPv6 form of those)."""
    return public_addresses(parse_web_url(url), what, resolver)


def open_url(session: requests.Session, url: str, what: str, timeout: float, *,
             headers: dict[str, str] | None = None, public_only: bool = False,
             resolver: Resolver | None = None, connector: Connector | None = None,
             deadline: Deadline | None = None) -> requests.Response:
    """The streamed answer to GET url once redirects are followed, or FetchError.

    Redirects are followed here rather than by requests, so that each hop is parsed, checked
    and (with public_only) pinned like the first URL. `resolver` replaces the system's DNS
    lookup and `connector` the opening of pinned sockets (tests); `deadline` bounds the whole
    exchange, not only each wait.
    """
    target = parse_web_url(url)
    for _ in range(MAX_REDIRECTS + 1):
        response = _get_once(session, target, what, timeout, headers=headers,
                             public_only=public_only, resolver=resolver, connector=connector,
                             deadline=deadline)
        location = session.get_redirect_target(response)
        if location is None:
            break
        response.close()
        url = urljoin(target.url, location)
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise FetchError(f"{what} redirects to {url}; only http and https links are "
                             "followed")
        try:
            target = parse_web_url(url)
        except FetchError as exc:
            raise FetchError(f"{what} redirects to a link that is refused: {exc.reason}") \
                from None
    else:
        raise FetchError(f"{what} redirects more than {MAX_REDIRECTS} times")

    status = response.status_code
    if 200 <= status < 300:
        return response
    response.close()
    if status == 404:
        raise NotFoundError(f"{what} was not found (HTTP 404)")
    raise FetchError(f"{what} could not be fetched: the server answered HTTP {status} "
                     f"{response.reason or ''}".rstrip())


def _get_once(session: requests.Session, target: WebTarget, what: str, timeout: float, *,
              headers: dict[str, str] | None, public_only: bool, resolver: Resolver | None,
              connector: Connector | None, deadline: Deadline | None) -> requests.Response:
    """One GET, without following redirects, through an adapter of its own."""
    addresses = public_addresses(target, what, resolver) if public_only else None
    try:
        prepared = session.prepare_request(requests.Request("GET", target.url,
                                                            headers=headers))
        # Mounted under this exact URL, the adapter serves this request only (the longest
        # prefix wins) and is closed with the session.
        previous = session.adapters.get(prepared.url)
        if previous is not None:
            previous.close()
        session.mount(prepared.url, GuardedAdapter(addresses, deadline, connector))
        settings = session.merge_environment_settings(
            prepared.url, dict(NO_PROXIES) if addresses else {}, True, None, None)
        return session.send(prepared, allow_redirects=False, timeout=(timeout, timeout),
                            **settings)
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        raise network_error(exc, what, target.url, timeout, deadline) from exc


def response_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body as it comes off the wire, undecoded, each read returning what has arrived
    (read1), so that pace and deadline are checked between small reads too."""
    while True:
        chunk = response.raw.read1(CHUNK_SIZE, decode_content=False)
        if not chunk:
            return
        yield chunk


def paced(chunks: Iterable[bytes], deadline: Deadline, what: str, *,
          min_bytes_per_second: float, grace_seconds: float) -> Iterator[bytes]:
    """The chunks, or FetchError once the deadline passes or, after `grace_seconds`, the
    average rate since the start falls under `min_bytes_per_second`."""
    total = 0
    for chunk in chunks:
        if deadline.expired:
            break
        total += len(chunk)
        elapsed = deadline.elapsed()
        if elapsed > grace_seconds and total < min_bytes_per_second * elapsed:
            raise FetchError(f"{what} arrives too slowly: {human_size(int(total / elapsed))} "
                             f"per second on average after {elapsed:.0f} seconds, under the "
                             f"minimum of {human_size(int(min_bytes_per_second))} per second")
        yield chunk
    # The watchdog's cut may look like the end of a body without a length: never keep it.
    if deadline.expired:
        raise deadline_error(what, deadline)


def deadline_error(what: str, deadline: Deadline) -> FetchError:
    return FetchError(f"{what} took longer than the {deadline.seconds:g}-second limit for "
                      "one download (deadline); the server is too slow or sends data in "
                      "driblets")


def network_error(exc: Exception, what: str, url: str, timeout: float,
                  deadline: Deadline | None = None) -> FetchError:
    if deadline is not None and deadline.expired:
        return deadline_error(what, deadline)
    host = urlsplit(url).hostname or url
    if isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError)) or (
            # Inside a streamed body requests reports a read timeout as a ConnectionError.
            exc.args and isinstance(exc.args[0], urllib3.exceptions.ReadTimeoutError)):
        return FetchError(f"{what}: {host} did not answer within {timeout:g} seconds (timeout)")
    if isinstance(exc, requests.exceptions.SSLError):
        return FetchError(f"{what}: the secure connection to {host} failed "
                          "(certificate or TLS problem)")
    if isinstance(exc, requests.ConnectionError):
        return FetchError(f"{what}: {host} could not be reached (offline, or a wrong host "
                          "name?)")
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError,
                        urllib3.exceptions.ProtocolError)):
        return FetchError(f"{what}: the connection to {host} broke off before the end; "
                          "try again")
    if isinstance(exc, (requests.exceptions.InvalidURL, urllib3.exceptions.LocationParseError)):
        return FetchError(f"{what}: {url} is not a valid link")
    return FetchError(f"{what} could not be fetched: {exc}")


def check_url(url: str) -> None:
    """FetchError unless url is an http(s) link that every parser reads alike."""
    parse_web_url(url)


def content_length(response: requests.Response) -> int | None:
    try:
        length = int(response.headers.get("Content-Length", ""))
    except ValueError:
        return None
    return length if length >= 0 else None


def disposition_filename(response: requests.Response) -> str | None:
    value = response.headers.get("Content-Disposition")
    if not value:
        return None
    message = email.message.Message()
    message["Content-Disposition"] = value
    name = message.get_filename()
    return safe_filename(name) if name else None


# ---------------------------------------------------------------------------------------------
# names and sizes


UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._+~@-]+")


def safe_filename(name: str, fallback: str = "archive") -> str:
    """The base name with only harmless characters, never hidden, never empty.

    Stored files are named by their sha256; this name is for people and for recognising the
    archive type by its extension.
    """
    base = re.split(r"[/\\]", name)[-1]
    base = UNSAFE_CHARACTERS.sub("_", base).lstrip(".")
    return base[-200:] if base.strip("_") else fallback


def filename_from_url(url: str) -> str:
    return safe_filename(unquote(PurePosixPath(urlsplit(url).path).name), fallback="download")


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"
