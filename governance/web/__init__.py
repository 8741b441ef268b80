"""The HTML toolkit every page uses: layout helpers, error pages, security headers, badges,
form helpers. A leaf: it imports no domain and no shared-core package; they import it."""
from __future__ import annotations

from datetime import date

from flask import Flask

from governance.scanning.scan_expressions import category_of_keys, category_options
from governance.web.badges import tone_class
from governance.web.errors import register_error_handlers
from governance.web.input_guard import refuse_control_characters
from governance.web.security import add_security_headers


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.before_request(refuse_control_characters)
    register_error_handlers(app)
    app.add_template_filter(tone_class, "tone_class")

    @app.template_filter("datetime")
    def format_datetime(value):
        return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""

    # Categories are read at render time, so a summary stored before the OR rule shows the
    # option relied on too.
    app.add_template_global(category_options, "category_options")
    app.add_template_global(category_of_keys, "category_of")

    @app.context_processor
    def template_globals():
        return {"today": date.today()}
