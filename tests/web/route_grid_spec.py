"""What each route of the app answers, per role: the expectations of the route grid
(test_route_grid.py), kept apart from the machinery that checks them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from governance.states import TRANSITIONS, Actor

if TYPE_CHECKING:
    from tests.web.test_route_grid import Case

ROLES = ANON, ENGINEER, OTHER_ENGINEER, OFFICE, COMPLIANCE, ADMIN = (
    "anonymous", "engineer", "other_engineer", "oss_office", "compliance", "admin")
SIGNED_IN = ROLES[1:]
TEAMMATE = "teammate"  # the engineer's teammate; not in the grid, only in the draft test
# Team A (the engineer and their teammate) owns every request of the world below but one,
# labelled "team B's", which the engineer of another team submitted.
TEAM_A = {ENGINEER, TEAMMATE}
MISSING = 999_999
TOO_LARGE = 2**64  # no id can be this large; the database cannot even compare it
UNKNOWN_STEP = "no_such_step"
READ_METHODS = {"GET"}

# --- what each route answers ----------------------------------------------------------------

PUBLIC = "public"      # anyone, signed in or not
LOGIN = "login"        # any signed-in user; anonymous -> 302 /login?next=...
API = "api"            # a personal API token; without one -> 401 JSON

Status = int | Callable[["Case", str], int]


@dataclass(frozen=True)
class Expect:
    who: str | frozenset[str]
    # method -> the status when the gate lets the role in and the object is there for it
    ok: dict[str, Status]
    # (role, method) -> the status for that role instead of `ok`
    by_role: dict[tuple[str, str], Status] = field(default_factory=dict)


def _compare(case: Case, role: str) -> int:
    return 200 if case.query else 302  # no ids: back to the list with a message


def requester_side(case: Case, role: str) -> bool:
    return role == OTHER_ENGINEER if "team B's" in case.labels else role in TEAM_A


def _api_update(case: Case, role: str) -> int:
    # The probe sends version 0: the requester side is refused as stale, the others as not
    # allowed.
    return 409 if requester_side(case, role) else 403


def _api_office_only(case: Case, role: str) -> int:
    return 422 if role == OFFICE else 403


def _patch_keepers(case: Case, role: str) -> int:
    # Team A's patch: its team and the office get the empty form back, others are refused.
    return 422 if role in TEAM_A or role == OFFICE else 403


def _patch_editors(case: Case, role: str) -> int:
    return 200 if role in TEAM_A or role == OFFICE else 403


def _api_patch_edit(case: Case, role: str) -> int:
    # The probe changes nothing that matters (the same title): saved for its keepers.
    return 200 if role in TEAM_A or role == OFFICE else 403


def _api_patch_confirm(case: Case, role: str) -> int:
    # The probe is valid, but no update waits for the patch's confirmation.
    return 409 if role in TEAM_A or role == OFFICE else 403


def _api_patch_approve(case: Case, role: str) -> int:
    # Team A's patch is temporary: only permanent ones are approved.
    return 409 if role == OFFICE else 403


def _api_transition(case: Case, role: str) -> int:
    step = TRANSITIONS.get(case.values["name"])
    if step is None or step.actor == Actor.SYSTEM:  # the app's own steps are not offered
        return 404
    if step.actor == Actor.REQUESTER:
        allowed = requester_side(case, role)
    else:
        allowed = role == OFFICE
    return 409 if allowed else 403  # allowed ones are refused for the stale version 0


def _web_step(case: Case, role: str) -> Status:
    step = TRANSITIONS.get(case.values["name"])
    if step is None or step.actor == Actor.SYSTEM:
        return 404
    allowed = requester_side(case, role) if step.actor == Actor.REQUESTER else role == OFFICE
    if not allowed:
        return 302  # refused with a message, back to the request
    # Done (302), or shown again with the form: a reason is missing (422), the state or the
    # version forbids it (409).
    return frozenset({302, 409, 422})


def _web_edit(case: Case, role: str) -> int:
    if not requester_side(case, role):
        return 403
    # Opening the form of a decided request sends the requester back with a message; a post
    # is read first (an empty one fails validation and is shown again, nothing saved).
    return 302 if "approved" in case.labels and case.method == "GET" else 200


def _maturity_post(case: Case, role: str) -> int:
    # The office's empty review is refused with a message; a decided request's is frozen.
    if role != OFFICE or "approved" in case.labels:
        return 403
    return 422


def _api_github_waive(case: Case, role: str) -> int:
    # The office may waive while the request is in the queue, where the probe's item is not
    # in any checklist (404); once approved, nothing is waived any more (409).
    if role != OFFICE:
        return 403
    return 409 if "approved" in case.labels else 404


def _api_github_retry(case: Case, role: str) -> int:
    return 409 if role == OFFICE else 403  # nothing failed to retry (or a stale version)


FUNDING_READERS = frozenset({OFFICE, COMPLIANCE, ADMIN})


def _funding_visible(case: Case, role: str) -> int:
    # A funding proposal: its requester's side, and the office, compliance and admins.
    return 200 if requester_side(case, role) or role in FUNDING_READERS else 404


def _funding_edit(case: Case, role: str) -> int:
    return _web_edit(case, role) if _funding_visible(case, role) == 200 else 404


def _api_funding_update(case: Case, role: str) -> int:
    return _api_update(case, role) if _funding_visible(case, role) == 200 else 404


def _api_funding_transition(case: Case, role: str) -> int:
    return _api_transition(case, role) if _funding_visible(case, role) == 200 else 404


def _api_funding_readers(case: Case, role: str) -> int:
    return 200 if role in FUNDING_READERS else 403


def _scan_file(case: Case, role: str) -> int:
    return 200 if "submitted" in case.labels else 404  # the file belongs to that scan


def _upstream_keepers(case: Case, role: str) -> bool:
    # Team A's contribution or role: its team, the office and administrators keep it.
    return role in TEAM_A or role in (OFFICE, ADMIN)


def _upstream_web(case: Case, role: str) -> int:
    return 302 if _upstream_keepers(case, role) else 403  # done or refused with a message


def _upstream_api(case: Case, role: str) -> int:
    # The probes are valid in shape but not in content (a merged issue, a future day, a
    # closed day missing): team A's side is refused by the service, the others for the role.
    return 422 if _upstream_keepers(case, role) else 403


def _upstream_import(case: Case, role: str) -> int:
    return 422 if role in (OFFICE, ADMIN) else 403  # `{}` is not the CSV header


ADMINS = frozenset({ADMIN})
OFFICE_ONLY = frozenset({OFFICE})
OFFICE_AND_ADMINS = frozenset({OFFICE, ADMIN})
PRODUCT_EDITORS = frozenset({COMPLIANCE, ADMIN})

EXPECTED: dict[str, Expect] = {
    "static": Expect(PUBLIC, {"GET": 200}),
    "bootstrap.static": Expect(PUBLIC, {"GET": 200}),
    "main.healthz": Expect(PUBLIC, {"GET": 200}),
    "auth.login": Expect(PUBLIC, {"GET": 302, "POST": 302},  # signed in: to the home page
                         {(ANON, "GET"): 200, (ANON, "POST"): 400}),
    "auth.logout": Expect(LOGIN, {"POST": 302}),
    "main.home": Expect(LOGIN, {"GET": 200}),
    "auth.tokens": Expect(LOGIN, {"GET": 200, "POST": 200}),
    "auth.revoke_token": Expect(LOGIN, {"POST": 302}),
    "admin.users": Expect(ADMINS, {"GET": 200}),
    "admin.new_user": Expect(ADMINS, {"GET": 200, "POST": 200}),
    "admin.edit_user": Expect(ADMINS, {"GET": 200, "POST": 200}),
    "admin.teams": Expect(ADMINS, {"GET": 200}),
    "admin.edit_team": Expect(ADMINS, {"GET": 200, "POST": 200}),
    "adoption.index": Expect(LOGIN, {"GET": 200}),
    "adoption.new": Expect(LOGIN, {"GET": 200, "POST": 200}),
    "adoption.detail": Expect(LOGIN, {"GET": 200}),
    "adoption.edit": Expect(LOGIN, {"GET": _web_edit, "POST": _web_edit}),
    "adoption.compare": Expect(LOGIN, {"GET": _compare}),
    "workflow.show": Expect(LOGIN, {"GET": 302}),
    "workflow.step": Expect(LOGIN, {"POST": _web_step}),
    "workflow.comment": Expect(LOGIN, {"POST": 422}),  # the empty comment is shown again
    "workflow.assign": Expect(OFFICE_ONLY, {"POST": 302}),
    "workflow.queue": Expect(OFFICE_ONLY, {"GET": 200}),
    "audit.index": Expect(OFFICE_AND_ADMINS, {"GET": 200}),
    "audit.export_csv": Expect(OFFICE_AND_ADMINS, {"GET": 200}),
    "api-docs.openapi_json": Expect(PUBLIC, {"GET": 200}),
    "api_docs.index": Expect(PUBLIC, {"GET": 200}),
    "office.dashboard": Expect(OFFICE_ONLY, {"GET": 200}),
    "api_docs.asset": Expect(PUBLIC, {"GET": 200}),
    "api_me.me": Expect(API, {"GET": 200}),
    "api_adoption.list_requests": Expect(API, {"GET": 200}),
    "api_adoption.create_request": Expect(API, {"POST": 422}),
    "api_adoption.get_request": Expect(API, {"GET": 200}),
    "api_adoption.update_request": Expect(API, {"PATCH": _api_update}),
    "api_requests.add_comment": Expect(API, {"POST": 201}),
    "api_requests.list_events": Expect(API, {"GET": 200}),
    "api_requests.fire_transition": Expect(API, {"POST": _api_transition}),
    # Empty form: refused with a message (no source, or not allowed), back to the request.
    "policies.show": Expect(LOGIN, {"GET": 200}),
    # An empty proposed policy is refused with a message.
    "policies.diff": Expect(frozenset({OFFICE, COMPLIANCE, ADMIN}), {"GET": 200, "POST": 422}),
    "waivers.index": Expect(LOGIN, {"GET": 200}),
    "waivers.grant": Expect(OFFICE_ONLY, {"POST": 422}),  # the empty form is shown again
    "clearing.conclude": Expect(OFFICE_ONLY, {"POST": 422}),  # the empty form, again
    "clearing.dismiss": Expect(OFFICE_ONLY, {"POST": 422}),
    "clearing.withdraw": Expect(OFFICE_ONLY, {"POST": 302}),  # nothing concluded: a message
    "clearing.restore": Expect(OFFICE_ONLY, {"POST": 404}),  # no such dismissal
    "clearing.changed": Expect(OFFICE_ONLY, {"GET": 200}),
    "maturity.review": Expect(LOGIN, {"GET": 200, "POST": _maturity_post}),
    "scans.start": Expect(LOGIN, {"POST": 302}),
    "scans.status": Expect(LOGIN, {"GET": 200}),
    "scans.show": Expect(LOGIN, {"GET": 200}),
    "scans.files": Expect(LOGIN, {"GET": 200}),
    "scans.file": Expect(LOGIN, {"GET": _scan_file}),
    "api_reviews.get_review": Expect(API, {"GET": 200}),
    # The probes are valid in shape: the office's is refused by the service (an unknown
    # reason code; nothing concluded to withdraw), everyone else's for the role.
    "api_clearing.get_conclusion": Expect(API, {"GET": 200}),
    "api_clearing.put_conclusion": Expect(API, {"PUT": _api_office_only}),
    "api_clearing.delete_conclusion": Expect(API, {"DELETE": _api_office_only}),
    "api_compliance.list_products": Expect(API, {"GET": 200}),
    "api_compliance.export": Expect(API, {"GET": 422}),  # no format
    "api_compliance.gate": Expect(API, {"POST": 422}),
    "api_compliance.import_sbom": Expect(API, {"POST": 422}),
    "inventory.index": Expect(LOGIN, {"GET": 200}),
    "inventory.export": Expect(LOGIN, {"GET": 302}),  # no format: back with a message
    "inventory.products": Expect(LOGIN, {"GET": 200}),
    "inventory.product": Expect(LOGIN, {"GET": 200}),
    # The empty form is shown again with its errors.
    "inventory.edit_product": Expect(PRODUCT_EDITORS, {"GET": 200, "POST": 200}),
    # Team A's product: its team and the office, compliance and admins check it; an empty
    # upload goes back with a message.
    "sbom_imports.upload": Expect(LOGIN, {"POST": 302}, {(OTHER_ENGINEER, "POST"): 403}),
    "sbom_imports.show": Expect(LOGIN, {"GET": 200}, {(OTHER_ENGINEER, "GET"): 403}),
    "sbom_imports.drafts": Expect(LOGIN, {"POST": 302}),  # nothing ticked: back
    "github.index": Expect(LOGIN, {"GET": 200}),
    "github.new": Expect(LOGIN, {"GET": 200, "POST": 200}),  # no kind: the kinds to choose
    "github.detail": Expect(LOGIN, {"GET": 200}),
    "github.status": Expect(LOGIN, {"GET": 200}),
    "github.edit": Expect(LOGIN, {"GET": _web_edit, "POST": _web_edit}),
    # Empty forms (no archive, no reason) and refusals go back to the request with a message.
    "github.upload": Expect(LOGIN, {"POST": 302}),
    "github.waive": Expect(LOGIN, {"POST": 302}),
    "github.withdraw_waiver": Expect(LOGIN, {"POST": 302}),
    "github.retry": Expect(LOGIN, {"POST": 302}),
    "api_github.list_requests": Expect(API, {"GET": 200}),
    "api_github.create_request": Expect(API, {"POST": 422}),
    "api_github.get_request": Expect(API, {"GET": 200}),
    "api_github.update_request": Expect(API, {"PATCH": _api_update}),
    "api_github.upload_code": Expect(API, {"POST": 422}),  # no archive
    "api_github.fire_transition": Expect(API, {"POST": _api_transition}),
    "api_github.waive_check": Expect(API, {"POST": _api_github_waive}),
    "api_github.withdraw_waiver": Expect(API, {"DELETE": 404}),  # only missing ids exist
    "api_github.retry_provisioning": Expect(API, {"POST": _api_github_retry}),
    "funding.suggestions_page": Expect(frozenset({OFFICE, COMPLIANCE, ADMIN}), {"GET": 200}),
    # No amount: refused before the role is looked at.
    "api_funding.get_suggestions": Expect(API, {"GET": 422}),
    "funding.index": Expect(FUNDING_READERS, {"GET": 200}),
    "funding.set_budget": Expect(OFFICE_ONLY, {"POST": 422}),  # the empty form, again
    "funding.draft_suggestions": Expect(OFFICE_ONLY, {"POST": 302}),
    "funding.pledge_page": Expect(FUNDING_READERS, {"GET": 200}),
    "funding.pledge_report": Expect(FUNDING_READERS, {"GET": 200}),
    "funding.export_csv": Expect(FUNDING_READERS, {"GET": 200}),
    "funding.proposals": Expect(LOGIN, {"GET": 200}),
    "funding.new": Expect(LOGIN, {"GET": 200, "POST": 200}),  # the empty form, again
    "funding.detail": Expect(LOGIN, {"GET": _funding_visible}),
    "funding.edit": Expect(LOGIN, {"GET": _funding_edit, "POST": _funding_edit}),
    "api_funding_proposals.list_proposals": Expect(API, {"GET": 200}),
    "api_funding_proposals.create_proposal": Expect(API, {"POST": 422}),
    "api_funding_proposals.get_proposal": Expect(API, {"GET": _funding_visible}),
    "api_funding_proposals.update_proposal": Expect(API, {"PATCH": _api_funding_update}),
    "api_funding_proposals.fire_transition": Expect(API, {"POST": _api_funding_transition}),
    "api_funding.draft_suggestions": Expect(API, {"POST": 422}),
    "api_funding.get_budget": Expect(API, {"GET": _api_funding_readers}),
    # The probe's currency is not the budget's: the office is refused by the service.
    "api_funding.put_budget": Expect(API, {"PUT": _api_office_only}),
    "api_funding.get_pledge": Expect(API, {"GET": _api_funding_readers}),
    "api_funding.get_pledge_report": Expect(API, {"GET": _api_funding_readers}),
    "advisories.index": Expect(LOGIN, {"GET": 200}),
    "advisories.import_records": Expect(OFFICE_ONLY, {"POST": 302}),  # no file: a message
    "advisories.finding": Expect(LOGIN, {"GET": 200}),
    "advisories.analyse": Expect(OFFICE_ONLY, {"POST": 422}),  # the empty form, again
    "upstream.contributions": Expect(LOGIN, {"GET": 200}),
    "upstream.new_contribution": Expect(LOGIN, {"GET": 200, "POST": 422}),  # the empty form
    "upstream.change_state": Expect(LOGIN, {"POST": _upstream_web}),
    "upstream.import_contributions": Expect(OFFICE_AND_ADMINS, {"GET": 200, "POST": 422}),
    "upstream.community_roles": Expect(LOGIN, {"GET": 200}),
    "upstream.add_role": Expect(LOGIN, {"POST": 422}),  # the empty form, again
    "upstream.end_role": Expect(LOGIN, {"POST": _upstream_web}),
    "api_upstream.list_contributions": Expect(API, {"GET": 200}),
    "api_upstream.create_contribution": Expect(API, {"POST": _upstream_api}),
    "api_upstream.update_contribution": Expect(API, {"PATCH": _upstream_api}),
    "api_upstream.get_summary": Expect(API, {"GET": 200}),
    "api_upstream.import_contributions": Expect(API, {"POST": _upstream_import}),
    "api_upstream.list_roles": Expect(API, {"GET": 200}),
    "api_upstream.create_role": Expect(API, {"POST": _upstream_api}),
    "api_advisories.post_advisory": Expect(API, {"POST": 422}),
    "api_advisories.get_affected": Expect(API, {"GET": 200}),
    # The probe's not_affected has no justification: the office is refused by the service.
    "api_advisories.patch_finding": Expect(API, {"PATCH": _api_office_only}),
    "lifecycle.component": Expect(LOGIN, {"GET": 200}),
    "lifecycle.record_update": Expect(LOGIN, {"POST": 422}),  # the empty form, again
    "lifecycle.due": Expect(LOGIN, {"GET": 200}),
    "lifecycle.dashboard": Expect(LOGIN, {"GET": 200}),
    "patches.index": Expect(LOGIN, {"GET": 200}),
    "patches.new": Expect(LOGIN, {"GET": 200, "POST": 422}),
    "patches.detail": Expect(LOGIN, {"GET": 200}),
    "patches.download": Expect(LOGIN, {"GET": 200}),
    "patches.confirm": Expect(LOGIN, {"POST": _patch_keepers}),
    "patches.remove": Expect(LOGIN, {"POST": _patch_keepers}),
    "patches.approve": Expect(OFFICE_ONLY, {"POST": 422}),
    "patches.edit": Expect(LOGIN, {"GET": _patch_editors, "POST": _patch_keepers}),
    "api_lifecycle.get_overdue": Expect(API, {"GET": 200}),
    "api_lifecycle.post_update": Expect(API, {"POST": 422}),
    "api_lifecycle.get_patches": Expect(API, {"GET": 200}),
    "api_lifecycle.post_patch": Expect(API, {"POST": 422}),
    "api_lifecycle.confirm_patch": Expect(API, {"POST": _api_patch_confirm}),
    "api_lifecycle.approve_patch": Expect(API, {"POST": _api_patch_approve}),
    "api_lifecycle.patch_patch": Expect(API, {"PATCH": _api_patch_edit}),
    "api_scans.start_scan": Expect(API, {"POST": 422}),
    "api_scans.get_scan": Expect(API, {"GET": 200}),
    "api_scans.list_scan_files": Expect(API, {"GET": 200}),
}

# API writes whose body is optional: the empty one is not refused as such.
BODY_OPTIONAL = {"api_github.retry_provisioning",
                 "api_upstream.import_contributions",  # a CSV body: the service reads it
                 "api_lifecycle.patch_patch"}  # a partial change: {} changes nothing

# Bodies sent to API writes besides the empty one: valid in shape, so that the visibility and
# permission checks behind the schema run; none of them changes a request.
API_PROBES = {
    "api_adoption.update_request": lambda w: {"team": w.team_a.id, "usage_context": "internal",
                                              "linking": "dynamic", "version": 0},
    "api_requests.add_comment": lambda w: {"body": "From the route grid."},
    "api_requests.fire_transition": lambda w: {"version": 0},
    "api_github.update_request": lambda w: {"kind": "join_org", "team": w.team_a.id,
                                            "org": "example-corp", "username": "someone",
                                            "version": 0},
    "api_github.fire_transition": lambda w: {"version": 0},
    "api_github.waive_check": lambda w: {"rule": "secrets.detected", "path": "a.py",
                                         "reason": "Route grid."},
    "api_github.retry_provisioning": lambda w: {"version": 0},
    "api_github.withdraw_waiver": lambda w: {"reason": "Route grid."},
    "api_funding_proposals.update_proposal": lambda w: {
        "team": w.team_a.id, "funding_kind": "donation", "foundation": "psf", "version": 0},
    "api_funding_proposals.fire_transition": lambda w: {"version": 0},
    "api_funding.put_budget": lambda w: {"amount": "1", "currency": "EUR"},
    "api_upstream.create_contribution": lambda w: {
        "url": "https://github.com/example/grid/issues/2", "team": w.team_a.id, "kind": "issue",
        "state": "merged", "project": "pkg:pypi/grid", "opened_on": "2024-01-01",
        "closed_on": "2024-01-02"},
    "api_upstream.update_contribution": lambda w: {"state": "closed"},
    "api_upstream.create_role": lambda w: {
        "project": "pkg:pypi/grid", "role": "reviewer", "since": "2999-01-01",
        "person_name": "Route Grid", "team": w.team_a.id},
    "api_advisories.patch_finding": lambda w: {"state": "not_affected"},
    "api_lifecycle.confirm_patch": lambda w: {"still_needed": True},
    "api_lifecycle.approve_patch": lambda w: {"reason": "Route grid."},
    "api_lifecycle.patch_patch": lambda w: {"title": "Route grid patch"},
    "api_clearing.put_conclusion": lambda w: {"expression": "MIT", "reason": "Route grid.",
                                              "reason_code": "no-such-code"},
    "api_clearing.delete_conclusion": lambda w: {"reason": "Route grid."},
}

# Query strings tried on a route, as (labels they carry, template filled from the world).
QUERIES = {
    "adoption.compare": [
        ((), ""),
        (("submitted", "team B's"), "?ids={submitted}&ids={foreign}"),
        (("submitted", "draft"), "?ids={submitted}&ids={draft}"),
        (("submitted", "missing"), f"?ids={{submitted}}&ids={MISSING}"),
    ],
}

STATIC_FILES = {"static": "app.css", "bootstrap.static": "css/bootstrap.min.css"}


# --- the world ------------------------------------------------------------------------------
