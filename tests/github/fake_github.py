"""A fake GitHub on loopback that holds the app to GitHub's own published API description.

Every call must be an operation of the description (npm @octokit/openapi, fetched by
scripts/fetch_github_openapi.py), with a JSON body that validates against the operation's
request schema; the answer is the operation's own example response. It keeps just enough
state to be honest: repositories created (a duplicate answers 422 as GitHub does) and known,
and it can fail a chosen operation once (a 5xx, to test the retry). Calls that break the
description are answered 404/422 and kept in `violations`, which the tests assert empty.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).resolve().parents[2]
DESCRIPTIONS = ROOT / ".cache" / "github-openapi" / "23.0.2"
BASE = "urn:github-api"


@dataclass
class Operation:
    method: str
    template: str
    operation_id: str
    pattern: re.Pattern
    literal_segments: int
    spec: dict


@dataclass
class RecordedCall:
    method: str
    path: str
    operation_id: str | None
    body: object
    status: int


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@lru_cache(maxsize=2)
def load_description(name: str) -> tuple[dict, list[Operation], Registry]:
    document = json.loads((DESCRIPTIONS / name).read_text(encoding="utf-8"))
    operations = []
    for template, item in document["paths"].items():
        for method, spec in item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            regex = "^" + re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template)) + "$"
            literal = sum(1 for s in template.split("/") if s and not s.startswith("{"))
            operations.append(Operation(method.upper(), template, spec["operationId"],
                                        re.compile(regex), literal, spec))
    # A literal segment wins over a parameter (/orgs/{org}/repos before /orgs/{org}/{x}).
    operations.sort(key=lambda o: -o.literal_segments)
    registry = Registry().with_resource(
        BASE, Resource.from_contents(document, default_specification=DRAFT7))
    return document, operations, registry


@dataclass
class FakeGitHub:
    description: str = "api.github.com.json"
    prefix: str = ""  # "/api/v3" for GitHub Enterprise Server
    token: str = "test-token"
    calls: list[RecordedCall] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    repositories: set[tuple[str, str]] = field(default_factory=set)
    _failures: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self):
        self.document, self.operations, self.registry = load_description(self.description)
        self._lock = threading.Lock()

    # --- what tests set up and read -----------------------------------------------------------

    def fail_next(self, operation_id: str, status: int = 502, times: int = 1) -> None:
        self._failures.setdefault(operation_id, []).extend([status] * times)

    def calls_to(self, operation_id: str) -> list[RecordedCall]:
        return [c for c in self.calls if c.operation_id == operation_id]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}{self.prefix}"

    def __enter__(self) -> "FakeGitHub":
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True,
                                   request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(10)

    # --- serving --------------------------------------------------------------------------

    def _operation(self, method: str, path: str):
        for operation in self.operations:
            if operation.method == method:
                match = operation.pattern.match(path)
                if match:
                    names = re.findall(r"\{([^}]+)\}", operation.template)
                    return operation, dict(zip(names, match.groups()))
        return None, {}

    def _resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            pointer = node["$ref"].lstrip("#/").split("/")
            node = self.document
            for token in pointer:
                node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def _check_body(self, operation: Operation, body) -> str | None:
        request_body = self._resolve(operation.spec.get("requestBody"))
        if request_body is None:
            return None if body in (None, b"", {}) else "a body where the operation takes none"
        schema = request_body.get("content", {}).get("application/json", {}).get("schema")
        if body is None:
            return "no JSON body" if request_body.get("required") else None
        pointer = "/".join(_escape(t) for t in (
            "paths", operation.template, operation.method.lower(), "requestBody", "content",
            "application/json", "schema"))
        if "$ref" in (operation.spec.get("requestBody") or {}):
            ref = operation.spec["requestBody"]["$ref"].lstrip("#/")
            pointer = ref + "/content/application~1json/schema"
        validator = Draft7Validator({"$ref": f"{BASE}#/{pointer}"}, registry=self.registry)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        if schema is not None and errors:
            return "; ".join(f"{'/'.join(map(str, e.path)) or 'body'}: {e.message}"
                             for e in errors[:5])
        return None

    def _example(self, operation: Operation, status: str):
        response = self._resolve(operation.spec["responses"][status])
        content = (response.get("content") or {}).get("application/json")
        if not content:
            return None
        examples = content.get("examples") or {}
        if examples:
            return self._resolve(next(iter(examples.values()))).get("value")
        return content.get("example")

    def _answer(self, status: int, payload=None) -> Response:
        if payload is None:
            return Response(status=status)
        return Response(json.dumps(payload), status=status, content_type="application/json")

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        path = request.path
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return self._answer(404, {"message": "Not Found"})
            path = path[len(self.prefix):]
        raw = request.get_data()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = "<not JSON>"
        with self._lock:
            operation, params = self._operation(request.method, path)
            if operation is None:
                self.violations.append(f"{request.method} {path}: no such operation")
                return self._record(request.method, path, None, body, 404,
                                    {"message": "Not Found"})
            auth = request.headers.get("Authorization", "")
            if auth not in (f"token {self.token}", f"Bearer {self.token}"):
                return self._record(request.method, path, operation.operation_id, body, 401,
                                    {"message": "Bad credentials"})
            problem = self._check_body(operation, body)
            if problem:
                self.violations.append(f"{operation.operation_id}: {problem}")
                return self._record(request.method, path, operation.operation_id, body, 422,
                                    {"message": f"Invalid request: {problem}"})
            failures = self._failures.get(operation.operation_id)
            if failures:
                return self._record(request.method, path, operation.operation_id, body,
                                    failures.pop(0), {"message": "Server Error"})
            return self._respond(request.method, path, operation, params, body)

    def _respond(self, method, path, operation, params, body) -> Response:
        op = operation.operation_id
        if op == "repos/create-in-org":
            key = (params["org"].lower(), body["name"].lower())
            if key in self.repositories:
                return self._record(method, path, op, body, 422, {
                    "message": "Repository creation failed.",
                    "errors": [{"resource": "Repository", "code": "custom", "field": "name",
                                "message": "name already exists on this account"}],
                    "documentation_url": "https://docs.github.com/rest/repos/repos"
                                         "#create-an-organization-repository",
                    "status": "422"})
            self.repositories.add(key)
        elif op == "repos/get" and (params["owner"].lower(), params["repo"].lower()) \
                not in self.repositories:
            return self._record(method, path, op, body, 404, {"message": "Not Found"})
        success = sorted(code for code in operation.spec["responses"]
                         if code.startswith("2"))[0]
        return self._record(method, path, op, body, int(success),
                            self._example(operation, success))

    def _record(self, method, path, operation_id, body, status, payload=None) -> Response:
        self.calls.append(RecordedCall(method, path, operation_id, body, status))
        return self._answer(status, payload)
