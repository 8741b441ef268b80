"""Badges: how a state or status reads at a glance. Each vocabulary gives its values a tone
(State.tone, compliance.STATUS_TONES); this is the one place that turns a tone into a colour."""
from __future__ import annotations

from markupsafe import Markup, escape

TONES = {"neutral": "secondary", "active": "primary", "info": "info", "positive": "success",
         "attention": "warning", "negative": "danger", "closed": "dark"}


def tone_class(tone: str) -> str:
    """Bootstrap's colour name for a tone (unknown tones read as neutral)."""
    return TONES.get(tone, "secondary")


def badge(label: str, tone: str) -> Markup:
    return Markup('<span class="badge text-bg-{}">{}</span>').format(
        tone_class(tone), escape(label))


def state_badge(state) -> Markup:
    """A request state (anything with .label and .tone) as a badge."""
    return badge(state.label, state.tone)
