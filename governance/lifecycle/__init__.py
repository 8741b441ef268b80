"""What follows an approval: the update cadence of every use (policies/lifecycle.yaml), the
updates teams record with their successor's quick re-check, and the local patches they carry.

init_app() runs the re-check when a successor's scan succeeds and lets the version it replaces
step aside when the successor is approved, each in that transaction."""
from __future__ import annotations

from flask import Flask

from governance.inventory.exports import PATCH_SOURCES
from governance.lifecycle import patches, updates
from governance.scans.services import scan_succeeded
from governance.workflow.services import request_approved


def _recheck(scan) -> None:
    updates.on_scan_succeeded(scan)


def _supersede(request) -> None:
    updates.on_request_approved(request)


def init_app(app: Flask) -> None:
    # Blinker keeps one connection per receiver: module-level functions, never lambdas.
    scan_succeeded.connect(_recheck)
    request_approved.connect(_supersede)
    if patches.export_patches not in PATCH_SOURCES:
        PATCH_SOURCES.append(patches.export_patches)
