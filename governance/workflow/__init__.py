"""The request core every kind shares: the Request row, comments, the steps, the registry of
kinds and the shared pages (queue, steps, reviewer, comments)."""
from __future__ import annotations

from flask import Flask

from governance.states import State
from governance.web.badges import state_badge
from governance.workflow import kinds


def init_app(app: Flask) -> None:
    kinds.init_app(app)
    app.jinja_env.globals.update(
        State=State, state_badge=lambda state: state_badge(State(state)))
