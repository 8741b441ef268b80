"""Helpers for WTForms fields shared by every blueprint's forms."""
from __future__ import annotations

from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
