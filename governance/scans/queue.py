"""Where a started scan goes: the job backend the app was given.

governance.jobs.init_app() installs the backend's enqueue (embedded runner or Celery) when the
app is created; entry points that start scans call enqueue() here, so nothing in this package
imports the job runners, which in turn call scans.services.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, current_app

from governance.scans.services import ScanConfig

EXTENSION = "governance.scan_queue"


def install(app: Flask, enqueue_scan: Callable[[int], None]) -> None:
    app.extensions[EXTENSION] = enqueue_scan


def enqueue(scan_id: int) -> None:
    """Hand a committed scan to the job backend."""
    backend = current_app.extensions.get(EXTENSION)
    if backend is None:
        raise RuntimeError("No job backend is installed: create_app() installs one through "
                           "governance.jobs.init_app().")
    backend(scan_id)


def scan_config() -> ScanConfig:
    """The scan settings of the current app's configuration."""
    return ScanConfig.from_mapping(current_app.config)
