"""Flask-Limiter on the sign-in POST (per address) and the API (per token): 429 pages."""
from __future__ import annotations

import uuid

import pytest

from governance.auth import services
from governance.auth.roles import Role
from governance.database import db
from tests import factories as f


def test_the_suite_is_not_rate_limited_by_default(app):
    assert app.config["RATELIMIT_ENABLED"] is False


def test_sign_in_posts_are_limited_per_address(other_app):
    limited = other_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNIN="3 per minute")
    client = limited.test_client()
    data = {"username": "someone", "password": "wrong-password"}
    here = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        assert client.post("/login", data=data, environ_base=here).status_code == 401
    refused = client.post("/login", data=data, environ_base=here)
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    page = refused.get_data(as_text=True)
    assert "Too many sign-in attempts from your address" in page
    assert "Back to the start page" in page  # the app's own error page
    assert int(refused.headers["Retry-After"]) > 0
    # Only the POST of that address: the page itself, and other addresses, are served.
    assert client.get("/login", environ_base=here).status_code == 200
    other = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.post("/login", data=data, environ_base=other).status_code == 401


def _token(app, username: str) -> str:
    with app.app_context():
        user = f.user(Role.ENGINEER, username=username)
        _, secret = services.create_token(user, "ci")
        db.session.commit()
    return secret


def test_api_calls_are_limited_per_token_with_the_json_error_shape(other_app):
    limited = other_app(RATELIMIT_ENABLED=True, RATELIMIT_API="2 per minute")
    first, second = _token(limited, "erin"), _token(limited, "bob")
    client = limited.test_client()
    for _ in range(2):
        ok = client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"})
        assert ok.status_code == 200
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"})
    assert refused.status_code == 429
    assert refused.get_json() == {"code": 429, "status": "Too Many Requests",
                                  "message": "Too many API calls. Slow down and try again "
                                             "in a minute."}
    # One budget for the whole API, not per endpoint; another token has its own.
    assert client.get("/api/v1/requests",
                      headers={"Authorization": f"Bearer {first}"}).status_code == 429
    assert client.get("/api/v1/me",
                      headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_api_calls_without_a_token_are_limited_per_address(other_app):
    limited = other_app(RATELIMIT_ENABLED=True, RATELIMIT_API="2 per minute")
    client = limited.test_client()
    for _ in range(2):
        assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 429
    assert client.get("/api/v1/openapi.json").status_code == 200  # the document stays open


def test_limits_count_in_redis_when_configured(other_app):
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"governance-test-{uuid.uuid4().hex}"
    limited = other_app(RATELIMIT_ENABLED=True, RATELIMIT_SIGNIN="1 per minute",
                        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",
                        RATELIMIT_KEY_PREFIX=prefix, RATELIMIT_SWALLOW_ERRORS=False)
    try:
        client = limited.test_client()
        data = {"username": "someone", "password": "wrong-password"}
        assert client.post("/login", data=data).status_code == 401
        assert client.post("/login", data=data).status_code == 429
        assert list(server.scan_iter(f"*{prefix}*"))
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
