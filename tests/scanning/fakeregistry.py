"""A local stand-in for PyPI's JSON API and the npm registry, with switches to misbehave.

It serves a few made-up packages whose archives are built in memory, so that fetching is
tested without the internet. Use it through the `fake_registry` fixture (conftest.py):

    fake_registry.misbehave("/files/demo_lib-1.1.0.tar.gz", status=500)

PyPI's API is under the root (`pypi_url`), npm's under /npm (`npm_url`), archives under /files
(and npm tarballs at npm's own /-/ paths).
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import posixpath
import tarfile
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


def make_tarball(files: dict[str, str]) -> bytes:
    """A .tar.gz of these text files, byte for byte the same each time it is built."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name, text in files.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(data), 1_700_000_000, 0o644
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def make_wheel(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


MIT = "MIT License\n\nPermission is hereby granted, free of charge, to any person...\n"

# name -> versions in release order (the last is the latest) -> which distributions exist.
PYPI_PACKAGES = {
    "demo-lib": {"1.0.0": ("sdist", "wheel"), "1.1.0": ("sdist", "wheel")},
    "wheel-only": {"0.3.0": ("wheel",)},
    "relicensed-lib": {"1.0.0": ("sdist",), "2.0.0": ("sdist",)},
}
GPL3 = ("GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n\nThis program is free software: "
        "you can redistribute it and/or modify it under the terms of the GNU General Public "
        "License as published by the Free Software Foundation, either version 3 of the "
        "License, or (at your option) any later version.\n")
# The license file of a release when it is not MIT: a project that changed its license.
LICENSE_TEXTS = {("relicensed-lib", "2.0.0"): GPL3}
DECLARED = {("relicensed-lib", "2.0.0"): "GPL-3.0-or-later"}
NPM_PACKAGES = {
    "tiny-num": ("1.0.0", "1.1.0"),
    "@acme/widget": ("2.0.0",),
}


@dataclass
class Misbehaviour:
    """How to answer one path instead of the normal answer."""

    status: int | None = None          # answer this status with a short body (404, 500...)
    location: str | None = None        # answer 302 with this Location
    delay: float = 0.0                 # wait this long before the status line
    body: bytes | None = None          # send this body instead
    omit_length: bool = False          # no Content-Length: the body ends when the socket closes
    claimed_length: int | None = None  # a Content-Length that does not match the body
    stall_after: int | None = None     # send this many body bytes, then go silent
    trickle: float | None = None       # send the body one byte at a time, this many s apart
    trickle_headers: bool = False      # with trickle: the status line and headers as well
    headers: dict[str, str] = field(default_factory=dict)  # extra headers to send


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]


@dataclass
class FakeRegistry:
    files: dict[str, bytes] = field(default_factory=dict)
    misbehaviours: dict[str, Misbehaviour] = field(default_factory=dict)
    seen: list[SeenRequest] = field(default_factory=list)
    # Like the PyPI mirror on this network, which has no per-version JSON documents.
    pypi_version_documents: bool = True
    # Like that mirror too: archive links relative to the JSON document (../../packages/…).
    relative_links: bool = False

    def __post_init__(self):
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.registry = self
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.pypi_url = self.url
        self.npm_url = f"{self.url}/npm"
        self._pypi = {name: self._build_pypi(name, versions)
                      for name, versions in PYPI_PACKAGES.items()}
        self._npm = {name: self._build_npm(name, versions)
                     for name, versions in NPM_PACKAGES.items()}

    # -- running ---------------------------------------------------------------------------

    def start(self) -> FakeRegistry:
        # A short poll keeps shutdown (once per test) quick.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes handlers that are delaying or stalling
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeRegistry:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- switches --------------------------------------------------------------------------

    def add_file(self, path: str, body: bytes) -> str:
        """Serve body at path; returns its URL."""
        self.files[path] = body
        return self.url + path

    def misbehave(self, path: str, **how) -> str:
        """Answer path as told (see Misbehaviour); returns its URL."""
        self.misbehaviours[path] = Misbehaviour(**how)
        return self.url + path

    def paths_seen(self) -> list[str]:
        return [request.path for request in self.seen]

    # -- packages --------------------------------------------------------------------------

    def _build_pypi(self, name: str, versions: dict[str, tuple[str, ...]]) -> dict:
        stem = name.replace("-", "_")
        releases = {}
        for version, kinds in versions.items():
            entries = []
            for kind in kinds:
                if kind == "sdist":
                    filename = f"{stem}-{version}.tar.gz"
                    body = make_tarball({
                        f"{stem}-{version}/PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\n"
                        f"Version: {version}\nLicense: {DECLARED.get((name, version), 'MIT')}\n",
                        f"{stem}-{version}/LICENSE": LICENSE_TEXTS.get((name, version), MIT),
                        f"{stem}-{version}/{stem}/__init__.py": f"__version__ = '{version}'\n",
                    })
                    packagetype = "sdist"
                else:
                    filename = f"{stem}-{version}-py3-none-any.whl"
                    body = make_wheel({f"{stem}/__init__.py": f"__version__ = '{version}'\n",
                                       f"{stem}-{version}.dist-info/LICENSE": MIT})
                    packagetype = "bdist_wheel"
                url = self.add_file(f"/files/{filename}", body)
                entries.append({
                    "filename": filename, "packagetype": packagetype, "url": url,
                    "size": len(body), "digests": {"sha256": hashlib.sha256(body).hexdigest()},
                    "yanked": False,
                })
            releases[version] = entries
        return {"name": name, "releases": releases, "latest": list(versions)[-1]}

    def _build_npm(self, name: str, versions: tuple[str, ...]) -> dict:
        base = name.rsplit("/", 1)[-1]
        manifests = {}
        for version in versions:
            body = make_tarball({
                "package/package.json": json.dumps(
                    {"name": name, "version": version, "license": "MIT"}),
                "package/LICENSE": MIT,
                "package/index.js": "module.exports = (n) => typeof n === 'number';\n",
            })
            url = self.add_file(f"/npm/{name}/-/{base}-{version}.tgz", body)
            manifests[version] = {
                "name": name, "version": version, "license": "MIT",
                "dist": {"tarball": url, "shasum": hashlib.sha1(body).hexdigest()},
            }
        return {"name": name, "dist-tags": {"latest": versions[-1]}, "versions": manifests}

    def _api(self, raw_path: str) -> tuple[int, bytes]:
        """The registry answer to a path that is not a file: (status, JSON body)."""
        if raw_path.startswith("/pypi/"):
            parts = [unquote(p) for p in raw_path.removeprefix("/pypi/").split("/")]
            project = self._pypi.get(parts[0])
            if project is None or parts[-1] != "json" or len(parts) not in (2, 3):
                return 404, b""
            if len(parts) == 2:
                version = project["latest"]
                document = {"info": {"name": project["name"], "version": version},
                            "urls": project["releases"][version],
                            "releases": project["releases"]}
            else:
                version = parts[1]
                if not self.pypi_version_documents or version not in project["releases"]:
                    return 404, b""
                document = {"info": {"name": project["name"], "version": version},
                            "urls": project["releases"][version]}
            return 200, self._links(raw_path, document)
        if raw_path.startswith("/npm/"):
            # A scoped name arrives as one segment, @scope%2fname, as the npm CLI sends it.
            segments = raw_path.removeprefix("/npm/").split("/")
            package = self._npm.get(unquote(segments[0]))
            if package is None or len(segments) > 2:
                return 404, json.dumps({"error": "Not found"}).encode()
            if len(segments) == 1:
                return 200, self._links(raw_path, package)
            wanted = unquote(segments[1])
            wanted = package["dist-tags"].get(wanted, wanted)
            manifest = package["versions"].get(wanted)
            if manifest is None:
                return 404, json.dumps({"error": "Not found"}).encode()
            return 200, self._links(raw_path, manifest)
        return 404, b"Not Found"

    def _links(self, raw_path: str, document: dict) -> bytes:
        """The document as JSON, its links to files relative to raw_path if so switched."""
        text = json.dumps(document)
        if self.relative_links:
            folder = posixpath.dirname(raw_path)
            for path in self.files:
                text = text.replace(json.dumps(self.url + path),
                                    json.dumps(posixpath.relpath(path, folder)))
        return text.encode()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        raw_path = urlsplit(handler.path).path
        self.seen.append(SeenRequest(raw_path, dict(handler.headers)))
        how = self.misbehaviours.get(raw_path, Misbehaviour())
        if how.delay and self._stop.wait(how.delay):
            return
        if how.location is not None:
            handler.send_response(302)
            handler.send_header("Location", how.location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if how.status is not None:
            status, body = how.status, f"HTTP {how.status}\n".encode()
        elif raw_path in self.files:
            status, body = 200, self.files[raw_path]
        else:
            status, body = self._api(raw_path)
        if how.body is not None:
            body = how.body
        if how.trickle is not None and how.trickle_headers:
            self._trickle(handler, f"HTTP/1.0 {status} OK\r\nContent-Length: {len(body)}\r\n"
                          "\r\n".encode() + body, how.trickle)
            return
        handler.send_response(status)
        is_json = raw_path.startswith(("/pypi/", "/npm/")) and not raw_path.endswith(".tgz")
        handler.send_header("Content-Type",
                            "application/json" if is_json else "application/octet-stream")
        if not how.omit_length:
            length = how.claimed_length if how.claimed_length is not None else len(body)
            handler.send_header("Content-Length", str(length))
        for name, value in how.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if how.stall_after is not None:
            handler.wfile.write(body[:how.stall_after])
            handler.wfile.flush()
            self._stop.wait(30)
            return
        if how.trickle is not None:
            self._trickle(handler, body, how.trickle)
            return
        for start in range(0, len(body), 64 * 1024):
            handler.wfile.write(body[start:start + 64 * 1024])

    def _trickle(self, handler: BaseHTTPRequestHandler, data: bytes, pause: float) -> None:
        """A byte, a pause, a byte: each read gets data in time, the whole takes ages."""
        for byte in data:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            if self._stop.wait(pause):
                return


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so a body without Content-Length ends at the close.
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        try:
            self.server.registry._answer(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose: too big, or tired of waiting

    def log_message(self, format, *args):
        pass
