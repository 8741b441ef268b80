"""Where the HTTP client's sockets go, and how long they may live.

`GuardedAdapter` is a requests transport adapter for one request. Given addresses (already
checked by safe_urls.public_addresses), its connections go to those addresses and nowhere else:
no second DNS lookup happens, while the Host header, TLS SNI and the certificate check keep the
host name of the URL, since only the socket's destination changes. Given a `Deadline`, it hands
every socket it opens to that watchdog, which cuts them all when the time is up, even in the
middle of a read that a server keeps alive with one byte now and then.
Pure: no Flask, no database.
"""
from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Callable, Sequence

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

# Opens a TCP socket to an (address, port) the way urllib3.util.connection.create_connection
# does, with the same keywords; tests replace it to route a public-looking address to a local
# server and to see which address each connection goes to.
Connector = Callable[..., socket.socket]


class Deadline:
    """A time limit for a whole transfer; at the end, every watched socket is shut down.

    A socket timeout bounds one wait for data only, so a server that sends a byte every few
    seconds would otherwise hold a transfer open for as long as it likes.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.monotonic()
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for a TLS socket: it wakes a blocked read in another
    # thread without touching the TLS state that thread is using. A closed socket refuses.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _Guarded:
    """Connection behaviour shared by http and https: pinned addresses, a watched socket."""

    def __init__(self, *args, pinned_addresses: Sequence[str] | None = None,
                 deadline: Deadline | None = None, connector: Connector | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.pinned_addresses = tuple(pinned_addresses or ())
        self.deadline = deadline
        self.connector = connector or urllib3_connection.create_connection

    def _new_conn(self) -> socket.socket:
        sock = self._connect_pinned() if self.pinned_addresses else super()._new_conn()
        if self.deadline is not None:
            self.deadline.watch(sock)
        return sock

    def connect(self) -> None:
        super().connect()
        # For https the socket is now the TLS socket that wraps the one _new_conn made.
        if self.deadline is not None and self.sock is not None:
            self.deadline.watch(self.sock)

    def _connect_pinned(self) -> socket.socket:
        """A socket to the first pinned address that answers, as urllib3 tries each DNS
        answer in turn; a literal address is not looked up again."""
        error: Exception | None = None
        for address in self.pinned_addresses:
            try:
                return self.connector(
                    (address, self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
            except TimeoutError as exc:
                error = ConnectTimeoutError(
                    self, f"Connection to {self.host} ({address}) timed out. "
                          f"(connect timeout={self.timeout})")
                error.__cause__ = exc
            except OSError as exc:
                error = NewConnectionError(
                    self, f"Failed to establish a new connection to {address}: {exc}")
                error.__cause__ = exc
        assert error is not None
        raise error


class _GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections go only to `addresses` (when given, opened by
    `connector`) and whose sockets a `deadline` (when given) may cut. Meant for one host: the
    pins apply to every request sent through it."""

    def __init__(self, addresses: Sequence[str] | None = None,
                 deadline: Deadline | None = None, connector: Connector | None = None):
        # The pool classes pass unknown keywords on to each new connection.
        self._connection_kw = {"pinned_addresses": tuple(addresses or ()),
                               "deadline": deadline, "connector": connector}
        super().__init__()

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs) -> None:
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": functools.partial(_GuardedHTTPPool, **self._connection_kw),
            "https": functools.partial(_GuardedHTTPSPool, **self._connection_kw),
        }
