"""Allocating an amount across the top projects: examples, and the properties the issue names
(Hypothesis): the total never exceeds the amount, no amount exceeds the cap or falls below the
minimum unless it is zero, the order follows the score, the same inputs give the same amounts."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from governance.funding_core.allocation import allocate


def amounts(shares) -> dict[str, int]:
    return {s.key: s.amount for s in shares}


def test_proportional_to_the_score_in_whole_units():
    shares = allocate(1000, [("a", 0.6), ("b", 0.3), ("c", 0.1)], top=3, cap=10_000, minimum=0)
    assert amounts(shares) == {"a": 600, "b": 300, "c": 100}


def test_what_the_cap_cuts_off_goes_to_the_others():
    shares = allocate(1000, [("a", 0.8), ("b", 0.1), ("c", 0.1)], top=3, cap=500, minimum=0)
    assert amounts(shares) == {"a": 500, "b": 250, "c": 250}


def test_a_project_below_the_minimum_gets_nothing_and_its_share_goes_to_the_others():
    shares = allocate(1000, [("a", 0.5), ("b", 0.45), ("c", 0.05)], top=3, cap=10_000,
                      minimum=100)
    # 526.3 and 473.7 floored; the unit left over goes to the highest score.
    assert amounts(shares) == {"a": 527, "b": 473, "c": 0}


def test_only_the_top_n_share_and_ties_are_ordered_by_name():
    shares = allocate(300, [("z", 0.5), ("y", 0.5), ("x", 0.1), ("w", 0.0)], top=2,
                      cap=1000, minimum=0)
    assert [(s.key, s.amount) for s in shares] == [("y", 150), ("z", 150)]


def test_rounding_never_exceeds_the_total_and_gives_leftovers_by_score():
    shares = allocate(100, [("a", 1), ("b", 1), ("c", 1)], top=3, cap=1000, minimum=0)
    assert [s.amount for s in shares] == [34, 33, 33]


def test_everyone_at_the_cap_leaves_the_rest_unspent():
    shares = allocate(10_000, [("a", 1), ("b", 2)], top=5, cap=1000, minimum=0)
    assert sum(s.amount for s in shares) == 2000


def test_a_cap_below_the_minimum_is_refused():
    with pytest.raises(ValueError, match="below the minimum"):
        allocate(100, [("a", 1)], top=1, cap=10, minimum=20)


scored = st.lists(st.tuples(st.text("abcdefgh", min_size=1, max_size=4),
                            st.floats(0.0001, 1, allow_nan=False)),
                  max_size=30, unique_by=lambda t: t[0])


@settings(max_examples=400, deadline=None)
@given(total=st.integers(0, 10**7), projects=scored, top=st.integers(0, 30),
       cap=st.integers(0, 10**6), minimum=st.integers(0, 10**5))
def test_the_properties_of_an_allocation(total, projects, top, cap, minimum):
    assume(cap >= minimum)
    shares = allocate(total, projects, top=top, cap=cap, minimum=minimum)
    assert sum(s.amount for s in shares) <= total
    for s in shares:
        assert s.amount == 0 or minimum <= s.amount <= cap
    assert all(a.score >= b.score for a, b in zip(shares, shares[1:]))  # ranked
    for a, b in zip(shares, shares[1:]):
        assert a.amount >= b.amount  # a higher score never gets less
    assert len(shares) <= top
    assert shares == allocate(total, list(reversed(projects)), top=top, cap=cap,
                              minimum=minimum)  # the same inputs, in any order
