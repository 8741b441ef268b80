"""The office's service levels (policies/service-levels.yaml) and the arithmetic the office
dashboard does with them: working days between two days, and the median and 90th percentile
of durations. Pure: no Flask, no database."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from governance.rules.loader import PolicyError, line_of, load_yaml
from governance.rules.request_rules import ID_PATTERN

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Level:
    first_response_days: int
    decision_days: int


@dataclass(frozen=True)
class ServiceLevels:
    working_days: frozenset[int]  # date.weekday() numbers
    kinds: dict[str, Level]

    def level(self, kind: str) -> Level | None:
        return self.kinds.get(kind)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (the same day is 0)."""
        if end <= start:
            return 0
        weeks, rest = divmod((end - start).days, 7)
        count = weeks * len(self.working_days)
        day = start + timedelta(days=weeks * 7)
        for _ in range(rest):
            day += timedelta(days=1)
            count += day.weekday() in self.working_days
        return count


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.5: the median, 0.9: the 90th); None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _days(entry, key, path, kind) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PolicyError(path, line_of(entry), f"kind {kind!r}: '{key}' must be a whole "
                                                "number of working days (0 or more)")
    return value


def load_service_levels(path: Path) -> ServiceLevels:
    """The file's levels. Kinds are registered after the policies load: that each one named
    here exists is checked by the tests (tests/rules/test_service_levels.py)."""
    data = load_yaml(path)
    names = data.get("working_days")
    if not isinstance(names, list) or not names or not all(n in DAYS for n in names):
        raise PolicyError(path, line_of(names, line_of(data, 1)),
                          f"'working_days' must list days among {', '.join(DAYS)}")
    entries = data.get("kinds") or {}
    if not isinstance(entries, dict):
        raise PolicyError(path, line_of(data, 1), "'kinds' must map request kinds to levels")
    levels = {}
    for kind, entry in entries.items():
        if not isinstance(kind, str) or not ID_PATTERN.match(kind):
            raise PolicyError(path, line_of(entries, 1), f"request kind {kind!r}: use a-z, "
                                                         "0-9, - and _")
        if not isinstance(entry, dict):
            raise PolicyError(path, line_of(entries, 1), f"kind {kind!r} must be a mapping")
        level = Level(_days(entry, "first_response_days", path, kind),
                      _days(entry, "decision_days", path, kind))
        if level.decision_days < level.first_response_days:
            raise PolicyError(path, line_of(entry), f"kind {kind!r}: the decision cannot be "
                                                    "due before the first response")
        levels[kind] = level
    return ServiceLevels(frozenset(DAYS.index(n) for n in names), levels)
