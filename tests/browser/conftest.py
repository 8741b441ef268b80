"""Browser fixtures: the app served for real (CSRF on) and Debian's Chromium through Playwright.

Playwright cannot download its own browsers here, so it drives the system Chromium
(`make browser` installs it). Without Chromium these tests fail, because a missing browser
must not look like a green run; SKIP_BROWSER_TESTS=1 skips them on purpose.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from governance import create_app
from governance.database import db

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
# Wide enough for the navbar to be expanded (Bootstrap's lg breakpoint is 992 px).
VIEWPORT = {"width": 1280, "height": 900}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets the page fixture know the test failed, to keep a screenshot of where.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium_path():
    if os.environ.get("SKIP_BROWSER_TESTS") == "1":
        pytest.skip("SKIP_BROWSER_TESTS=1")
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"Chromium not found at {path}: run `make browser` (apt-get install "
                    "chromium) or set CHROMIUM_PATH; set SKIP_BROWSER_TESTS=1 to skip the "
                    "browser tests instead.", pytrace=False)
    return path


@pytest.fixture(scope="session")
def live_app(app, tmp_path_factory):
    """A second app on the session app's database, configured like production: CSRF on."""
    live = create_app({
        "TESTING": False,
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("live-instance")),
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": True,
        "SECRET_KEY": "browser-test-secret-key",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LOGIN_MAX_FAILURES": 5,
        # The browser tests sign in a dozen times a minute from one address; the limit itself
        # is tested in tests/auth/test_rate_limits.py.
        "RATELIMIT_SIGNIN": "100 per minute",
        # Scan runners start only in the tests that scan (and stop there).
        "SCAN_AUTOSTART": False,
        "SCAN_PROCESSES": 1,
    })
    yield live
    with live.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    """The base URL of live_app served on a free port; each request gets its own app context."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh page on the live server. Any console error or uncaught script error (a CSP
    violation shows up as one) fails the test."""
    context = browser.new_context(base_url=live_server, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []

    def on_console(msg):
        url = msg.location.get("url", "")
        # The app has no favicon; the browser asks for one on its own, not the page. A page
        # answered 4xx on purpose (a form shown again with its errors, 422) is logged by the
        # browser as a failed resource: the test checks that page's content itself.
        document_status = (msg.text.startswith("Failed to load resource") and url == page.url)
        if msg.type == "error" and not url.endswith("/favicon.ico") and not document_status:
            errors.append(f"console error: {msg.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"FAILED-{request.node.name}.png", full_page=True)
    context.close()
    if errors:
        pytest.fail("browser console errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def screenshot(page):
    """screenshot("01-form") saves a full-page PNG into test-artifacts/browser/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
