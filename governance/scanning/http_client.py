"""HTTP for fetching archives: one session, redirects followed by hand (http(s) only, and
optionally public addresses only), errors turned into sentences, sizes counted as bytes come,
and safe file names. Pure: no Flask, no database."""
from __future__ import annotations

import email.message
import ipaddress
import re
import socket
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import requests
import urllib3

USER_AGENT = "oss-governance/0.1"
CHUNK_SIZE = 64 * 1024
MAX_REDIRECTS = 10


class FetchError(Exception):
    """An archive that could not be resolved, downloaded or stored.

    `reason` is a sentence for the user (offline, not found, too big, timeout, unsupported
    purl type...).
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotFoundError(FetchError):
    """HTTP 404, which the PyPI resolver answers by asking the project document instead."""


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


def check_public(url: str, what: str) -> None:
    """Refuse hosts that resolve to loopback, private, link-local or reserved addresses."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return  # unknown host: the request itself fails with a clear "could not be reached"
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global:
            raise FetchError(f"{what} points to {host}, an address inside a private network; "
                             "only public addresses are fetched. Upload the archive instead.")


def open_url(session: requests.Session, url: str, what: str, timeout: float, *,
          headers: dict[str, str] | None = None,
          public_only: bool = False) -> requests.Response:
    """The streamed answer to GET url once redirects are followed, or FetchError.

    Redirects are followed here rather than by requests, to refuse any that leave http(s)
    (or, with public_only, that lead into a private network).
    """
    check_url(url)
    for _ in range(MAX_REDIRECTS + 1):
        if public_only:
            check_public(url, what)
        try:
            response = session.get(url, headers=headers, stream=True, allow_redirects=False,
                                   timeout=(timeout, timeout))
        except requests.RequestException as exc:
            raise network_error(exc, what, url, timeout) from exc
        location = session.get_redirect_target(response)
        if location is None:
            break
        response.close()
        url = urljoin(url, location)
        if not is_web_url(url):
            raise FetchError(f"{what} redirects to {url}; only http and https links are "
                             "followed")
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


def network_error(exc: Exception, what: str, url: str, timeout: float) -> FetchError:
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


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def check_url(url: str) -> None:
    if not is_web_url(url):
        raise FetchError(f"{url} is neither a package URL (pkg:type/name@version) nor an "
                         "http or https link")


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
