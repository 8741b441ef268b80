"""Helpers for WTForms fields shared by every blueprint's forms."""
from __future__ import annotations

from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class NeededToSubmit:
    """Marks a field a draft may leave empty but a submission may not: its label gets the
    required mark (web macros), the service refuses the submission without it."""

    field_flags = {"needed_to_submit": True}

    def __call__(self, form, field) -> None:  # checks nothing: the service does, on submit
        return None
