"""Reading a link the way the HTTP client reads it, and deciding which addresses it may reach.

requests and urllib3 parse URLs with `urllib3.util.parse_url`, the standard library with
`urllib.parse`, and the two disagree on odd links: `http://127.0.0.1:80\\@8.8.8.8/` names
8.8.8.8 to `urlsplit` but 127.0.0.1 to urllib3. So a link is parsed here once, with urllib3's
parser, and refused when it holds anything two parsers could read differently (backslashes,
user names, spaces or control characters, percent signs or non-ASCII letters in the host).

With "public addresses only", the host is resolved once, through a replaceable resolver, and
every address it resolves to must be public; the connection then goes to those very addresses
(see connections.py), so a DNS answer that changes in between cannot lead anywhere else.
Pure: no Flask, no database.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from governance.scanning.errors import FetchError

# host name, port -> the IP addresses to connect to (as text), or OSError.
Resolver = Callable[[str, int], Sequence[str]]

DEFAULT_PORTS = {"http": 80, "https": 443}
# Letters, digits, dots, hyphens and underscores: a name that every parser reads alike.
HOST_NAME = re.compile(r"[A-Za-z0-9._-]+")
# Space, control characters and DEL; parsers strip or keep them differently.
UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f]")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class WebTarget:
    """An http(s) link as the HTTP client will read it."""

    url: str
    scheme: str  # "http" or "https"
    host: str    # lower case; an IPv6 address without its brackets
    port: int


def parse_web_url(url: str) -> WebTarget:
    """The link read once, by urllib3's parser, or FetchError when it is ambiguous."""
    not_web = FetchError(f"{url} is neither a package URL (pkg:type/name@version) nor an "
                         "http or https link")
    if "\\" in url:
        raise FetchError(f"{url} contains a backslash, which programs read in different ways; "
                         "write / instead (or %5C inside the path)")
    if UNSAFE_CHARACTERS.search(url):
        raise FetchError(f"{ascii(url)} contains spaces or control characters; "
                         "encode them (a space is %20)")
    try:
        parsed = parse_url(url)
        split = urlsplit(url)
        split_port = split.port
    except (LocationParseError, ValueError):
        raise not_web from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in DEFAULT_PORTS or not parsed.host:
        raise not_web
    if "@" in split.netloc or parsed.auth is not None:
        raise FetchError(f"{url} has a user name or password before its host (user@host); "
                         "such links are refused, give the link without it")
    if not (split.hostname or "").isascii():
        raise FetchError(f"{url} has a host name with non-ASCII letters; "
                         "give its ASCII form (xn--...)")
    host = parsed.host.lower()
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    # Checked as written: urllib3 would decode %31 in a host, urlsplit would not.
    if "[" not in split.netloc and not HOST_NAME.fullmatch(split.hostname or ""):
        raise FetchError(f"{url} is not a valid link: its host has characters a host name "
                         "cannot have")
    # A last guard against parser differences nobody has found yet.
    if (split.hostname or "").lower() != bare or split_port != parsed.port:
        raise FetchError(f"{url} is ambiguous: programs read its host in different ways")
    return WebTarget(url=url, scheme=scheme, host=bare,
                     port=parsed.port or DEFAULT_PORTS[scheme])


def is_web_url(url: str) -> bool:
    try:
        parse_web_url(url)
    except FetchError:
        return False
    return True


def system_resolver(host: str, port: int) -> list[str]:
    """The host's addresses as the operating system resolves them (DNS, hosts file)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a server may be told to connect here: a global unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address lead wherever that address leads.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None and not is_public(embedded):
            return False
    # is_global leaves multicast (224.0.0.0/4) in; 0.0.0.0 and :: are already out.
    return (address.is_global and not address.is_multicast and not address.is_unspecified
            and not address.is_loopback and not address.is_link_local)


def public_addresses(target: WebTarget, what: str,
                     resolver: Resolver | None = None) -> list[str]:
    """The addresses the target's host resolves to, once, if every one of them is public."""
    try:
        addresses = [str(ipaddress.ip_address(target.host))]  # a literal is not resolved
    except ValueError:
        try:
            addresses = list((resolver or system_resolver)(target.host, target.port))
        except OSError:
            addresses = []
    if not addresses:
        raise FetchError(f"{what}: {target.host} could not be reached (offline, or a wrong "
                         "host name?)")
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            address = None
        if address is None or not is_public(address):
            raise FetchError(f"{what} points to {target.host}, an address inside a private "
                             "network; only public addresses are fetched. Upload the archive "
                             "instead.")
    return addresses
