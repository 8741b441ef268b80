"""Allocating an amount across the projects the company depends on most, in the manner of
ecosyste.ms funds: proportional to each project's score, no project above the cap, none below
the minimum (a project the minimum removes gets nothing and its share goes to the others; what
the cap cuts off goes to the others too), whole currency units, the total never above the
amount. Deterministic: the same inputs give the same amounts."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Share:
    key: str
    score: float
    amount: int  # whole currency units


def allocate(total: int, scored: list[tuple[str, float]], *, top: int, cap: int,
             minimum: int) -> list[Share]:
    """`scored`: (key, score) pairs; the `top` highest (ties by key) share `total`."""
    if total < 0 or top < 0 or cap < 0 or minimum < 0:
        raise ValueError("Amounts and counts are not negative.")
    if cap < minimum:
        raise ValueError("The cap per project is below the minimum amount: nothing fits.")
    ranked = sorted(((k, s) for k, s in scored if s > 0), key=lambda ks: (-ks[1], ks[0]))[:top]
    if not ranked or total == 0 or cap == 0:
        return [Share(k, s, 0) for k, s in ranked]
    scores = {k: Fraction(s) for k, s in ranked}
    fixed: dict[str, Fraction] = {}  # at the cap
    active = [k for k, _ in ranked]
    while active:
        left = Fraction(total) - sum(fixed.values())
        weight = sum(scores[k] for k in active)
        shares = {k: left * scores[k] / weight for k in active}
        over = [k for k in active if shares[k] > cap]
        if over:
            for k in over:
                fixed[k] = Fraction(cap)
            active = [k for k in active if k not in over]
            continue
        under = [k for k in active if shares[k] < minimum]
        if under:
            active.remove(under[-1])  # the lowest score goes first; the rest share again
            continue
        fixed.update(shares)
        break
    amounts = {k: int(v) for k, v in fixed.items()}  # floor: never above the total
    # The units the floors left over go one each, highest score first, to those below the cap.
    leftover = total - sum(amounts.values())
    for k, _ in ranked:
        if leftover <= 0:
            break
        if k in amounts and amounts[k] < cap and fixed[k] != amounts[k]:
            amounts[k] += 1
            leftover -= 1
    return [Share(k, s, amounts.get(k, 0)) for k, s in ranked]
