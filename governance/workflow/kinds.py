"""The registry of request kinds: each kind declares itself once, from its package's
init_app(), called by the app factory.

A kind is its model (a subclass of Request), its label, its decision rules, its detail page
and, optionally, its demo data. The registry lives on the app (no module-level state), and a
kind that is not registered cannot be decided: the workflow fails closed, never open.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from flask import Flask, current_app, url_for

from governance.errors import IllegalTransition

if TYPE_CHECKING:
    from governance.auth.models import User
    from governance.states import Transition
    from governance.workflow.models import Request

EXTENSION = "governance.request_kinds"


@dataclass(frozen=True)
class DecisionRules:
    """What a kind adds to the office's decisions.

    check(request, step, inputs) -> {field: message}: reasons the decision cannot be taken
    now; `inputs` are the kind's own fields of the decision form (e.g. without_scan_reason);
    record(request, step, actor, inputs) -> dict: called after the state change, in the same
    transaction, to keep what the decision was based on; returns fields for the audit event.
    blocking: the fields whose message means the request is not ready for this decision (the
    API answers 409 rather than 422);
    after(request, step, actor, inputs): optional, once the state change is flushed (so a
    concurrent step was detected first): the work that creates rows (a renewal's successor).
    They run for decisions and for the kind's own steps (RequestKind.own_steps)."""

    check: Callable[["Request", "Transition", dict], dict[str, str]]
    record: Callable[["Request", "Transition", "User | None", dict], dict]
    blocking: frozenset[str] = frozenset()
    after: Callable[["Request", "Transition", "User | None", dict], None] | None = None


@dataclass(frozen=True)
class RequestKind:
    name: str  # the model's polymorphic identity, stored in requests.kind
    label: str
    model: type
    decision_rules: DecisionRules
    # The kind's own page of one request: its endpoint (with `request_id`) and a renderer
    # render_detail(item, **panel) the shared workflow views use to show a failed step again.
    detail_endpoint: str
    render_detail: Callable[..., str]
    # Its requests name a package in a usage context, judged by the license policy (policy diff).
    reviews_license: bool = False
    # How its requests read in the API (a subclass of workflow.schemas.RequestSchema), and its
    # own /api/v1 endpoints (a flask-smorest Blueprint): api.init_app registers and guards it.
    api_schema: type | None = None
    api_blueprint: object | None = None
    # Its requests take "Scan the source" (a purl, a URL or an archive); False for a kind that
    # takes its code its own way (GitHub publications: an upload with its checks).
    scans_source: bool = True
    # An approval may carry an expiry date (a funding proposal's term is its own instead).
    approvals_expire: bool = True
    # The kind-specific steps (Transition.kind_specific) its requests take: record_payment.
    own_steps: frozenset[str] = frozenset()
    # load_demo(users: dict[str, User], products: dict[str, Product]) -> None, for `flask demo`.
    load_demo: Callable[..., None] | None = None


class UnregisteredKind(IllegalTransition):
    """A request whose kind the app does not know: nothing may be decided on it."""


def init_app(app: Flask) -> None:
    app.extensions.setdefault(EXTENSION, {})


def register(app: Flask, kind: RequestKind) -> None:
    identity = kind.model.__mapper__.polymorphic_identity
    if identity != kind.name:
        raise ValueError(f"kind {kind.name!r} names a model whose identity is {identity!r}")
    registry = app.extensions.setdefault(EXTENSION, {})
    if kind.name in registry:
        raise ValueError(f"request kind {kind.name!r} is registered twice")
    registry[kind.name] = kind


def registered() -> dict[str, RequestKind]:
    return current_app.extensions.get(EXTENSION, {})


def kind_of(name: str) -> RequestKind:
    kind = registered().get(name)
    if kind is None:
        raise UnregisteredKind(f"Requests of the kind “{name}” are not known to this app; "
                               "nothing can be decided on them.")
    return kind


def takes_step(item: "Request", step: "Transition") -> bool:
    """Whether requests of this kind have the step at all (shared steps: every kind)."""
    return not step.kind_specific or step.name in kind_of(item.kind).own_steps


def detail_url(item: "Request") -> str:
    return url_for(kind_of(item.kind).detail_endpoint, request_id=item.id)


def render_detail(item: "Request", **panel) -> str:
    return kind_of(item.kind).render_detail(item, **panel)
