"""Resolving purls and URLs to archives, downloading them and storing them once by sha256.

Everything runs against the local fake registry, except the one test marked `network`.
"""
from __future__ import annotations

import hashlib
import io
import socket
from pathlib import Path

import pytest

from governance.scanning.fetch import (
    FetchError,
    Registries,
    SourceLocation,
    StoredArchive,
    download,
    resolve,
    store_file,
)

MB = 1024 * 1024


@pytest.fixture
def registries(fake_registry) -> Registries:
    return Registries(pypi=fake_registry.pypi_url, npm=fake_registry.npm_url)


@pytest.fixture
def store(tmp_path) -> Path:
    return tmp_path / "archives"


def files_in(store: Path) -> list[Path]:
    """Every file in the store, temporary ones included."""
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []


def url_source(fake_registry, path: str) -> SourceLocation:
    return resolve(fake_registry.url + path)


# -- resolve: PyPI -----------------------------------------------------------------------------


def test_a_pypi_purl_with_a_version_resolves_to_its_sdist(fake_registry, registries):
    source = resolve("pkg:pypi/demo-lib@1.0.0", registries)

    assert source == SourceLocation(url=f"{fake_registry.url}/files/demo_lib-1.0.0.tar.gz",
                                    filename="demo_lib-1.0.0.tar.gz",
                                    purl="pkg:pypi/demo-lib@1.0.0", from_registry=True)
    assert "/pypi/demo-lib/1.0.0/json" in fake_registry.paths_seen()


@pytest.mark.parametrize("purl", ["pkg:pypi/demo-lib@1.0.0", "pkg:pypi/demo-lib",
                                  "pkg:npm/tiny-num@1.0.0", "pkg:npm/tiny-num",
                                  "pkg:npm/%40acme/widget@2.0.0"])
@pytest.mark.parametrize("version_documents", [True, False])
def test_links_a_mirror_writes_relative_to_its_document_are_followed(
        fake_registry, registries, tmp_path, purl, version_documents):
    fake_registry.relative_links = True
    fake_registry.pypi_version_documents = version_documents
    source = resolve(purl, registries)

    assert source.url.startswith(fake_registry.url + "/") and ".." not in source.url
    stored = download(source, tmp_path, max_bytes=1024 * 1024)
    assert stored.size == len(fake_registry.files[source.url.removeprefix(fake_registry.url)])


def test_a_pypi_purl_without_a_version_resolves_to_the_latest_release(registries):
    source = resolve("pkg:pypi/demo-lib", registries)

    assert source.filename == "demo_lib-1.1.0.tar.gz"
    assert source.purl == "pkg:pypi/demo-lib@1.1.0"


def test_pypi_names_are_normalised_by_the_purl_parser(registries):
    assert resolve("pkg:pypi/Demo_Lib@1.0.0", registries).filename == "demo_lib-1.0.0.tar.gz"


def test_a_pypi_release_without_an_sdist_falls_back_to_its_wheel(registries):
    source = resolve("pkg:pypi/wheel-only@0.3.0", registries)

    assert source.filename == "wheel_only-0.3.0-py3-none-any.whl"


def test_without_per_version_documents_pypi_releases_come_from_the_project_document(
        fake_registry, registries):
    fake_registry.pypi_version_documents = False

    source = resolve("pkg:pypi/demo-lib@1.0.0", registries)

    assert source.filename == "demo_lib-1.0.0.tar.gz"
    assert fake_registry.paths_seen() == ["/pypi/demo-lib/1.0.0/json", "/pypi/demo-lib/json"]


@pytest.mark.parametrize("purl", ["pkg:pypi/demo-lib@9.9.9", "pkg:pypi/no-such-package@1.0"])
def test_an_unknown_pypi_package_or_version_is_not_found(registries, purl):
    with pytest.raises(FetchError, match=r"was not found \(HTTP 404\)"):
        resolve(purl, registries)


def test_an_unknown_pypi_version_is_not_found_without_per_version_documents_either(
        fake_registry, registries):
    fake_registry.pypi_version_documents = False

    with pytest.raises(FetchError, match=r"demo-lib 9\.9\.9 on PyPI was not found"):
        resolve("pkg:pypi/demo-lib@9.9.9", registries)


def test_a_registry_answer_that_is_not_json_is_a_clear_error(fake_registry, registries):
    fake_registry.misbehave("/pypi/demo-lib/json", body=b"<html>maintenance</html>")

    with pytest.raises(FetchError, match="not JSON"):
        resolve("pkg:pypi/demo-lib", registries)


def test_a_slow_registry_times_out(fake_registry, registries):
    fake_registry.misbehave("/pypi/demo-lib/json", delay=5)

    with pytest.raises(FetchError, match=r"did not answer within 0\.2 seconds \(timeout\)"):
        resolve("pkg:pypi/demo-lib", registries, timeout=0.2)


# -- resolve: npm ------------------------------------------------------------------------------


def test_an_npm_purl_with_a_version_resolves_to_its_tarball(fake_registry, registries):
    source = resolve("pkg:npm/tiny-num@1.0.0", registries)

    assert source == SourceLocation(
        url=f"{fake_registry.url}/npm/tiny-num/-/tiny-num-1.0.0.tgz",
        filename="tiny-num-1.0.0.tgz", purl="pkg:npm/tiny-num@1.0.0", from_registry=True)


def test_an_npm_purl_without_a_version_resolves_to_the_latest_dist_tag(registries):
    source = resolve("pkg:npm/tiny-num", registries)

    assert source.filename == "tiny-num-1.1.0.tgz"
    assert source.purl == "pkg:npm/tiny-num@1.1.0"


def test_an_npm_dist_tag_given_as_the_version_is_pinned_to_the_version_it_names(registries):
    assert resolve("pkg:npm/tiny-num@latest", registries).purl == "pkg:npm/tiny-num@1.1.0"


def test_a_scoped_npm_name_is_one_encoded_path_segment(fake_registry, registries):
    source = resolve("pkg:npm/%40acme/widget@2.0.0", registries)

    assert source.filename == "widget-2.0.0.tgz"
    assert source.purl == "pkg:npm/%40acme/widget@2.0.0"
    assert fake_registry.paths_seen() == ["/npm/@acme%2Fwidget/2.0.0"]


def test_a_scoped_npm_purl_without_a_version_resolves_to_the_latest(registries):
    assert resolve("pkg:npm/%40acme/widget", registries).filename == "widget-2.0.0.tgz"


def test_an_unknown_npm_version_is_not_found(registries):
    with pytest.raises(FetchError, match=r"tiny-num 9\.0\.0 on npm was not found \(HTTP 404\)"):
        resolve("pkg:npm/tiny-num@9.0.0", registries)


def test_registry_requests_name_the_app(fake_registry, registries):
    resolve("pkg:npm/tiny-num@1.0.0", registries)

    assert fake_registry.seen[0].headers["User-Agent"] == "oss-governance/0.1"


# -- resolve: URLs and refusals ----------------------------------------------------------------


def test_an_http_url_resolves_to_itself_named_by_its_path():
    source = resolve("https://example.org/dl/left%20pad-1.0.tar.gz?token=x")

    assert source == SourceLocation(url="https://example.org/dl/left%20pad-1.0.tar.gz?token=x",
                                    filename="left_pad-1.0.tar.gz", purl=None)


def test_a_url_without_a_file_name_gets_a_neutral_one():
    assert resolve("http://example.org/").filename == "download"


def test_a_download_url_qualifier_is_used_for_any_purl_type():
    source = resolve("pkg:generic/thing@1.0?download_url=https://example.org/thing-1.0.zip")

    assert source.url == "https://example.org/thing-1.0.zip"
    assert source.filename == "thing-1.0.zip"


def test_an_unsupported_purl_type_asks_for_an_upload_or_a_url():
    with pytest.raises(FetchError, match="github packages .* is not supported yet; upload the "
                                         "archive or give its download URL"):
        resolve("pkg:github/pallets/flask@3.0.0")


def test_a_purl_that_does_not_parse_gives_the_parsers_reason():
    with pytest.raises(FetchError, match="not a valid package URL: .*missing the required name"):
        resolve("pkg:pypi/")


@pytest.mark.parametrize("text", ["file:///etc/passwd", "ftp://example.org/a.tar.gz",
                                  "six", "http://", "http://[::1/a.tgz"])
def test_only_http_and_https_links_are_accepted(text):
    with pytest.raises(FetchError, match="neither a package URL .* nor an http or https link"):
        resolve(text)


# -- download ----------------------------------------------------------------------------------


def test_a_download_is_stored_under_its_sha256(fake_registry, registries, store):
    source = resolve("pkg:pypi/demo-lib@1.0.0", registries)
    expected = fake_registry.files["/files/demo_lib-1.0.0.tar.gz"]
    sha256 = hashlib.sha256(expected).hexdigest()

    stored = download(source, store, max_bytes=MB)

    assert stored == StoredArchive(sha256=sha256, size=len(expected),
                                   path=store / sha256[:2] / sha256,
                                   filename="demo_lib-1.0.0.tar.gz")
    assert stored.path.read_bytes() == expected
    assert files_in(store) == [stored.path]


def test_a_download_asks_for_the_bytes_as_they_are_and_names_the_app(fake_registry, store):
    download(url_source(fake_registry, "/files/demo_lib-1.0.0.tar.gz"), store, max_bytes=MB)

    headers = fake_registry.seen[-1].headers
    assert headers["Accept-Encoding"] == "identity"
    assert headers["User-Agent"] == "oss-governance/0.1"


def test_the_same_content_is_stored_once(fake_registry, store):
    body = fake_registry.files["/files/demo_lib-1.0.0.tar.gz"]
    fake_registry.add_file("/mirror/copy.tar.gz", body)

    first = download(url_source(fake_registry, "/files/demo_lib-1.0.0.tar.gz"), store,
                     max_bytes=MB)
    second = download(url_source(fake_registry, "/mirror/copy.tar.gz"), store, max_bytes=MB)

    assert second.sha256 == first.sha256
    assert second.path == first.path
    assert second.filename == "copy.tar.gz"
    assert files_in(store) == [first.path]


def test_a_url_download_takes_its_name_from_content_disposition(fake_registry, store):
    fake_registry.add_file("/archive/v1", b"tarball bytes")
    fake_registry.misbehave("/archive/v1", headers={
        "Content-Disposition": "attachment; filename*=UTF-8''widget-1.0%20final.tar.gz"})

    stored = download(url_source(fake_registry, "/archive/v1"), store, max_bytes=MB)

    assert stored.filename == "widget-1.0_final.tar.gz"


def test_a_missing_archive_is_not_found(fake_registry, store):
    with pytest.raises(FetchError, match=r"/files/gone\.tar\.gz was not found \(HTTP 404\)"):
        download(url_source(fake_registry, "/files/gone.tar.gz"), store, max_bytes=MB)


def test_a_server_error_is_reported_with_its_status(fake_registry, store):
    fake_registry.misbehave("/files/demo_lib-1.0.0.tar.gz", status=500)

    with pytest.raises(FetchError, match="the server answered HTTP 500 Internal Server Error"):
        download(url_source(fake_registry, "/files/demo_lib-1.0.0.tar.gz"), store,
                 max_bytes=MB)
    assert files_in(store) == []


def test_an_archive_declared_too_big_is_refused_before_reading(fake_registry, store):
    fake_registry.add_file("/files/big.tar.gz", b"x" * (2 * MB))

    with pytest.raises(FetchError, match=r"is 2 MiB, over the 1 MiB limit"):
        download(url_source(fake_registry, "/files/big.tar.gz"), store, max_bytes=MB)
    assert files_in(store) == []


def test_an_archive_without_a_length_that_grows_too_big_is_dropped(fake_registry, store):
    fake_registry.add_file("/files/big.tar.gz", b"x" * (2 * MB))
    fake_registry.misbehave("/files/big.tar.gz", omit_length=True)

    with pytest.raises(FetchError, match=r"is larger than the 1 MiB limit"):
        download(url_source(fake_registry, "/files/big.tar.gz"), store, max_bytes=MB)
    assert files_in(store) == []


def test_an_understated_length_cannot_smuggle_a_big_body_past_the_cap(fake_registry, store):
    fake_registry.add_file("/files/big.tar.gz", b"x" * (2 * MB))
    fake_registry.misbehave("/files/big.tar.gz", claimed_length=10)

    stored = download(url_source(fake_registry, "/files/big.tar.gz"), store, max_bytes=MB)

    # The client reads what was announced and no more; extraction will find it truncated.
    assert stored.size == 10


def test_a_body_shorter_than_its_content_length_is_dropped(fake_registry, store):
    fake_registry.add_file("/files/cut.tar.gz", b"x" * 1000)
    fake_registry.misbehave("/files/cut.tar.gz", claimed_length=5000)

    with pytest.raises(FetchError, match="broke off before the end"):
        download(url_source(fake_registry, "/files/cut.tar.gz"), store, max_bytes=MB)
    assert files_in(store) == []


def test_a_server_that_does_not_answer_times_out(fake_registry, store):
    fake_registry.misbehave("/files/demo_lib-1.0.0.tar.gz", delay=5)

    with pytest.raises(FetchError, match=r"within 0\.2 seconds \(timeout\)"):
        download(url_source(fake_registry, "/files/demo_lib-1.0.0.tar.gz"), store,
                 max_bytes=MB, timeout=0.2)


def test_a_server_that_stalls_mid_body_times_out_and_leaves_nothing(fake_registry, store):
    fake_registry.add_file("/files/stall.tar.gz", b"x" * 200_000)
    fake_registry.misbehave("/files/stall.tar.gz", stall_after=100_000)

    with pytest.raises(FetchError, match=r"within 0\.2 seconds \(timeout\)"):
        download(url_source(fake_registry, "/files/stall.tar.gz"), store, max_bytes=MB,
                 timeout=0.2)
    assert files_in(store) == []


def test_an_unreachable_host_is_reported_as_such(store):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    with pytest.raises(FetchError, match=r"127\.0\.0\.1 could not be reached \(offline"):
        download(resolve(f"http://127.0.0.1:{closed_port}/a.tar.gz"), store, max_bytes=MB)


def test_redirects_to_http_are_followed(fake_registry, store):
    fake_registry.misbehave("/latest.tar.gz", location="/files/demo_lib-1.1.0.tar.gz")

    stored = download(url_source(fake_registry, "/latest.tar.gz"), store, max_bytes=MB)

    assert stored.path.read_bytes() == fake_registry.files["/files/demo_lib-1.1.0.tar.gz"]
    assert fake_registry.paths_seen() == ["/latest.tar.gz", "/files/demo_lib-1.1.0.tar.gz"]


def test_a_redirect_to_a_file_url_is_refused(fake_registry, store):
    fake_registry.misbehave("/sneaky.tar.gz", location="file:///etc/passwd")

    with pytest.raises(FetchError, match="redirects to file:///etc/passwd; only http and https"):
        download(url_source(fake_registry, "/sneaky.tar.gz"), store, max_bytes=MB)
    assert files_in(store) == []


def test_a_redirect_loop_is_cut_short(fake_registry, store):
    fake_registry.misbehave("/loop", location="/loop")

    with pytest.raises(FetchError, match="redirects more than 10 times"):
        download(url_source(fake_registry, "/loop"), store, max_bytes=MB)


def test_an_npm_tarball_resolves_and_downloads(fake_registry, registries, store):
    stored = download(resolve("pkg:npm/%40acme/widget@2.0.0", registries), store, max_bytes=MB)

    assert hashlib.sha1(stored.path.read_bytes()).hexdigest() == \
        fake_registry._npm["@acme/widget"]["versions"]["2.0.0"]["dist"]["shasum"]


def test_public_only_refuses_an_address_inside_a_private_network(fake_registry, store):
    with pytest.raises(FetchError) as caught:
        download(url_source(fake_registry, "/files/demo_lib-1.0.0.tar.gz"), store,
                 max_bytes=MB, public_only=True)
    assert "private network" in caught.value.reason
    assert files_in(store) == []


def test_public_only_trusts_the_configured_registry_even_in_a_private_network(
        fake_registry, registries, store):
    # A company mirror of PyPI or npm (like this fake one, on 127.0.0.1) is the operator's
    # choice; what it points to is fetched. A typed download_url qualifier is not trusted.
    source = resolve("pkg:pypi/demo-lib@1.0.0", registries)
    assert source.from_registry
    assert download(source, store, max_bytes=MB, public_only=True).size > 0
    typed = resolve("pkg:pypi/demo-lib@1.0.0?download_url="
                    f"{fake_registry.url}/files/demo_lib-1.0.0.tar.gz", registries)
    assert not typed.from_registry
    with pytest.raises(FetchError, match="private network"):
        download(typed, store, max_bytes=MB, public_only=True)


# -- store_file --------------------------------------------------------------------------------


def test_an_upload_is_stored_like_a_download(fake_registry, store):
    body = fake_registry.files["/files/demo_lib-1.0.0.tar.gz"]
    downloaded = download(url_source(fake_registry, "/files/demo_lib-1.0.0.tar.gz"), store,
                          max_bytes=MB)

    uploaded = store_file(io.BytesIO(body), "demo_lib-1.0.0.tar.gz", store, max_bytes=MB)

    assert (uploaded.sha256, uploaded.path, uploaded.size) == \
        (downloaded.sha256, downloaded.path, len(body))
    assert files_in(store) == [downloaded.path]


@pytest.mark.parametrize("given, kept", [
    ("../../etc/evil name.tar.gz", "evil_name.tar.gz"),
    ("C:\\Users\\me\\pkg-1.0.zip", "pkg-1.0.zip"),
    ("..", "upload"),
    (".hidden.tgz", "hidden.tgz"),
])
def test_an_uploads_name_keeps_only_a_harmless_base_name(store, given, kept):
    assert store_file(io.BytesIO(b"data"), given, store, max_bytes=MB).filename == kept


def test_an_upload_over_the_cap_is_refused_and_leaves_nothing(store):
    with pytest.raises(FetchError, match="The uploaded file big.zip is larger than the 1 KiB"):
        store_file(io.BytesIO(b"x" * 5000), "big.zip", store, max_bytes=1024)
    assert files_in(store) == []


def test_an_empty_upload_is_refused(store):
    with pytest.raises(FetchError, match="is empty"):
        store_file(io.BytesIO(b""), "empty.tar.gz", store, max_bytes=MB)
    assert files_in(store) == []


# -- the real registries -----------------------------------------------------------------------


@pytest.mark.network
def test_the_real_registries_give_the_published_archives(store):
    six = download(resolve("pkg:pypi/six@1.16.0"), store, max_bytes=10 * MB)
    is_number = download(resolve("pkg:npm/is-number@7.0.0"), store, max_bytes=10 * MB)

    # The digests PyPI and npm publish for these files.
    assert six.filename == "six-1.16.0.tar.gz"
    assert six.sha256 == "1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926"
    assert is_number.filename == "is-number-7.0.0.tgz"
    assert hashlib.sha1(is_number.path.read_bytes()).hexdigest() == \
        "7535345b896734d5f80c4d06c50955527a14f12b"
