"""How much the company depends on a project, in the manner of OpenSSF criticality_score: each
signal is log-normalised against its threshold, log(1 + value) / log(1 + max(value, threshold)),
weighted, and the weighted mean is the score (0 to 1). The signals and their weights and
thresholds are the office's, in policies/funding.yaml."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SignalRule:
    id: str
    label: str
    weight: float
    threshold: float


def normalised(value: float, threshold: float) -> float:
    value = max(0.0, float(value))
    return math.log1p(value) / math.log1p(max(value, threshold)) if value > 0 else 0.0


def score(signals: dict[str, float], rules: tuple[SignalRule, ...]) -> float:
    """The weighted mean of the normalised signals, rounded to 4 places (stable ordering)."""
    total_weight = sum(r.weight for r in rules)
    if total_weight <= 0:
        return 0.0
    value = sum(r.weight * normalised(signals.get(r.id, 0), r.threshold) for r in rules)
    return round(value / total_weight, 4)
