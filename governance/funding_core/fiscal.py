"""Fiscal years that start in any month (April in Japan): a fiscal year is named after the
calendar year it starts in, so with an April start FY2026 runs from 2026-04-01 to 2027-03-31."""
from __future__ import annotations

from datetime import date


def check_start_month(month: int) -> int:
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise ValueError("The fiscal year starts in a month from 1 to 12.")
    return month


def fiscal_year_of(day: date, start_month: int) -> int:
    return day.year if day.month >= check_start_month(start_month) else day.year - 1


def bounds(year: int, start_month: int) -> tuple[date, date]:
    """(first day, last day) of fiscal year `year`."""
    start = date(year, check_start_month(start_month), 1)
    end_year, end_month = (year + 1, start_month) if start_month > 1 else (year + 1, 1)
    end = date.fromordinal(date(end_year, end_month, 1).toordinal() - 1)
    return start, end


def label(year: int, start_month: int) -> str:
    start, end = bounds(year, start_month)
    return f"FY{year}" if start_month == 1 else f"FY{year} ({start:%b %Y}–{end:%b %Y})"


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter): a term's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    last = date.fromordinal(next_first.toordinal() - 1).day
    return date(year, month, min(day.day, last))
