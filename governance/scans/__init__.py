"""Scans as the app keeps them: archives, scans, per-file results, the pages and the queue."""
from __future__ import annotations

from flask import Flask

from governance.scanning import outcomes


def init_app(app: Flask) -> None:
    # The findings pages colour each file by its outcome, from the one list of outcomes.
    app.jinja_env.globals["file_outcomes"] = outcomes
