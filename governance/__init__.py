"""OSS Governance. create_app() is the app factory (governance.factory wires the app)."""
from __future__ import annotations


def create_app(test_config: dict | None = None):
    # Here, not at the top: `governance` is also the parent of the pure core, which scan
    # workers and tools import without loading the web app.
    from governance.factory import create_app as build

    return build(test_config)
