"""Security advisories after approval: OSV records imported and kept, matched against every
approved version in the inventory, a finding per (advisory, component version) that the office
triages in Dependency-Track's vocabulary.

init_app() matches each new approval against the kept advisories, in its transaction."""
from __future__ import annotations

from flask import Flask

from governance.advisories import services
from governance.workflow.services import request_approved


def _match_approved(request) -> None:
    component = getattr(request, "component", None)  # the kinds that name a package version
    if component is not None:
        services.match_component(component)


def init_app(app: Flask) -> None:
    request_approved.connect(_match_approved)  # once: blinker keeps one per receiver
