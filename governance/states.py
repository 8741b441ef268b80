"""The states every reviewable request moves through, and which named transition goes where.

Pure: no Flask, no database, so the pure core (compliance) reads the same vocabulary as the
workflow. What a step does beyond moving state (needs a reason or conditions, is a decision,
claims the review) is data on its Transition row; the workflow service reads it, never a name.
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
    # Funding proposals after approval: the money went out, and a term that ends comes back.
    PAID = "paid"
    RENEWAL_DUE = "renewal_due"
    RENEWED = "renewed"
    ENDED = "ended"
    # An approved version a recorded update replaced, once its successor was approved.
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES

    @property
    def is_decided(self) -> bool:
        return self in DECIDED_STATES

    @property
    def is_approved(self) -> bool:
        return self in APPROVED_STATES

    @property
    def is_kind_specific(self) -> bool:
        """Only some kinds reach it: other kinds' state filters leave it out."""
        return self in KIND_SPECIFIC_STATES

    @property
    def follows_approval(self) -> bool:
        """A state an approval led to (a funding proposal paid, renewed; a version updated)."""
        return self in AFTER_APPROVAL_STATES

    @property
    def tone(self) -> str:
        """How the state reads at a glance (a badge's colour): see web.badges.TONES."""
        return STATE_TONES[self]


STATE_LABELS = {
    State.DRAFT: "Draft",
    State.SUBMITTED: "Submitted",
    State.IN_REVIEW: "In review",
    State.APPROVED: "Approved",
    State.APPROVED_WITH_CONDITIONS: "Approved with conditions",
    State.REJECTED: "Rejected",
    State.CHANGES_REQUESTED: "Changes requested",
    State.WITHDRAWN: "Withdrawn",
    State.PAID: "Paid",
    State.RENEWAL_DUE: "Renewal due",
    State.RENEWED: "Renewed",
    State.ENDED: "Ended",
    State.SUPERSEDED: "Updated since",
}

STATE_TONES = {
    State.DRAFT: "neutral", State.SUBMITTED: "active", State.IN_REVIEW: "info",
    State.APPROVED: "positive", State.APPROVED_WITH_CONDITIONS: "positive",
    State.REJECTED: "negative", State.CHANGES_REQUESTED: "attention", State.WITHDRAWN: "closed",
    State.PAID: "positive", State.RENEWAL_DUE: "attention", State.RENEWED: "closed",
    State.ENDED: "closed", State.SUPERSEDED: "closed",
}

# "Approved" is these two states, everywhere: decisions, inventory, waivers, the gate.
APPROVED_STATES = frozenset({State.APPROVED, State.APPROVED_WITH_CONDITIONS})
OPEN_STATES = frozenset({State.SUBMITTED, State.IN_REVIEW, State.CHANGES_REQUESTED})
# The office's queue: waiting for or under review.
QUEUE_STATES = frozenset({State.SUBMITTED, State.IN_REVIEW})
DECIDED_STATES = APPROVED_STATES | {State.REJECTED}
# A funding proposal whose money went out (counted as paid against its year's budget).
PAID_STATES = frozenset({State.PAID, State.RENEWAL_DUE, State.RENEWED, State.ENDED})
# States an approval led to: the approval's decision still stands on record.
AFTER_APPROVAL_STATES = PAID_STATES | {State.SUPERSEDED}
# States only some kinds reach (a list filter of another kind leaves them out).
KIND_SPECIFIC_STATES = PAID_STATES | {State.SUPERSEDED}
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
    # A decision stamps decided_at/by, keeps the reason and runs the kind's decision rules.
    is_decision: bool = False
    # Approvals with conditions must state them.
    needs_conditions: bool = False
    # Starting the review makes the actor the reviewer when nobody is assigned yet.
    claims_review: bool = False
    # How its button reads: "negative" for the steps that end or refuse a request.
    tone: str = "active"
    # Only the kinds that list it (RequestKind.own_steps) take it (record a payment).
    kind_specific: bool = False
    # The decision form's fields it takes beyond reason and conditions (by name).
    inputs: tuple[str, ...] = ()

    @property
    def approves(self) -> bool:
        return self.target in APPROVED_STATES


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
           State.WITHDRAWN, Actor.REQUESTER, "withdrawn", tone="negative"),
        _t("start_review", "Start review", {State.SUBMITTED}, State.IN_REVIEW,
           Actor.OFFICE, "review_started", claims_review=True),
        _t("approve", "Approve", {State.IN_REVIEW}, State.APPROVED, Actor.OFFICE,
           "approved", needs_reason=True, is_decision=True),
        _t("approve_with_conditions", "Approve with conditions", {State.IN_REVIEW},
           State.APPROVED_WITH_CONDITIONS, Actor.OFFICE, "approved_with_conditions",
           needs_reason=True, is_decision=True, needs_conditions=True),
        _t("reject", "Reject", {State.IN_REVIEW}, State.REJECTED, Actor.OFFICE, "rejected",
           needs_reason=True, is_decision=True, tone="negative"),
        _t("request_changes", "Request changes", {State.IN_REVIEW}, State.CHANGES_REQUESTED,
           Actor.OFFICE, "changes_requested", needs_reason=True),
        # Adoption requests after an update: the quick re-check approves a successor whose
        # licenses and obligations did not change, and the approved predecessor steps aside.
        _t("recheck_approve", "Approved by quick re-check", {State.SUBMITTED}, State.APPROVED,
           Actor.SYSTEM, "approved_by_recheck", needs_reason=True, is_decision=True,
           kind_specific=True),
        _t("supersede", "Updated", APPROVED_STATES, State.SUPERSEDED, Actor.SYSTEM,
           "superseded", needs_reason=True, kind_specific=True),
        _t("reopen", "Back to review", APPROVED_STATES,
           State.IN_REVIEW, Actor.SYSTEM, "approval_reopened", needs_reason=True),
        # Funding proposals: the payment, and the renewal of a term that ends.
        _t("record_payment", "Record payment", APPROVED_STATES, State.PAID, Actor.OFFICE,
           "payment_recorded", kind_specific=True, inputs=("reference", "paid_on")),
        _t("open_renewal", "Renewal due", {State.PAID}, State.RENEWAL_DUE, Actor.SYSTEM,
           "renewal_opened", needs_reason=True, kind_specific=True),
        _t("renew", "Renew", {State.RENEWAL_DUE}, State.RENEWED, Actor.OFFICE, "renewed",
           needs_reason=True, kind_specific=True),
        _t("end_funding", "End", {State.RENEWAL_DUE}, State.ENDED, Actor.OFFICE,
           "funding_ended", needs_reason=True, kind_specific=True, tone="negative"),
    )
}

# The steps a person may take (the API and the pages offer only these).
PERSON_TRANSITIONS = {n: t for n, t in TRANSITIONS.items() if t.actor != Actor.SYSTEM}

