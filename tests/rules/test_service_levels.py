"""policies/service-levels.yaml and the dashboard's arithmetic: working days, percentiles."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from governance.rules.loader import PolicyError
from governance.rules.service_levels import load_service_levels, percentile
from governance.workflow import kinds

SHIPPED = Path(__file__).resolve().parents[2] / "policies" / "service-levels.yaml"


def test_the_shipped_file_has_a_level_for_every_request_kind(app):
    levels = load_service_levels(SHIPPED)
    assert set(levels.kinds) == set(kinds.registered())
    assert levels.level("adoption").decision_days == 5


def test_working_days_skip_the_weekend():
    levels = load_service_levels(SHIPPED)
    friday, monday, next_friday = date(2026, 12, 4), date(2026, 12, 7), date(2026, 12, 11)
    assert levels.working_days_between(friday, friday) == 0
    assert levels.working_days_between(friday, monday) == 1
    assert levels.working_days_between(monday, next_friday) == 4
    assert levels.working_days_between(friday, date(2026, 12, 25)) == 15
    assert levels.working_days_between(monday, friday) == 0  # backwards: nothing


def test_percentiles_are_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([3, 1, 2], 0.5) == 2
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile([7], 0.9) == 7


@pytest.mark.parametrize("old, new, message", [
    ("working_days: [mon, tue, wed, thu, fri]", "working_days: [mon, funday]", "working_days"),
    ("adoption: {first_response_days: 2, decision_days: 5}",
     "adoption: {first_response_days: 2, decision_days: 1}", "before the first response"),
    ("join_org: {first_response_days: 1, decision_days: 2}",
     "join_org: {first_response_days: soon, decision_days: 2}", "'first_response_days'"),
    ("join_org:", "Join Org!:", "use a-z"),
])
def test_a_broken_file_is_refused_with_its_line(tmp_path, old, new, message):
    path = tmp_path / "service-levels.yaml"
    path.write_text(SHIPPED.read_text().replace(old, new, 1))
    with pytest.raises(PolicyError) as caught:
        load_service_levels(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
