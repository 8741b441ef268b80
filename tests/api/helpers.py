"""Calling /api/v1 in tests: every call checks that no answer is a 500 and that every error
is JSON of the one shape {"code", "status", "message", optional "errors"}."""
from __future__ import annotations

from werkzeug.http import HTTP_STATUS_CODES

from governance.auth import services as auth
from governance.database import db
from governance.workflow.models import Request
from tests import factories as f

API = "/api/v1"
ERROR_KEYS = {"code", "status", "message", "errors"}


# --- helpers --------------------------------------------------------------------------------

def assert_error(response, status: int, *fields: str) -> dict:
    """The response is the API's one JSON error shape with `status`, naming `fields`."""
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    assert response.mimetype == "application/json", response.headers
    body = response.get_json()
    assert isinstance(body, dict)
    assert {"code", "status", "message"} <= set(body) <= ERROR_KEYS, body
    assert body["code"] == status
    assert body["status"] == HTTP_STATUS_CODES[status]  # the standard phrase, every time
    assert isinstance(body["message"], str) and body["message"]
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if "errors" in body:
        assert isinstance(body["errors"], dict) and body["errors"]
    for name in fields:
        assert name in body.get("errors", {}), body
    return body


def check_response(response) -> None:
    """What holds for every answer of the API, whatever was sent."""
    assert response.status_code != 500, response.get_data(as_text=True)[:1000]
    if response.status_code >= 400:
        assert_error(response, response.status_code)
    elif not response.headers.get("Content-Disposition", "").startswith("attachment"):
        # Everything but a downloaded document (GET /exports) is JSON.
        assert response.mimetype == "application/json"


class Api:
    """A client holding one user's personal token, as a CI job would."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        self.token, self.secret = auth.create_token(user, f"ci-{user.username}")
        db.session.commit()

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.secret}"}

    def _send(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = getattr(self.client, method)(API + path, headers=headers, **kwargs)
        check_response(response)
        return response

    def get(self, path, **kwargs):
        return self._send("get", path, **kwargs)

    def post(self, path, **kwargs):
        return self._send("post", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._send("patch", path, **kwargs)

    def put(self, path, **kwargs):
        return self._send("put", path, **kwargs)

    def delete(self, path, **kwargs):
        return self._send("delete", path, **kwargs)

    # The calls a script makes most.
    def list(self, **query):
        response = self.get("/requests", query_string=query)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def read(self, request_id: int) -> dict:
        response = self.get(f"/requests/{request_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def fire(self, request_id: int, name: str, version: int | None = None, **body):
        """A step; an approval says why it goes without a scan (these requests have none)
        unless the test passes its own without_scan_reason (None: leave it out)."""
        if name.startswith("approve"):
            body.setdefault("without_scan_reason", "API test: the source is not scanned.")
            if body["without_scan_reason"] is None:
                del body["without_scan_reason"]
        if version is None:
            version = self.read(request_id)["version"]
        return self.post(f"/requests/{request_id}/transitions/{name}",
                         json={"version": version, **body})

    def events(self, request_id: int) -> list[dict]:
        response = self.get(f"/requests/{request_id}/events")
        assert response.status_code == 200, response.get_json()
        return response.get_json()


def new_request(team_, /, **overrides) -> dict:
    """A complete create body for `team_`: every required answer given."""
    body = {"purl": "pkg:pypi/requests@2.32.3", "team": team_.id, "usage_context": "internal",
            "linking": "dynamic", "justification": "HTTP client for the billing jobs.",
            "answers": dict(f.ANSWERS)}
    body.update(overrides)
    return body


def actions(events: list[dict]) -> list[str]:
    return [e["action"] for e in events]


def ids(page: dict) -> list[int]:
    return [item["id"] for item in page["items"]]


def stored(request_id: int) -> Request:
    db.session.expire_all()
    return db.session.get(Request, request_id)
