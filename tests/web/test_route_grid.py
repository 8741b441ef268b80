"""Every route of the app × every role, with real ids, someone else's ids and unknown ids.

The cases are generated from app.url_map, so a route added later is exercised by itself:
test_every_route_has_an_expectation fails until EXPECTED says who may reach it, and the grid
fails if one of its URL variables has no value in `_values`.

How a status is predicted (see `expected`):
  0. an id too large to exist matches no route: 404 (or Werkzeug's 405) for anyone;
  1. the gate of the route: public, signed-in (anonymous -> 302 /login?next=...), API token
     (anonymous -> 401 JSON) or a set of roles (the other roles -> 403);
  2. an API write with an empty JSON body -> 422;
  3. the object: an unknown id -> 404, someone else's draft or token -> 404;
  4. EXPECTED[endpoint]: the status when all of that passes, per method, with per-role
     exceptions.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

import governance
from governance import policies
from governance.advisories import services as advisories
from governance.advisories.models import Finding
from governance.audit.models import AuditEvent
from governance.auth import services as auth
from governance.auth.models import ApiToken, LoginSession
from governance.auth.roles import Role
from governance.database import db
from governance.inventory import services as inventory
from governance.inventory.models import SbomImport
from governance.lifecycle import patches
from governance.scans.models import Scan, ScanFile, ScanState
from governance.states import TRANSITIONS, State
from governance.upstream import roles as upstream_roles
from governance.upstream import services as upstream
from governance.workflow.models import Comment, Request
from tests import factories as f
from tests.web.route_grid_spec import (
    ADMIN,
    ANON,
    API,
    API_PROBES,
    BODY_OPTIONAL,
    COMPLIANCE,
    ENGINEER,
    EXPECTED,
    MISSING,
    OFFICE,
    OTHER_ENGINEER,
    PUBLIC,
    QUERIES,
    READ_METHODS,
    ROLES,
    SIGNED_IN,
    STATIC_FILES,
    TEAM_A,
    TEAMMATE,
    TOO_LARGE,
    UNKNOWN_STEP,
)


@pytest.fixture
def world(held_tasks):
    team_a, team_b = f.team("Team A"), f.team("Team B")
    users = {
        ENGINEER: f.user(Role.ENGINEER, teams=[team_a]),
        TEAMMATE: f.user(Role.ENGINEER, teams=[team_a]),
        OTHER_ENGINEER: f.user(Role.ENGINEER, teams=[team_b]),
        OFFICE: f.user(Role.OSS_OFFICE),
        COMPLIANCE: f.user(Role.COMPLIANCE),
        ADMIN: f.user(Role.ADMIN),
    }
    reviewer = f.user(Role.OSS_OFFICE)
    engineer = users[ENGINEER]
    w = SimpleNamespace(
        team_a=team_a, team_b=team_b, users=users, reviewer=reviewer,
        draft=f.request_in(State.DRAFT, engineer, team_a),
        submitted=f.request_in(State.SUBMITTED, engineer, team_a),
        in_review=f.request_in(State.IN_REVIEW, engineer, team_a, reviewer),
        decided=f.request_in(State.APPROVED, engineer, team_a, reviewer),
        foreign=f.request_in(State.SUBMITTED, users[OTHER_ENGINEER], team_b),
        # the same four for the GitHub request pages and API
        github={"draft": f.github_request_in(State.DRAFT, engineer, team_a),
                "submitted": f.github_request_in(State.SUBMITTED, engineer, team_a),
                "approved": f.github_request_in(State.APPROVED, engineer, team_a, reviewer),
                "team B's": f.github_request_in(State.SUBMITTED, users[OTHER_ENGINEER],
                                                team_b)},
        # and for the funding proposal pages and API
        funding={"draft": f.funding_proposal_in(State.DRAFT, engineer, team_a),
                 "submitted": f.funding_proposal_in(State.SUBMITTED, engineer, team_a),
                 "approved": f.funding_proposal_in(State.APPROVED, engineer, team_a,
                                                   reviewer),
                 "team B's": f.funding_proposal_in(State.SUBMITTED, users[OTHER_ENGINEER],
                                                   team_b)},
        # someone else's token, for every role of the grid
        victim_token=auth.create_token(users[TEAMMATE], "teammate's CI")[0],
        own_tokens={}, secrets={},
    )
    w.draft_scan = Scan(request=w.draft, state=ScanState.SUCCEEDED, summary={"files": 1})
    w.scan = Scan(request=w.submitted, state=ScanState.SUCCEEDED,
                  summary={"files": 1, "detected": [], "holders": []})
    db.session.add_all([w.draft_scan, w.scan])
    db.session.flush()
    w.scan_file = ScanFile(scan_id=w.scan.id, path="pkg/LICENSE", status="scanned")
    db.session.add(w.scan_file)
    w.product = inventory.save_product(None, None, name="Team A's console", team_id=team_a.id,
                                       usage_context="distributed", description="",
                                       rules=policies.request_rules())
    w.sbom_import = SbomImport(product=w.product, filename="bom.json", format="cyclonedx-json",
                               context="distributed", policy_digest="0" * 64,
                               counts={}, imported_by=engineer)
    db.session.add(w.sbom_import)
    # An advisory on the approved request's package: one finding.
    advisories.import_records(None, [("grid", {
        "id": "GRID-1", "modified": "2026-01-01T00:00:00Z", "affected": [{
            "package": {"ecosystem": "PyPI", "name": w.decided.component.name},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]})])
    w.finding = db.session.query(Finding).one()
    w.patch = patches.create(engineer, patches.PatchInput(
        component_id=w.decided.component_id, team_id=team_a.id, kind="temporary",
        title="Route grid patch", patch_text="--- a\n+++ b\n",
        upstream_url="https://github.com/example/project/pull/1"))
    # Team A's upstream contribution and community role.
    w.contribution = upstream.record(engineer, upstream.ContributionInput(
        url="https://github.com/example/grid/pull/1", team_id=team_a.id, kind="pr",
        project="pkg:pypi/grid", opened_on=date(2024, 1, 1)))
    w.community_role = upstream_roles.record(engineer, upstream_roles.RoleInput(
        project="pkg:pypi/grid", role="reviewer", since=date(2024, 1, 1),
        person_name="Route Grid", team_id=team_a.id))
    for role, user in users.items():
        w.own_tokens[role] = auth.create_token(user, "to revoke")[0]
        w.secrets[role] = auth.create_token(user, "grid")[1]
    db.session.commit()
    return w


def client_for(app, world, role: str):
    client = app.test_client()
    if role != ANON:
        f.login(client, world.users[role].username)
    return client


# --- the cases ------------------------------------------------------------------------------

@dataclass
class Case:
    endpoint: str
    method: str
    url: str
    values: dict[str, object]
    labels: frozenset[str]
    query: str = ""
    body: dict | None = None  # JSON, for the API
    body_label: str = ""

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")

    def __str__(self) -> str:
        extra = ", ".join(sorted(self.labels | ({self.body_label} if self.body_label else set())))
        return f"{self.method} {self.url}" + (f" [{extra}]" if extra else "")


VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def _values(variable: str, endpoint: str, w) -> list[tuple[str, object]]:
    """(label, value) to try for one URL variable."""
    if variable == "request_id" and endpoint.startswith(("github.", "api_github.")):
        return [*((label, item.id) for label, item in w.github.items()),
                ("missing", MISSING), ("too large", TOO_LARGE)]
    if variable == "request_id" and endpoint.startswith(("funding.", "api_funding_proposals.")):
        return [*((label, item.id) for label, item in w.funding.items()),
                ("missing", MISSING), ("too large", TOO_LARGE)]
    if variable == "request_id":
        return [("draft", w.draft.id), ("submitted", w.submitted.id),
                ("approved", w.decided.id), ("team B's", w.foreign.id),
                ("missing", MISSING), ("too large", TOO_LARGE)]
    if variable == "user_id":
        return [("a user", w.users[TEAMMATE].id), ("missing", MISSING),
                ("too large", TOO_LARGE)]
    if variable == "team_id":
        return [("a team", w.team_b.id), ("missing", MISSING), ("too large", TOO_LARGE)]
    if variable == "token_id":
        return [("own token", None), ("someone else's token", w.victim_token.id),
                ("missing", MISSING), ("too large", TOO_LARGE)]  # None: filled per role
    if variable == "scan_id":
        return [("draft", w.draft_scan.id), ("submitted", w.scan.id), ("missing", MISSING),
                ("too large", TOO_LARGE)]
    if variable == "product_id":
        return [("team A's product", w.product.id), ("missing", MISSING),
                ("too large", TOO_LARGE)]
    if variable == "import_id":
        return [("an SBOM check", w.sbom_import.id), ("missing", MISSING),
                ("too large", TOO_LARGE)]
    if variable == "component_id":
        return [("a component", w.submitted.component_id), ("missing", MISSING),
                ("too large", TOO_LARGE)]
    if variable == "finding_id":
        return [("a finding", w.finding.id), ("missing", MISSING), ("too large", TOO_LARGE)]
    if variable == "patch_id":
        return [("team A's patch", w.patch.id), ("missing", MISSING), ("too large", TOO_LARGE)]
    if variable == "contribution_id":
        return [("team A's contribution", w.contribution.id), ("missing", MISSING),
                ("too large", TOO_LARGE)]
    if variable == "role_id":
        return [("team A's role", w.community_role.id), ("missing", MISSING),
                ("too large", TOO_LARGE)]
    if variable in ("dismissal_id", "waiver_id"):
        return [("missing", MISSING), ("too large", TOO_LARGE)]
    if variable == "file_id":
        return [("file of the submitted request's scan", w.scan_file.id)]
    if variable == "year":
        return [("a fiscal year", 2026)]
    if variable == "name" and endpoint == "api_docs.asset":
        return [("Swagger UI's script", "swagger-ui-bundle.js")]
    if variable == "name":
        return [(name, name) for name in [*TRANSITIONS, UNKNOWN_STEP]]
    if variable == "filename" and endpoint in STATIC_FILES:
        return [("file", STATIC_FILES[endpoint])]
    raise AssertionError(f"The route grid has no value for <{variable}> of {endpoint}; "
                         "add one to _values().")


def build_cases(app, w, role: str) -> list[Case]:
    cases = []
    for rule in app.url_map.iter_rules():
        variables = VARIABLE.findall(rule.rule)
        choices = [[(v, label, value) for label, value in _values(v, rule.endpoint, w)]
                   for v in variables]
        queries = [(frozenset(labels), template.format(
            draft=w.draft.id, submitted=w.submitted.id, foreign=w.foreign.id))
            for labels, template in QUERIES.get(rule.endpoint, [((), "")])]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for combo in itertools.product(*choices):
                values = {v: value for v, _, value in combo}
                if "token_id" in values and values["token_id"] is None:
                    own = w.own_tokens.get(role)
                    values["token_id"] = own.id if own else w.victim_token.id
                url = VARIABLE.sub(lambda m: str(values[m.group(1)]), rule.rule)
                labels = frozenset(label for _, label, _ in combo)
                for query_labels, query in queries:
                    base = dict(endpoint=rule.endpoint, method=method, url=url + query,
                                values=values, labels=labels | query_labels, query=query)
                    if not url.startswith("/api/") or method in READ_METHODS:
                        cases.append(Case(**base))
                        continue
                    cases.append(Case(**base, body={}, body_label="empty body"))
                    if rule.endpoint in API_PROBES:
                        cases.append(Case(**base, body=API_PROBES[rule.endpoint](w),
                                          body_label="probe body"))
    # Reads first, then writes; signing out last, so it ends the session of nobody else.
    cases.sort(key=lambda c: (c.endpoint == "auth.logout", c.method not in READ_METHODS))
    return cases


def expected(case: Case, role: str) -> int | frozenset[int]:
    spec = EXPECTED[case.endpoint]
    if "too large" in case.labels:
        # Matches no route at all, for anyone. Werkzeug answers 405 rather than 404 when
        # a rule of the same shape exists for other methods (PATCH next to GET).
        return frozenset({404} if case.method in READ_METHODS else {404, 405})
    if spec.who != PUBLIC:
        if role == ANON:
            return 401 if spec.who == API else 302
        if isinstance(spec.who, frozenset) and role not in spec.who:
            return 403
    if case.is_api and case.body == {} and case.endpoint not in BODY_OPTIONAL:
        return 422
    if "missing" in case.labels:
        return 404
    if "draft" in case.labels and role not in TEAM_A:
        return 404  # drafts are invisible outside their team
    if "someone else's token" in case.labels:
        return 404
    status = spec.by_role.get((role, case.method), spec.ok[case.method])
    return status(case, role) if callable(status) else status


def send(client, case: Case, headers: dict):
    if case.is_api:
        return client.open(case.url, method=case.method, headers=headers,
                           json=case.body if case.method not in READ_METHODS else None)
    return client.open(case.url, method=case.method,
                       data={} if case.method not in READ_METHODS else None)


def problems_with(case: Case, role: str, want: int | frozenset[int], response) -> list[str]:
    got = response.status_code
    problems = []
    if got not in (want if isinstance(want, frozenset) else {want}):
        detail = response.get_data(as_text=True)[:300].replace("\n", " ") if got >= 500 else ""
        problems.append(f"answered {got}, expected {want} {detail}".rstrip())
    if got == 302 and role == ANON and EXPECTED[case.endpoint].who != PUBLIC:
        location = urlsplit(response.headers["Location"])
        next_param = parse_qs(location.query).get("next")
        if location.path != "/login" or next_param != [case.url]:
            problems.append(f"redirected to {response.headers['Location']}, "
                            f"not /login?next={case.url}")
    if case.is_api and got >= 400:
        body = response.get_json(silent=True) or {}
        if body.get("code") != got or not {"status", "message"} <= body.keys():
            problems.append(f"error body is not {{code, status, message}}: {body}")
    return problems


# --- the grid -------------------------------------------------------------------------------

def test_every_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - EXPECTED.keys() == set(), "routes without an expectation in EXPECTED"
    assert EXPECTED.keys() - endpoints == set(), "expectations for routes that do not exist"
    for rule in app.url_map.iter_rules():
        spec = EXPECTED[rule.endpoint]
        assert rule.methods - {"HEAD", "OPTIONS"} == spec.ok.keys(), rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_route_grid(app, world, role):
    client = client_for(app, world, role)
    headers = {} if role == ANON else {"Authorization": f"Bearer {world.secrets[role]}"}
    cases = build_cases(app, world, role)
    assert len(cases) > 250  # every route, with its variants
    failures = []
    for case in cases:
        want = expected(case, role)
        response = send(client, case, headers)
        failures += [f"{role}: {case}: {p}" for p in problems_with(case, role, want, response)]
    assert not failures, f"{len(failures)} of {len(cases)} cases:\n" + "\n".join(failures)


# --- the rules, one by one, with the database checked ---------------------------------------

@pytest.mark.parametrize("role", [ENGINEER, TEAMMATE, OTHER_ENGINEER, OFFICE, COMPLIANCE,
                                  ADMIN])
def test_a_draft_is_visible_only_to_its_author_and_team(app, world, role):
    client = client_for(app, world, role)
    draft = world.draft.id
    pages = {f"/adoption/{draft}": 200, f"/adoption/{draft}/edit": 200,
             f"/requests/{draft}": 302}
    for url, ok in pages.items():
        want = ok if role in TEAM_A else 404
        assert client.get(url).status_code == want, url
    listing = client.get("/adoption/?scope=all").get_data(as_text=True)
    api = client.get("/api/v1/requests?per_page=100",
                     headers={"Authorization": f"Bearer {world.secrets[role]}"}).get_json()
    api_ids = {item["id"] for item in api["items"]}
    visible = role in TEAM_A
    assert (f"/adoption/{draft}\"" in listing) == visible
    assert (draft in api_ids) == visible
    # Submitted and decided requests of any team are open to every signed-in user.
    for item in (world.submitted, world.decided, world.foreign):
        assert client.get(f"/adoption/{item.id}").status_code == 200
        assert item.id in api_ids


@pytest.mark.parametrize("role", [ENGINEER, TEAMMATE, OTHER_ENGINEER, COMPLIANCE, ADMIN])
def test_only_the_office_decides(app, world, role):
    client = client_for(app, world, role)
    item = world.in_review
    response = client.post(f"/requests/{item.id}/step/approve",
                           data={"reason": "Looks fine.", "lock_version": item.version})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/adoption/{item.id}"
    with client.session_transaction() as session:
        flashes = session.get("_flashes", [])
    assert ("danger", "Only the OSS office can do this.") in flashes
    db.session.expire_all()
    stored = db.session.get(Request, item.id)
    assert (stored.state, stored.decided_at, stored.decided_by_id) == (State.IN_REVIEW, None,
                                                                       None)


def test_the_office_cannot_submit_someone_elses_draft(app, world):
    client = client_for(app, world, OFFICE)
    item = world.draft
    for name in ("submit", "withdraw", "start_review"):
        response = client.post(f"/requests/{item.id}/step/{name}",
                               data={"lock_version": item.version})
        assert response.status_code == 404, name
    db.session.expire_all()
    assert db.session.get(Request, item.id).state == State.DRAFT


@pytest.mark.parametrize("role", SIGNED_IN)
def test_nobody_revokes_someone_elses_token(app, world, role):
    client = client_for(app, world, role)
    assert client.get("/account/tokens").status_code == 200
    victim = world.victim_token.id
    assert client.post(f"/account/tokens/{victim}/revoke").status_code == 404
    own = world.own_tokens[role].id
    assert client.post(f"/account/tokens/{own}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, victim).is_active
    assert not db.session.get(ApiToken, own).is_active


def test_a_revoked_or_unknown_token_is_refused(app, world):
    client = client_for(app, world, ENGINEER)
    token, secret = auth.create_token(world.users[ENGINEER], "short-lived")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    for headers in (bearer, {"Authorization": "Bearer ogt_not-a-token"},
                    {"Authorization": "Basic dXNlcjpwYXNz"}):
        response = app.test_client().get("/api/v1/me",
                                                                    headers=headers)
        body = response.get_json()
        assert response.status_code == 401 and body["code"] == 401, headers
        assert body["status"] and body["message"]


@pytest.mark.parametrize("role", [OFFICE, ADMIN])
def test_numbers_and_dates_out_of_range_in_query_strings_are_no_500(app, world, role):
    client = client_for(app, world, role)
    bearer = {"Authorization": f"Bearer {world.secrets[role]}"}
    big, item = TOO_LARGE, world.submitted.id
    urls = [f"/adoption/?page={big}", f"/adoption/?team={big}", f"/adoption/?team=-{big}",
            f"/adoption/new?alternative={big}", f"/adoption/compare?ids={item}&ids={big}",
            f"/queue?page={big}", f"/admin/users?page={big}",
            f"/audit/?page={big}", f"/audit/?object_id={big}", f"/audit/?actor={big}",
            "/audit/?since=0001-01-01&until=9999-12-31", "/audit/export.csv?until=9999-12-31",
            f"/audit/export.csv?object_id={big}"]
    for url in urls:
        assert client.get(url).status_code in (200, 302, 403), url
    for url in (f"/api/v1/requests?page={big}", f"/api/v1/requests?team={big}"):
        response = client.get(url, headers=bearer)
        assert response.status_code == 422 and response.get_json()["code"] == 422, url


# --- CSRF -----------------------------------------------------------------------------------

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def _csrf_token(html: str) -> str:
    tag = CSRF_INPUT.search(html)
    assert tag, "no csrf_token field on the page"
    return re.search(r'value="([^"]+)"', tag.group(0)).group(1)


def test_forms_need_the_csrf_token_but_the_api_does_not(app, world, tmp_path):
    csrf_app = governance.create_app({
        "WTF_CSRF_ENABLED": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    engineer, item = world.users[ENGINEER], world.submitted

    def count(model, *where):
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    try:
        browser = csrf_app.test_client()
        credentials = {"username": engineer.username, "password": f.PASSWORD}
        sessions_before = count(LoginSession)
        response = browser.post("/login", data=credentials)
        assert response.status_code == 400
        assert count(LoginSession) == sessions_before
        assert count(AuditEvent, AuditEvent.action == "signed_in") == 0

        token = _csrf_token(browser.get("/login").get_data(as_text=True))
        assert browser.post("/login", data={**credentials, "csrf_token": token}
                            ).status_code == 302

        comments = count(Comment, Comment.request_id == item.id)
        response = browser.post(f"/requests/{item.id}/comments", data={"body": "Forged?"})
        assert response.status_code == 400
        assert count(Comment, Comment.request_id == item.id) == comments

        token = _csrf_token(browser.get(f"/adoption/{item.id}").get_data(as_text=True))
        response = browser.post(f"/requests/{item.id}/comments",
                                data={"body": "With a token.", "csrf_token": token})
        assert response.status_code == 302
        assert count(Comment, Comment.request_id == item.id) == comments + 1

        api = csrf_app.test_client()
        response = api.post(f"/api/v1/requests/{item.id}/comments", json={"body": "By API."},
                            headers={"Authorization": f"Bearer {world.secrets[ENGINEER]}"})
        assert response.status_code == 201, response.get_data(as_text=True)
        assert count(Comment, Comment.request_id == item.id) == comments + 2
    finally:
        with csrf_app.app_context():
            db.session.remove()
            db.engine.dispose()
