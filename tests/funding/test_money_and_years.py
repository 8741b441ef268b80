"""Exact money, fiscal years that start in any month, and the usage score."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from governance.funding_core import fiscal
from governance.funding_core.money import (
    Money,
    MoneyError,
    convert,
    parse,
    parse_rate,
    whole_units,
)
from governance.funding_core.score import SignalRule, normalised, score


@pytest.mark.parametrize("text, currency, minor", [
    ("12500", "USD", 1_250_000), ("12,500.50", "USD", 1_250_050), ("0.1", "EUR", 10),
    ("1000000", "JPY", 1_000_000), (" 7 ", "usd", 700)])
def test_amounts_are_parsed_exactly(text, currency, minor):
    assert parse(text, currency).minor == minor


@pytest.mark.parametrize("text, currency, reason", [
    ("12.345", "USD", "2 decimal places"), ("1.5", "JPY", "whole units only"),
    ("-5", "USD", "not an amount"), ("1e6", "USD", "not an amount"), ("", "USD", "not an amount"),
    ("5", "XBT", "not a currency"), ("9" * 20, "USD", "too large")])
def test_what_is_not_an_amount_is_refused_with_a_reason(text, currency, reason):
    with pytest.raises(MoneyError, match=reason):
        parse(text, currency)


def test_conversion_rounds_once_half_to_even_and_sums_stay_exact():
    assert convert(Money(1_000_000, "JPY"), "USD", Decimal("0.0067")).minor == 670_000
    assert convert(Money(5, "EUR"), "USD", Decimal("1.1")).minor == 6  # 5.5 cents -> 6
    assert convert(Money(15, "EUR"), "USD", Decimal("1.1")).minor == 16  # 16.5 -> 16 (even)
    assert sum((parse("0.10", "USD"), parse("0.20", "USD")), Money(0, "USD")) == \
        parse("0.30", "USD")
    assert str(parse("12500.5", "USD")) == "12,500.50 USD"
    assert whole_units(parse("99.99", "USD")) == 99
    with pytest.raises(MoneyError):
        parse("1", "USD") + parse("1", "EUR")


@pytest.mark.parametrize("rate", ["0", "-1", "abc", "1.12345678901"])
def test_a_bad_rate_is_refused(rate):
    with pytest.raises(MoneyError):
        parse_rate(rate)


def test_fiscal_years_that_start_in_april():
    assert fiscal.fiscal_year_of(date(2026, 4, 1), 4) == 2026
    assert fiscal.fiscal_year_of(date(2027, 3, 31), 4) == 2026
    assert fiscal.bounds(2026, 4) == (date(2026, 4, 1), date(2027, 3, 31))
    assert fiscal.bounds(2026, 1) == (date(2026, 1, 1), date(2026, 12, 31))
    assert fiscal.label(2026, 4) == "FY2026 (Apr 2026–Mar 2027)"
    with pytest.raises(ValueError):
        fiscal.bounds(2026, 13)


def test_signals_are_log_normalised_against_their_threshold_and_weighted():
    assert normalised(0, 10) == 0 and normalised(10, 10) == 1 and normalised(50, 10) == 1
    assert 0 < normalised(3, 10) < normalised(6, 10) < 1
    rules = (SignalRule("teams", "Teams", 2, 10), SignalRule("versions", "Versions", 1, 5))
    assert score({"teams": 10, "versions": 5}, rules) == 1.0
    assert score({}, rules) == 0.0
    assert score({"teams": 10}, rules) == round(2 / 3, 4)
