"""Evaluating a license expression for a usage context under the office's license policy.

evaluate() judges each license of an expression: the override for the exact license WITH
exception if the policy has one, else the license's own override, else its category. Then AND
takes the worst verdict of its parts and OR the best (deny > review > allow), saying which
choice it relied on; obligations come from the licenses relied on. A license scancode does not
know, or one that names no identified license, is never allowed, whatever the file says.

The policy itself is loaded by load_policy() (`validation`) into the frozen classes of `model`;
both are re-exported here.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from governance.licensing.exceptions import exception_applies
from governance.licensing.expressions import (
    And,
    ExpressionError,
    License,
    Node,
    Or,
    Symbol,
    parse,
    quote,
    quote_free,
    render,
    render_symbol,
    symbols,
)
from governance.licensing.model import (
    OBLIGATIONS,
    RANK,
    VERDICTS,
    LicensePolicy,
    ObligationRule,
    Override,
    best,
    worst,
)
from governance.licensing.validation import load_policy, load_policy_text

__all__ = ["OBLIGATIONS", "VERDICTS", "Choice", "Evaluation", "EvaluationError",
           "LicensePolicy", "LicenseVerdict", "Obligation", "ObligationRule", "Override",
           "UnknownContext", "best", "evaluate", "evaluate_text", "load_policy",
           "load_policy_text", "worst"]


class UnknownContext(ExpressionError):
    """The usage context is not one the policy knows."""


@dataclass(frozen=True)
class LicenseVerdict:
    """One license of the expression (with its exception, if any) and why it got its verdict."""

    expression: str  # scancode keys, e.g. "gpl-2.0 WITH classpath-exception-2.0"
    expression_spdx: str
    license: str
    spdx: str
    name: str
    category: str | None
    exception: str | None
    known: bool
    verdict: str
    why: str
    relied_on: bool  # False for an OR alternative that was not chosen


@dataclass(frozen=True)
class Choice:
    among: str  # the OR, in SPDX ids
    chosen: str
    verdict: str


@dataclass(frozen=True)
class Obligation:
    id: str
    licenses: tuple[str, ...]  # SPDX ids of the licenses that bring it


@dataclass(frozen=True)
class Evaluation:
    verdict: str
    context: str
    expression: str  # normalised, scancode keys
    expression_spdx: str
    licenses: tuple[LicenseVerdict, ...]
    choices: tuple[Choice, ...]  # one per OR on the path relied on, outermost first
    chosen: str | None  # the licenses relied on, in SPDX ids, when an OR offered a choice
    obligations: tuple[Obligation, ...]
    policy_version: int
    policy_digest: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EvaluationError:
    """What evaluate_text() returns for input it cannot judge."""

    expression: str
    context: str
    reason: str
    verdict: None = None

    def to_dict(self) -> dict:
        return {"error": self.reason, "expression": quote_free(self.expression),
                "context": quote_free(self.context)}


def evaluate(policy: LicensePolicy, expression: str | Node, context: str,
             option: str | Node | None = None) -> Evaluation:
    """The verdict for `expression` in `context`, explained. `option`: the alternative of an
    OR that the company takes (the office's choice); without it, the best one is relied on.

    Raises ExpressionError (UnknownContext for a context the policy does not know) for input
    it cannot judge, and nothing else.
    """
    if not isinstance(context, str) or context not in policy.contexts:
        raise UnknownContext(f"unknown usage context {quote(str(context))}; the policy knows "
                             f"{', '.join(policy.contexts)}")
    node = expression if isinstance(expression, Symbol | And | Or) else parse(expression)
    if isinstance(option, str):
        option = parse(option) if option.strip() else None
    judged = {symbol: _judge(policy, symbol, context) for symbol in symbols(node)}
    decision = _decide(policy, node, context, judged, option)
    relied_on = list(symbols(decision.chosen))
    licenses = tuple(
        LicenseVerdict(
            expression=render_symbol(symbol), expression_spdx=render_symbol(symbol, spdx=True),
            license=symbol.license.key, spdx=symbol.license.spdx, name=symbol.license.name,
            category=symbol.license.category,
            exception=symbol.exception.key if symbol.exception else None,
            known=symbol.license.known and (symbol.exception is None or symbol.exception.known),
            verdict=verdict, why=why, relied_on=symbol in relied_on)
        for symbol, (verdict, why) in judged.items())
    return Evaluation(
        verdict=decision.verdict, context=context, expression=render(node),
        expression_spdx=render(node, spdx=True), licenses=licenses, choices=decision.choices,
        chosen=render(decision.chosen, spdx=True) if decision.choices else None,
        obligations=_obligations(policy, relied_on, context),
        policy_version=policy.version, policy_digest=policy.digest)


def evaluate_text(policy: LicensePolicy, text: str, context: str,
                  option: str | None = None) -> Evaluation | EvaluationError:
    """evaluate(), with bad input returned as an EvaluationError rather than raised."""
    try:
        return evaluate(policy, text, context, option)
    except ExpressionError as exc:
        return EvaluationError(text if isinstance(text, str) else repr(text), str(context),
                               exc.reason)


def _judge(policy: LicensePolicy, symbol: Symbol, context: str) -> tuple[str, str]:
    license_, exception = symbol.license, symbol.exception
    if not license_.known:
        return "review", f"unknown license {license_.key}: review"
    if license_.is_exception:
        return "review", f"{license_.spdx} is an exception with no license before WITH: review"
    exact = policy.overrides.get((license_.key, exception.key)) if exception else None
    if exact and context in exact.verdicts:
        verdict, why = exact.verdicts[context], exact.why(context)
    else:
        verdict, why = _license_verdict(policy, license_, context)
        if exception is not None:
            verdict, why = _with_exception(policy, license_, exception, context, verdict,
                                           why)
    unidentified = [lic for lic in (license_, exception) if lic is not None and lic.unidentified]
    if verdict == "allow" and unidentified:
        verdict = "review"
        why += f"; {unidentified[0].spdx} names no identified license: review at least"
    return verdict, why


def _license_verdict(policy: LicensePolicy, license_: License, context: str) -> tuple[str, str]:
    override = policy.overrides.get((license_.key, None))
    if override and context in override.verdicts:
        return override.verdicts[context], override.why(context)
    verdicts = policy.categories.get(license_.category or "")
    if verdicts is None or context not in verdicts:
        return "review", f"category {license_.category} has no verdict in the policy: review"
    verdict = verdicts[context]
    return verdict, f"category {license_.category} is {verdict} for {context}"


def _with_exception(policy: LicensePolicy, license_: License, exception: License,
                    context: str, verdict: str, why: str) -> tuple[str, str]:
    # An exception usually adds permissions, so the license's verdict stands; an unknown one,
    # or one the office has an override for (e.g. Commons Clause), can only make it worse.
    if not exception.known:
        return worst([verdict, "review"]), f"{why}; unknown exception {exception.key}: review"
    if not exception.is_exception:
        return worst([verdict, "review"]), f"{why}; {exception.spdx} is not an exception: review"
    misapplied = exception_applies(license_, exception)
    if misapplied:
        return worst([verdict, "review"]), f"{why}; {misapplied}: review"
    override = policy.overrides.get((exception.key, None))
    if override and context in override.verdicts:
        return worst([verdict, override.verdicts[context]]), f"{why}; {override.why(context)}"
    return verdict, why


@dataclass(frozen=True)
class _Decision:
    verdict: str
    chosen: Node
    choices: tuple[Choice, ...]


def _decide(policy: LicensePolicy, node: Node, context: str, judged: dict,
            option: Node | None = None) -> _Decision:
    if isinstance(node, Symbol):
        return _Decision(judged[node][0], node, ())
    decisions = [_decide(policy, part, context, judged, option) for part in node.parts]
    if isinstance(node, And):
        chosen: list[Node] = []
        for decision in decisions:
            for part in (decision.chosen.parts if isinstance(decision.chosen, And)
                         else (decision.chosen,)):
                if part not in chosen:
                    chosen.append(part)
        return _Decision(worst(d.verdict for d in decisions),
                         chosen[0] if len(chosen) == 1 else And(tuple(chosen)),
                         tuple(c for d in decisions for c in d.choices))
    # OR: the option the office chose; else the best verdict; between equals, fewer
    # obligations, then the order written.
    taken = [d for part, d in zip(node.parts, decisions) if part == option]
    pick = taken[0] if taken else min(decisions, key=lambda d: (
        RANK[d.verdict], len(_obligations(policy, list(symbols(d.chosen)), context))))
    choice = Choice(among=render(node, spdx=True), chosen=render(pick.chosen, spdx=True),
                    verdict=pick.verdict)
    return _Decision(pick.verdict, pick.chosen, (choice, *pick.choices))


def _obligations(policy: LicensePolicy, relied_on: list[Symbol],
                 context: str) -> tuple[Obligation, ...]:
    brought: dict[str, list[str]] = {}
    for symbol in relied_on:
        label = render_symbol(symbol, spdx=True)
        for rule in policy.obligations:
            if rule.applies(symbol.license, context) or (
                    symbol.exception is not None
                    and rule.applies(symbol.exception, context, as_exception=True)):
                for obligation in rule.obligations:
                    by = brought.setdefault(obligation, [])
                    if label not in by:
                        by.append(label)
    return tuple(Obligation(o, tuple(brought[o])) for o in OBLIGATIONS if o in brought)
