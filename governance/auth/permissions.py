"""Who may do what: every rule once.

Each rule is a function `why_not(user, ...) -> str | None` (None: allowed; otherwise the reason
a person is shown). A Rule makes from it both the yes/no question that pages and templates ask
(`rule(user, ...)`, so no button is offered that a service would refuse) and the raising check
that services and the API call (`rule.require(user, ...)`, NotAllowed with that reason).

Rules read plain attributes of the objects they are given (a request's requester_id and
team_id, a product's team_id), so this module imports no domain and every domain can use it.
Whether the object's *state* allows a step is the service's question, not this module's.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Callable

from flask import abort
from flask_login import current_user, login_required

from governance.auth.roles import Role
from governance.errors import DomainError, NotAllowed, NotFound
from governance.states import Actor, State


@dataclass(frozen=True)
class Rule:
    why_not: Callable[..., str | None]
    error: type[DomainError] = NotAllowed

    def __call__(self, user, *args) -> bool:
        return user is not None and getattr(user, "is_authenticated", True) \
            and self.why_not(user, *args) is None

    def require(self, user, *args) -> None:
        reason = self.why_not(user, *args)
        if reason is not None:
            raise self.error(reason)

    @property
    def __name__(self) -> str:
        return self.why_not.__name__


def rule(error: type[DomainError] = NotAllowed):
    def make(why_not: Callable[..., str | None]) -> Rule:
        return Rule(why_not, error)
    return make


def is_requester_side(user, request) -> bool:
    return user.id == request.requester_id or request.team_id in user.team_ids()


# --- requests ---------------------------------------------------------------------------------

@rule(NotFound)
def view_request(user, request) -> str | None:
    """Drafts only for their author and team; everything else for everyone signed in."""
    if request.state == State.DRAFT and not is_requester_side(user, request):
        return "No such request, or you cannot see it."
    if request.readers is not None and user.role not in request.readers \
            and not is_requester_side(user, request):
        return "No such request, or you cannot see it."
    return None


@rule()
def edit_request(user, request) -> str | None:
    if not is_requester_side(user, request):
        return "Only the requester and their team can edit this request."
    return None


@rule()
def take_step(user, request, step) -> str | None:
    """A workflow step: the requester's side takes theirs, the office its own (never on its own
    request), and the app alone its system steps."""
    if step.actor == Actor.SYSTEM:
        return "Only the app itself takes this step."
    if step.actor == Actor.REQUESTER:
        return None if is_requester_side(user, request) else \
            "Only the requester and their team can do this."
    if user.role != Role.OSS_OFFICE:
        return "Only the OSS office can do this."
    if user.id == request.requester_id:
        return "You cannot review or decide your own request."
    return None


@rule()
def office_work(user, request, doing: str = "do this") -> str | None:
    """The office's work on a request (a decision, a waiver, a maturity review): only the
    office, never on its own request."""
    if user.role != Role.OSS_OFFICE:
        return f"Only the OSS office can {doing}."
    if user.id == request.requester_id:
        return f"You cannot {doing} on your own request."
    return None


@rule()
def work_the_queue(user) -> str | None:
    """The review queue and reviewer assignments."""
    return None if user.role == Role.OSS_OFFICE else "Only the OSS office does this."


@rule()
def start_scan(user, request) -> str | None:
    if request.state == State.WITHDRAWN or view_request.why_not(user, request) or not (
            is_requester_side(user, request) or user.role == Role.OSS_OFFICE):
        return "Only the requester's team and the OSS office can scan this request."
    return None


# --- rules, waivers, products, SBOMs ----------------------------------------------------------

@rule()
def manage_waivers(user) -> str | None:
    return None if user.role == Role.OSS_OFFICE else "Only the OSS office manages waivers."


@rule()
def conclude_license(user) -> str | None:
    """Concluding a package version's license and dismissing its detections."""
    return None if user.role == Role.OSS_OFFICE else \
        "Only the OSS office concludes licenses."


@rule()
def preview_policy_change(user) -> str | None:
    if user.role in (Role.OSS_OFFICE, Role.COMPLIANCE, Role.ADMIN):
        return None
    return "Only the OSS office, compliance and administrators preview policy changes."


@rule()
def manage_products(user) -> str | None:
    if user.role in (Role.COMPLIANCE, Role.ADMIN):
        return None
    return "Only compliance and administrators manage products."


@rule()
def check_sbom(user, product) -> str | None:
    """A product's own team checks its SBOMs; compliance, the office and admins check any."""
    if user.role in (Role.COMPLIANCE, Role.OSS_OFFICE, Role.ADMIN) \
            or product.team_id in user.team_ids():
        return None
    return (f"Only {product.team.name}, compliance and the OSS office check "
            f"{product.name}'s SBOMs.")


@rule()
def draft_for_product(user, product) -> str | None:
    """Draft requests from a product's SBOM check: only its own team requests for it."""
    if product.team_id in user.team_ids():
        return None
    return f"Only members of {product.team.name} can request packages for {product.name}."


@rule()
def read_funding(user) -> str | None:
    """Funding suggestions, budgets and the Pledge figure: the office decides, compliance and
    administrators read along."""
    if user.role in (Role.OSS_OFFICE, Role.COMPLIANCE, Role.ADMIN):
        return None
    return "Only the OSS office, compliance and administrators see funding."


@rule()
def manage_funding(user) -> str | None:
    """Set a year's budget, draft proposals from the suggestions: the office's own work."""
    if user.role == Role.OSS_OFFICE:
        return None
    return "Only the OSS office manages the funding budget."


@rule()
def manage_advisories(user) -> str | None:
    """Import advisories and triage their findings: the office's work."""
    if user.role == Role.OSS_OFFICE:
        return None
    return "Only the OSS office imports advisories and triages findings."


@rule()
def record_upstream(user, team) -> str | None:
    """Upstream contributions are their team's record: its members add them and change their
    state; the office and administrators for any team."""
    if user.role in (Role.OSS_OFFICE, Role.ADMIN) or team.id in user.team_ids():
        return None
    return f"Only members of {team.name} (or the OSS office) record its upstream work."


@rule()
def record_community_role(user, team, person_id=None) -> str | None:
    """A community role: for one of your teams, or your own; the office and administrators
    record anyone's."""
    if user.role in (Role.OSS_OFFICE, Role.ADMIN):
        return None
    if team is not None:
        return record_upstream.why_not(user, team)
    if person_id == user.id:
        return None
    return "Choose one of your teams: only the OSS office records someone else's role alone."


@rule()
def import_contributions(user) -> str | None:
    """A CSV of upstream contributions, for every team at once: the office and admins."""
    if user.role in (Role.OSS_OFFICE, Role.ADMIN):
        return None
    return "Only the OSS office and administrators import upstream contributions."


@rule()
def record_patch(user, team) -> str | None:
    """A local patch is the team's: its members record it; the office for any team."""
    if user.role == Role.OSS_OFFICE or team.id in user.team_ids():
        return None
    return "Only the team that carries the patch (or the OSS office) records it."


@rule()
def edit_patch(user, patch) -> str | None:
    """Edit, re-confirm or remove a patch: its team and the office."""
    if user.role == Role.OSS_OFFICE or patch.team_id in user.team_ids():
        return None
    return "Only the team that carries the patch (or the OSS office) changes it."


@rule()
def manage_patches(user) -> str | None:
    """Approve a permanent patch and review it yearly: the office's work."""
    if user.role == Role.OSS_OFFICE:
        return None
    return "Only the OSS office approves and reviews permanent patches."


# --- the app ----------------------------------------------------------------------------------

@rule()
def administer(user) -> str | None:
    """Users and teams."""
    return None if user.role == Role.ADMIN else "Only administrators can do this."


@rule()
def read_audit(user) -> str | None:
    if user.role in (Role.OSS_OFFICE, Role.ADMIN):
        return None
    return "Only the OSS office and administrators read the audit trail."


def requires(permission: Rule):
    """A view decorator: signed in, and `permission` (a rule of the user alone) holds; 403
    otherwise."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not permission(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
