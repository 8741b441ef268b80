"""The guards of fetching: links read alike by every parser, public addresses only (checked
once and pinned), and a deadline and a minimum pace for a whole download.

Nothing leaves 127.0.0.1: where a test needs a host that resolves to a public address, it gives
the client its own resolver and a connector that plays the network, routing that one public
address to the local fake registry and refusing every other.
"""
from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from urllib3.util.connection import create_connection

from governance.scanning.connections import GuardedAdapter
from governance.scanning.fetch import (
    FetchError,
    SourceLocation,
    default_deadline,
    download,
    resolve,
)
from governance.scanning.http_client import check_public
from governance.scanning.safe_urls import parse_web_url

MB = 1024 * 1024
PUBLIC = "93.184.216.34"  # a global address; never contacted, the fake network routes it
ARCHIVE = "/files/demo_lib-1.0.0.tar.gz"


@pytest.fixture
def store(tmp_path) -> Path:
    return tmp_path / "archives"


def typed(url: str) -> SourceLocation:
    """A URL as a user typed it, without going through resolve's own check."""
    return SourceLocation(url=url, filename="archive.tar.gz", purl=None)


class FakeNetwork:
    """A resolver and a connector: names resolve as told, and only PUBLIC is reachable (it is
    the fake registry). Records what was looked up and where connections went."""

    def __init__(self, fake_registry, answers: dict[str, list[list[str]]]):
        self.port = fake_registry._server.server_port
        self.answers = answers  # host -> successive DNS answers (the last one repeats)
        self.lookups: list[str] = []
        self.connections: list[tuple[str, int]] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        answers = self.answers.get(host)
        if answers is None:
            raise socket.gaierror(socket.EAI_NONAME, "unknown host")
        return answers[min(self.lookups.count(host), len(answers)) - 1]

    def connect(self, address, timeout=None, source_address=None, socket_options=None):
        self.connections.append(address)
        if address[0] != PUBLIC:
            raise AssertionError(f"the client connected to {address}, which was not checked")
        return create_connection(("127.0.0.1", self.port), timeout)


# -- links that parsers read differently -------------------------------------------------------


def test_a_backslash_link_is_refused_before_any_request(fake_registry, store):
    url = f"http://127.0.0.1:{fake_registry._server.server_port}\\@8.8.8.8{ARCHIVE}"

    with pytest.raises(FetchError, match="contains a backslash"):
        resolve(url)
    for public_only in (True, False):
        with pytest.raises(FetchError, match="contains a backslash"):
            download(typed(url), store, max_bytes=MB, public_only=public_only)
    assert fake_registry.seen == []


def test_a_backslash_in_a_purls_download_url_is_refused(fake_registry, store):
    url = f"http://127.0.0.1:{fake_registry._server.server_port}\\@8.8.8.8/x.json"

    with pytest.raises(FetchError, match="contains a backslash"):
        resolve(f"pkg:generic/thing@1.0?download_url={quote(url, safe=':/@')}")
    with pytest.raises(FetchError, match="contains a backslash"):
        download(SourceLocation(url=url, filename="x.json", purl="pkg:generic/thing@1.0"),
                 store, max_bytes=MB, public_only=True)
    assert fake_registry.seen == []


@pytest.mark.parametrize("url", ["http://user:secret@example.org/a.tgz",
                                 "http://8.8.8.8@127.0.0.1/a.tgz",
                                 "https://@example.org/a.tgz"])
def test_a_user_name_before_the_host_is_refused(url):
    with pytest.raises(FetchError, match=r"user name or password before its host"):
        resolve(url)


@pytest.mark.parametrize("url", ["http://example.org /a.tgz", "http://exam\tple.org/a.tgz",
                                 "http://example.org/a\r\nX: y", "http://example.org/\x00"])
def test_spaces_and_control_characters_are_refused(url):
    with pytest.raises(FetchError, match="spaces or control characters"):
        resolve(url)


@pytest.mark.parametrize("url, reason", [
    ("http://%31%32%37.0.0.1/a.tgz", "characters a host name cannot have"),
    ("http://bücher.example/a.tgz", "non-ASCII letters"),
    ("gopher://example.org/", "nor an http or https link"),
    ("https:///a.tgz", "nor an http or https link"),
])
def test_hosts_that_parsers_could_read_differently_are_refused(url, reason):
    with pytest.raises(FetchError, match=reason):
        resolve(url)


def test_a_link_is_read_as_urllib3_reads_it():
    target = parse_web_url("HTTPS://Files.Example.ORG/a.tgz?x=1")

    assert (target.scheme, target.host, target.port) == ("https", "files.example.org", 443)
    assert parse_web_url("http://[2606:4700::1]:8080/").host == "2606:4700::1"


# -- public addresses only ---------------------------------------------------------------------


def test_a_name_that_resolves_to_loopback_is_refused(fake_registry, store):
    url = f"http://localhost:{fake_registry._server.server_port}{ARCHIVE}"

    with pytest.raises(FetchError, match="points to localhost, an address inside a private"):
        download(typed(url), store, max_bytes=MB, public_only=True)
    assert fake_registry.seen == []


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0", "10.1.2.3", "169.254.169.254",
                                  "224.0.0.1", "[::1]", "[::]", "[::ffff:127.0.0.1]",
                                  "[::ffff:10.0.0.1]", "[64:ff9b::a00:1]", "[2002:7f00:1::]",
                                  "[fe80::1]", "[ff02::1]", "2130706433"])
def test_private_loopback_multicast_and_disguised_addresses_are_refused(host):
    with pytest.raises(FetchError, match="private network"):
        check_public(f"http://{host}/a.tgz", "The archive")


def test_every_address_a_name_resolves_to_is_checked(fake_registry, store):
    network = FakeNetwork(fake_registry, {"mirror.example": [[PUBLIC, "10.0.0.5"]]})

    with pytest.raises(FetchError, match="points to mirror.example, an address inside"):
        download(typed(f"http://mirror.example:{network.port}{ARCHIVE}"), store,
                 max_bytes=MB, public_only=True, resolver=network.resolve,
                 connector=network.connect)
    assert network.connections == []


def test_the_connection_goes_to_the_checked_address_not_a_second_answer(fake_registry, store):
    # DNS rebinding: the first answer is public, any later one points inside.
    network = FakeNetwork(fake_registry, {"files.example": [[PUBLIC], ["127.0.0.1"]]})
    url = f"http://files.example:{network.port}{ARCHIVE}"

    stored = download(typed(url), store, max_bytes=MB, public_only=True,
                      resolver=network.resolve, connector=network.connect)

    assert stored.path.read_bytes() == fake_registry.files[ARCHIVE]
    assert network.lookups == ["files.example"]
    assert network.connections == [(PUBLIC, network.port)]
    # The server is addressed by its name, not by the pinned address.
    assert fake_registry.seen[-1].headers["Host"] == f"files.example:{network.port}"


def test_a_redirect_into_the_private_network_is_refused(fake_registry, store):
    network = FakeNetwork(fake_registry, {"files.example": [[PUBLIC]]})
    fake_registry.misbehave("/go", location=f"http://127.0.0.1:{network.port}{ARCHIVE}")

    with pytest.raises(FetchError, match=r"points to 127\.0\.0\.1, an address inside"):
        download(typed(f"http://files.example:{network.port}/go"), store, max_bytes=MB,
                 public_only=True, resolver=network.resolve, connector=network.connect)
    assert fake_registry.paths_seen() == ["/go"]
    assert files_in(store) == []


def test_a_redirect_to_a_name_that_resolves_inside_is_refused(fake_registry, store):
    network = FakeNetwork(fake_registry, {"files.example": [[PUBLIC]],
                                          "intranet.example": [["192.168.1.10"]]})
    fake_registry.misbehave("/go", location=f"http://intranet.example{ARCHIVE}")

    with pytest.raises(FetchError, match="points to intranet.example, an address inside"):
        download(typed(f"http://files.example:{network.port}/go"), store, max_bytes=MB,
                 public_only=True, resolver=network.resolve, connector=network.connect)
    assert network.lookups == ["files.example", "intranet.example"]


def test_a_redirect_with_a_backslash_is_refused(fake_registry, store):
    fake_registry.misbehave("/go", location=f"http://127.0.0.1:{fake_registry._server.server_port}"
                                            "\\@8.8.8.8/x.json")

    with pytest.raises(FetchError, match="redirects to a link that is refused: .*backslash"):
        download(typed(f"{fake_registry.url}/go"), store, max_bytes=MB)
    assert fake_registry.paths_seen() == ["/go"]


def test_a_pinned_adapter_connects_to_its_address_and_keeps_the_host_name(fake_registry):
    port = fake_registry._server.server_port
    with requests.Session() as session:
        # .invalid never resolves: the answer can only come from the pinned address.
        session.mount("http://", GuardedAdapter(["127.0.0.1"]))
        response = session.get(f"http://pinned.invalid:{port}{ARCHIVE}", timeout=10)

    assert response.content == fake_registry.files[ARCHIVE]
    assert fake_registry.seen[-1].headers["Host"] == f"pinned.invalid:{port}"


# -- deadline and pace -------------------------------------------------------------------------


def files_in(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []


@pytest.mark.parametrize("omit_length", [False, True])
def test_a_trickling_server_is_cut_off_at_the_deadline(fake_registry, store, omit_length):
    fake_registry.add_file("/files/slow.tar.gz", b"x" * 1000)
    fake_registry.misbehave("/files/slow.tar.gz", trickle=0.5, omit_length=omit_length)

    started = time.monotonic()
    with pytest.raises(FetchError, match=r"longer than the 1\.5-second limit for one download"):
        download(typed(f"{fake_registry.url}/files/slow.tar.gz"), store, max_bytes=MB,
                 timeout=10, deadline_seconds=1.5)
    # Each byte came well within the 10-second timeout; only the deadline ended it.
    assert time.monotonic() - started < 5
    assert files_in(store) == []


def test_a_server_trickling_its_headers_is_cut_off_at_the_deadline(fake_registry, store):
    fake_registry.misbehave("/files/slow.tar.gz", trickle=0.2, trickle_headers=True,
                            body=b"x" * 100)

    started = time.monotonic()
    with pytest.raises(FetchError, match=r"longer than the 1-second limit"):
        download(typed(f"{fake_registry.url}/files/slow.tar.gz"), store, max_bytes=MB,
                 timeout=10, deadline_seconds=1)
    assert time.monotonic() - started < 5


def test_a_download_under_the_minimum_pace_is_dropped(fake_registry, store):
    fake_registry.add_file("/files/slow.tar.gz", b"x" * 1000)
    fake_registry.misbehave("/files/slow.tar.gz", trickle=0.1)

    with pytest.raises(FetchError, match=r"arrives too slowly: .* under the minimum of "
                                         r"1000 bytes per second"):
        download(typed(f"{fake_registry.url}/files/slow.tar.gz"), store, max_bytes=MB,
                 timeout=10, min_bytes_per_second=1000, rate_grace_seconds=0.5)
    assert files_in(store) == []


def test_a_quick_download_is_unaffected_by_the_deadline(fake_registry, store):
    stored = download(typed(f"{fake_registry.url}{ARCHIVE}"), store, max_bytes=MB,
                      deadline_seconds=30)

    assert stored.size == len(fake_registry.files[ARCHIVE])


def test_the_default_deadline_is_ten_timeouts_and_at_least_a_minute():
    assert default_deadline(60) == 600
    assert default_deadline(2) == 60
