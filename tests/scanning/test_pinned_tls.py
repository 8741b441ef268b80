"""A pinned https connection goes to the pinned address, yet TLS (SNI and the certificate
check) still speaks to the host name of the URL. A local TLS server on 127.0.0.1, with a
certificate made here for a name that does not resolve, plays the server."""
from __future__ import annotations

import datetime
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from governance.scanning.connections import GuardedAdapter

NAME = "pinned.invalid"


def _certificate(tmp_path):
    """A CA and a server certificate for NAME, as PEM files: (ca, cert, key)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(1)
          .not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


class _Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        body = self.headers["Host"].encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def tls_server(tmp_path):
    """(port, CA file, server names the clients asked for by SNI)."""
    ca, cert, key = _certificate(tmp_path)
    asked: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: asked.append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server.server_port, str(ca), asked
    server.shutdown()
    server.server_close()


def test_a_pinned_https_request_verifies_the_certificate_of_the_host_name(tls_server):
    port, ca, asked = tls_server
    with requests.Session() as session:
        session.mount("https://", GuardedAdapter(["127.0.0.1"]))
        response = session.get(f"https://{NAME}:{port}/", verify=ca, timeout=10)

    assert response.text == f"{NAME}:{port}"
    assert asked == [NAME]


def test_a_certificate_for_another_name_is_still_refused_when_pinned(tls_server):
    port, ca, _ = tls_server
    with requests.Session() as session:
        session.mount("https://", GuardedAdapter(["127.0.0.1"]))
        with pytest.raises(requests.exceptions.SSLError):
            session.get(f"https://other.invalid:{port}/", verify=ca, timeout=10)
