"""What happened to each file of a scan: the one list of file outcomes. Pure."""
from __future__ import annotations

SCANNED = "scanned"      # analysed by scancode in this scan
CACHED = "cached"        # the same content was analysed before (same scancode and options)
DUPLICATE = "duplicate"  # the same content appears earlier in this archive
SKIPPED = "skipped"      # not analysed: too large, or not a regular file
ERROR = "error"          # scancode failed on it, or its worker died
TIMEOUT = "timeout"      # scancode ran past the per-file time limit

FILE_OUTCOMES = (SCANNED, CACHED, DUPLICATE, SKIPPED, ERROR, TIMEOUT)
FAILED = frozenset({ERROR, TIMEOUT})
NOT_ANALYSED = FAILED | {SKIPPED}
