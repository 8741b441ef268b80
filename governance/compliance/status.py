"""Where each component of an SBOM stands for one usage context: covered by an approval,
allowed by the license policy alone, waiting for a decision, rejected, or unknown.

The rules, in the order they win:
1. approved: an approval for this context that has not expired;
2. approved_with_conditions: the same, with conditions;
3. rejected: the office said no for this context, which beats what the policy alone would
   allow (nobody gets around a rejection because the license happens to be permissive);
4. allowed_by_policy: the declared license's verdict is allow and the policy lets allowed
   licenses in this context through without a request (`allow_without_request`);
5. pending: a request for this context that is not decided yet;
6. unknown: nothing of the above.
Only requests for the same context count: an approval for `internal` does not cover
`distributed` (it is named in the reason of a component that fails). Withdrawn requests are
ignored; an expired approval counts for nothing but is named in the reason.

When a product is given, a request for another product does not count either (a request
without a product is for any product); without one, every product's requests count.

The verdict is the policy's for the declared license in the context, each expression judged
once per call. A component without a license, or with one that cannot be read, gets "review":
it never passes on the policy's word alone.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from governance.compliance.index import (
    APPROVED_STATES,
    PENDING_STATES,
    KnownRequest,
    RequestIndex,
)
from governance.licensing.expressions import quote
from governance.licensing.license_names import spdx_for_name
from governance.licensing.policy import Evaluation, LicensePolicy, evaluate_text
from governance.rules.gate_scope import EVERYTHING, GateScope
from governance.sbom import SbomComponent, SbomDocument

# A component's status, most favourable first; how each reads at a glance (web.badges.TONES).
STATUS_TONES = {"approved": "positive", "approved_with_conditions": "positive",
                "allowed_by_policy": "info", "pending": "attention", "rejected": "negative",
                "unknown": "neutral", "out_of_scope": "neutral"}
STATUSES = tuple(STATUS_TONES)
# Out of scope (policies/gate.yaml: e.g. GitHub Actions an SBOM lists) never fails the gate.
PASSING = frozenset({"approved", "approved_with_conditions", "allowed_by_policy",
                     "out_of_scope"})
NO_LICENSE = "the SBOM states no license"
MAX_NAMES = 10

_WAITING = {"draft": "is a draft, not yet submitted", "submitted": "is submitted, awaiting review",
            "in_review": "is in review", "changes_requested": "awaits changes from its requester"}
_ALLOWED_ALONE = "allowed by policy: the license is allowed for {context}, no request needed"
# Expressions longer than this are cut in reasons (the explanation names what decided).
_SHOWN = 80


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    """One component's standing. `verdict` is the policy's for its declared license (always
    set by classify(): "review" when there is no readable license); `explanation` says which
    license decided it; `reason` says why the status, naming requests as #id; `requests` are
    the ids the reason names, the deciding request first."""

    component: SbomComponent
    status: str
    verdict: str | None
    explanation: str
    requests: tuple[int, ...]
    reason: str

    @property
    def passed(self) -> bool:
        return self.status in PASSING


def check_context(policy: LicensePolicy, context: str) -> None:
    """ValueError for a context the policy does not know."""
    if not isinstance(context, str) or context not in policy.contexts:
        raise ValueError(f"unknown usage context {context!r}; the policy knows "
                         f"{', '.join(policy.contexts)}")


def classify(components: SbomDocument | Iterable[SbomComponent], context: str,
             index: RequestIndex, policy: LicensePolicy, *, product: str | None = None,
             scope: GateScope = EVERYTHING) -> list[ComponentStatus]:
    """Each component's status for `context`, in the order given; those `scope` leaves out
    are "out_of_scope". ValueError for an unknown context (before anything is judged)."""
    return list(classify_each(components, context, index, policy, product=product,
                              scope=scope))


def classify_each(components: SbomDocument | Iterable[SbomComponent], context: str,
                  index: RequestIndex, policy: LicensePolicy, *, product: str | None = None,
                  scope: GateScope = EVERYTHING) -> Iterator[ComponentStatus]:
    """As classify(), one status at a time (an import writes them in batches)."""
    check_context(policy, context)
    return _statuses(components, context, index, policy, product, scope)


def _statuses(components, context: str, index: RequestIndex, policy: LicensePolicy,
              product: str | None, scope: GateScope) -> Iterator[ComponentStatus]:
    if isinstance(components, SbomDocument):
        components = components.components
    allow_alone = context in policy.allow_without_request
    verdicts: dict[str, tuple[str, str]] = {}
    for component in components:
        expression = component.license_expression
        named = ""
        if (expression is None or not expression.strip()) and component.license_names:
            expression, named = _from_names(component.license_names)
        if expression is None or not expression.strip():
            verdict, explanation = "review", _no_license(component)
        else:
            judged = verdicts.get(expression)
            if judged is None:
                judged = verdicts[expression] = _judge(policy, expression, context)
            verdict, explanation = judged
            if named:
                explanation = f"{named}; {explanation}"
        left_out = scope.excludes(component.purl, component.type)
        if left_out:
            yield ComponentStatus(component, "out_of_scope", verdict, explanation, (),
                                  f"out of the gate's scope: {left_out} (policies/gate.yaml)")
            continue
        yield _standing(component, verdict, explanation, context, product, allow_alone,
                        index.requests_for(component))


def counts(statuses: Iterable[ComponentStatus]) -> dict[str, int]:
    """How many components have each status, every status present (0 included), in
    STATUSES order."""
    tally = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        tally[status.status] += 1
    return tally


def _judge(policy: LicensePolicy, expression: str, context: str) -> tuple[str, str]:
    evaluation = evaluate_text(policy, expression, context)
    if not isinstance(evaluation, Evaluation):
        return "review", evaluation.reason
    return evaluation.verdict, _explain(evaluation)


def _explain(evaluation: Evaluation) -> str:
    """Which licenses decided: those relied on whose verdict is the expression's."""
    deciding = [lic for lic in evaluation.licenses
                if lic.relied_on and lic.verdict == evaluation.verdict]
    parts = [f"{lic.expression_spdx}: {lic.why}" for lic in deciding[:2]]
    if len(deciding) > 2:
        parts.append(f"and {len(deciding) - 2} more")
    why = "; ".join(parts) or (f"{evaluation.expression_spdx} is {evaluation.verdict} "
                               f"for {evaluation.context}")
    if evaluation.chosen:
        return f"{evaluation.chosen} chosen from {evaluation.expression_spdx}; {why}"
    return why


def _from_names(names: tuple[str, ...]) -> tuple[str | None, str]:
    """The SPDX expression a component's license names stand for, when scancode's license
    database reads every one unambiguously (licensing.license_names), and how it was read;
    (None, "") when one cannot be read: the names stay named, unknown licenses."""
    if len(names) > MAX_NAMES:
        return None, ""
    ids = [spdx_for_name(name) for name in names]
    if not ids or None in ids:
        return None, ""
    unique = list(dict.fromkeys(ids))
    read = ", ".join(f"{quote(n, 60)} as {i}" for n, i in zip(names, ids))
    return " AND ".join(unique), f"license named, read by scancode's license names: {read}"


def _no_license(component: SbomComponent) -> str:
    if component.license_names:
        names = ", ".join(repr(name) for name in component.license_names[:3])
        return (f"{NO_LICENSE} as SPDX, only by name ({names}), which scancode's license "
                "names do not read as one license: a named, unknown license")
    return NO_LICENSE


def _standing(component: SbomComponent, verdict: str, explanation: str, context: str,
              product: str | None, allow_alone: bool,
              requests: list[KnownRequest]) -> ComponentStatus:
    if not requests:  # most components of a large SBOM: nobody asked for them
        if verdict == "allow" and allow_alone:
            return ComponentStatus(component, "allowed_by_policy", verdict, explanation, (),
                                   allowed_alone(context))
        return ComponentStatus(component, "unknown", verdict, explanation, (),
                               f"no request covers {context}; "
                               + _license_says(component, verdict, explanation, context))
    here: list[KnownRequest] = []  # requests that can cover this use
    elsewhere: list[KnownRequest] = []  # approvals that hold for another context or product
    for request in requests:
        if request.state == "withdrawn":
            continue
        if request.context == context and (product is None or request.product is None
                                           or request.product == product):
            here.append(request)
        elif request.approved:
            elsewhere.append(request)

    def status(name: str, deciding: KnownRequest | None, reason: str) -> ComponentStatus:
        ids = (deciding.request_id,) if deciding else ()
        if name not in PASSING:
            reason, noted = _notes(reason, here, elsewhere, context, product)
            ids += noted
        return ComponentStatus(component, name, verdict, explanation, ids, reason)

    if not here:  # most components of a large SBOM: no request for this use
        if verdict == "allow" and allow_alone:
            return status("allowed_by_policy", None, allowed_alone(context))
        return status("unknown", None, f"no request covers {context}; "
                      + _license_says(component, verdict, explanation, context))
    for state in APPROVED_STATES:
        approval = _latest(r for r in here if r.state == state and not r.expired)
        if approval:
            label = state.replace("_", " ")
            return status(state, approval, f"{label} for {context} (#{approval.request_id})")
    rejection = _latest(r for r in here if r.state == "rejected")
    if rejection:
        return status("rejected", rejection,
                      f"request #{rejection.request_id} for {context} was rejected")
    if verdict == "allow" and allow_alone:
        return status("allowed_by_policy", None, allowed_alone(context))
    waiting = _latest(r for r in here if r.state in PENDING_STATES)
    if waiting:
        return status("pending", waiting,
                      f"request #{waiting.request_id} {_WAITING[waiting.state]}")
    return status("unknown", None, f"no request covers {context}; "
                  + _license_says(component, verdict, explanation, context))


@lru_cache(maxsize=64)
def allowed_alone(context: str) -> str:
    """One string for every such component (100,000 of them share it)."""
    return _ALLOWED_ALONE.format(context=context)


def _license_says(component: SbomComponent, verdict: str, explanation: str,
                  context: str) -> str:
    expression = (component.license_expression or "").strip()
    if not expression:
        return explanation
    if len(expression) > _SHOWN:
        expression = expression[:_SHOWN] + "…"
    if verdict == "allow":
        return (f"its license {expression} is allowed, but {context} needs an approval for "
                "every component")
    if verdict == "deny":
        return f"its license {expression} is denied for {context}"
    return f"its license {expression} needs a review"


def _latest(requests: Iterable[KnownRequest]) -> KnownRequest | None:
    """The most recent of them (the highest id), or None."""
    return max(requests, key=lambda r: r.request_id, default=None)


def _notes(reason: str, here: list[KnownRequest], elsewhere: list[KnownRequest],
           context: str, product: str | None) -> tuple[str, tuple[int, ...]]:
    """The reason of a failing component, with the approvals that would have covered it had
    they not expired or been for another context or product."""
    if not here and not elsewhere:
        return reason, ()
    expired = sorted(r.request_id for r in here if r.expired and r.state in APPROVED_STATES)
    if expired:
        reason += "; " + ", ".join(f"approval #{i} for {context} expired" for i in expired)
    others = sorted(elsewhere, key=lambda r: r.request_id)
    if others:
        labels = [r.context + (f" in {r.product}" if product is not None and r.product not in
                               (None, product) else "") for r in others]
        if len(others) == 1:
            reason += f"; approved for {labels[0]} only (#{others[0].request_id})"
        else:
            reason += "; approved for " + ", ".join(
                f"{label} (#{r.request_id})" for label, r in zip(labels, others)) + " only"
    return reason, (*expired, *(r.request_id for r in others))
