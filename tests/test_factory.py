"""The app factory: configuration, secret key, security headers, limits, error pages."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from governance import create_app
from governance.config import normalise_database_url
from governance.rules.loader import PolicyError
from tests import factories as f

POLICIES = Path(__file__).resolve().parent.parent / "policies"


def _app(tmp_path, **config):
    base = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"}
    base.update(config)
    return create_app(base)


def test_testing_config_is_applied(app, tmp_path):
    assert app.testing
    assert not create_app({"INSTANCE_PATH": str(tmp_path)}).testing


def test_without_secret_key_one_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = _app(tmp_path).config["SECRET_KEY"]
    second = _app(tmp_path).config["SECRET_KEY"]
    key_file = tmp_path / "instance" / "secret_key"
    assert first == second == key_file.read_text()
    assert len(first) >= 32
    assert key_file.stat().st_mode & 0o077 == 0


def test_secret_key_and_database_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/x")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/x"


def test_two_apps_in_one_process_do_not_share_settings_through_the_environment(tmp_path):
    import os

    before = dict(os.environ)
    first = _app(tmp_path / "one", SCANS_DIR=str(tmp_path / "scans-one"))
    second = _app(tmp_path / "two", SCANS_DIR=str(tmp_path / "scans-two"))
    assert dict(os.environ) == before  # the factory writes nothing into the process
    assert first.config["SCANS_DIR"] != second.config["SCANS_DIR"]
    assert first.extensions["governance.request_kinds"] is not \
        second.extensions["governance.request_kinds"]


@pytest.mark.parametrize("given,expected", [
    ("postgres://h/db", "postgresql+psycopg://h/db"),
    ("postgresql://h/db", "postgresql+psycopg://h/db"),
    ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


def test_every_response_carries_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_load_css_and_js_from_the_app_itself(client):
    import re

    page = client.get("/login").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="([^"#]+\.(?:css|js))"', page)
    assert any("bootstrap.min.css" in a for a in assets)
    assert any("bootstrap.min.js" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served by the app"
        assert client.get(asset).status_code == 200


def test_a_body_over_the_size_limit_is_refused(app, client):
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data=too_big, content_type="application/octet-stream")
    assert response.status_code == 413


def test_an_unexpected_error_shows_no_traceback(tmp_path):
    app = _app(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body
    assert "Something went wrong" in body


def test_unknown_pages_get_the_friendly_404(client):
    f.user(username="erin")
    f.login(client, "erin")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Back to the start page" in response.get_data(as_text=True)


def test_user_text_is_escaped_everywhere(client, app):
    from governance.auth.roles import Role
    from governance.states import State
    team = f.team("<b>team</b>")
    engineer = f.user(Role.ENGINEER, teams=[team], username="erin")
    item = f.request_in(State.DRAFT, engineer, team,
                        justification="<script>alert(1)</script>")
    f.login(client, "erin")
    for url in (f"/adoption/{item.id}", "/adoption/", "/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page
        assert "<b>team</b>" not in page


def test_a_broken_policy_stops_the_app_with_file_and_line(tmp_path):
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    text = (policies / "questions.yaml").read_text()
    (policies / "questions.yaml").write_text(text.replace("type: yesno", "type: maybe", 1))
    with pytest.raises(PolicyError) as caught:
        _app(tmp_path, POLICIES_DIR=str(policies))
    message = str(caught.value)
    assert "questions.yaml:" in message and "type must be one of" in message
    line = int(message.split("questions.yaml:")[1].split(":")[0])
    assert "can-patch" in (policies / "questions.yaml").read_text().splitlines()[line - 1]


def test_health_check_answers_without_signing_in(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
