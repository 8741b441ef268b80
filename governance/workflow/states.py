"""The states every reviewable request moves through, and which named transition goes where.

Pure: no Flask, no database. Adoption requests use it today; GitHub organization requests and
funding proposals reuse the same machine with their own fields.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class State(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes_requested"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES

    @property
    def is_decided(self) -> bool:
        return self in DECIDED_STATES


STATE_LABELS = {
    State.DRAFT: "Draft",
    State.SUBMITTED: "Submitted",
    State.IN_REVIEW: "In review",
    State.APPROVED: "Approved",
    State.APPROVED_WITH_CONDITIONS: "Approved with conditions",
    State.REJECTED: "Rejected",
    State.CHANGES_REQUESTED: "Changes requested",
    State.WITHDRAWN: "Withdrawn",
}

OPEN_STATES = frozenset({State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED})
DECIDED_STATES = frozenset({State.APPROVED, State.APPROVED_WITH_CONDITIONS, State.REJECTED})
# States whose fields the requester may still change.
EDITABLE_STATES = frozenset({State.DRAFT, State.SUBMITTED, State.CHANGES_REQUESTED})


class Actor(str, enum.Enum):
    """Who may fire a transition: the request's side or the office's side."""

    REQUESTER = "requester"
    OFFICE = "office"
    # The app itself, on a schedule (a lapsed waiver); never offered to a person.
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[State]
    target: State
    actor: Actor
    # The event recorded in the audit trail ("submitted", "approved", ...).
    event: str
    needs_reason: bool = False
    is_decision: bool = False


def _t(name, label, sources, target, actor, event, **kw) -> Transition:
    return Transition(name, label, frozenset(sources), target, actor, event, **kw)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("submit", "Submit", {State.DRAFT}, State.SUBMITTED, Actor.REQUESTER, "submitted"),
        _t("resubmit", "Resubmit", {State.CHANGES_REQUESTED}, State.SUBMITTED,
           Actor.REQUESTER, "resubmitted"),
        _t("withdraw", "Withdraw",
           {State.DRAFT, State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED},
           State.WITHDRAWN, Actor.REQUESTER, "withdrawn"),
        _t("start_review", "Start review", {State.SUBMITTED}, State.IN_REVIEW,
           Actor.OFFICE, "review_started"),
        _t("approve", "Approve", {State.IN_REVIEW}, State.APPROVED, Actor.OFFICE,
           "approved", needs_reason=True, is_decision=True),
        _t("approve_with_conditions", "Approve with conditions", {State.IN_REVIEW},
           State.APPROVED_WITH_CONDITIONS, Actor.OFFICE, "approved_with_conditions",
           needs_reason=True, is_decision=True),
        _t("reject", "Reject", {State.IN_REVIEW}, State.REJECTED, Actor.OFFICE, "rejected",
           needs_reason=True, is_decision=True),
        _t("request_changes", "Request changes", {State.IN_REVIEW}, State.CHANGES_REQUESTED,
           Actor.OFFICE, "changes_requested", needs_reason=True),
        _t("reopen", "Back to review", {State.APPROVED, State.APPROVED_WITH_CONDITIONS},
           State.IN_REVIEW, Actor.SYSTEM, "approval_reopened", needs_reason=True),
    )
}

# The steps a person may take (the API and the pages offer only these).
PERSON_TRANSITIONS = {n: t for n, t in TRANSITIONS.items() if t.actor != Actor.SYSTEM}


def transitions_from(state: State, actor: Actor | None = None) -> list[Transition]:
    """The transitions that leave `state`, optionally only those of one side."""
    return [
        t for t in TRANSITIONS.values()
        if state in t.sources and (actor is None or t.actor == actor)
    ]
