"""Money is exact: integers in the currency's minor unit (cents, or yen), parsed from text with
Decimal, never a float. Amounts in another currency are converted to the budget's at a rate
recorded with them, rounding half to even once, at the end."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

# ISO 4217 minor units of the currencies an office pays in; another is refused, not guessed.
MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CAD": 2, "AUD": 2, "SEK": 2,
               "NOK": 2, "DKK": 2, "INR": 2, "CNY": 2, "JPY": 0, "KRW": 0}
MAX_MINOR = 10**15  # a quadrillion minor units: far above any budget, far below int64
_AMOUNT = re.compile(r"^\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*$")


class MoneyError(ValueError):
    """Text that is not an amount: str() is the reason, fit to show to whoever typed it."""


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if code not in MINOR_UNITS:
        raise MoneyError(f"“{code[:10]}” is not a currency the office pays in; use one of "
                         f"{', '.join(sorted(MINOR_UNITS))}.")
    return code


@dataclass(frozen=True, order=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self):
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money holds an int of minor units")

    @property
    def decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-MINOR_UNITS[self.currency])

    def __add__(self, other: "Money") -> "Money":
        _same(self, other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        _same(self, other)
        return Money(self.minor - other.minor, self.currency)

    def __str__(self) -> str:
        digits = MINOR_UNITS[self.currency]
        return f"{self.decimal:,.{digits}f} {self.currency}"


def _same(a: Money, b: Money) -> None:
    if a.currency != b.currency:
        raise MoneyError(f"Cannot add {a.currency} and {b.currency}: convert first.")


def parse(text: str, currency: str) -> Money:
    """'12,500.50' USD -> Money(1250050, 'USD'); more decimals than the currency has, a sign,
    or anything but digits is refused with a reason."""
    currency = check_currency(currency)
    match = _AMOUNT.match(str(text or ""))
    if not match:
        raise MoneyError(f"“{str(text)[:30]}” is not an amount: write digits, e.g. 12500 or "
                         "12,500.50.")
    whole, fraction = match.group(1).replace(",", ""), match.group(2) or ""
    digits = MINOR_UNITS[currency]
    if len(fraction) > digits:
        raise MoneyError(f"{currency} has {digits} decimal place{'s' if digits != 1 else ''}"
                         f"{'' if digits else ' (whole units only)'}.")
    minor = int(whole) * 10**digits + int((fraction or "0").ljust(digits, "0") or 0)
    if minor > MAX_MINOR:
        raise MoneyError("That amount is too large.")
    return Money(minor, currency)


def parse_rate(text: str) -> Decimal:
    """An exchange rate (budget currency per unit of the other), positive, at most 10 decimals."""
    try:
        rate = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise MoneyError(f"“{str(text)[:30]}” is not an exchange rate.") from None
    if not rate.is_finite() or rate <= 0 or rate > Decimal(10**6):
        raise MoneyError("The exchange rate must be a positive number.")
    if -rate.as_tuple().exponent > 10:
        raise MoneyError("Give the exchange rate with at most 10 decimal places.")
    return rate


def convert(amount: Money, to_currency: str, rate: Decimal) -> Money:
    """`amount` in `to_currency` at `rate` (units of `to_currency` per unit of amount's)."""
    to_currency = check_currency(to_currency)
    if amount.currency == to_currency:
        return amount
    value = (amount.decimal * rate).quantize(Decimal(1).scaleb(-MINOR_UNITS[to_currency]),
                                            rounding=ROUND_HALF_EVEN)
    return Money(int(value.scaleb(MINOR_UNITS[to_currency])), to_currency)


def whole_units(amount: Money) -> int:
    return amount.minor // 10**MINOR_UNITS[amount.currency]
