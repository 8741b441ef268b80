"""The errors of fetching an archive, in sentences for the user. Pure: no Flask, no database."""
from __future__ import annotations


class FetchError(Exception):
    """An archive that could not be resolved, downloaded or stored.

    `reason` is a sentence for the user (offline, not found, too big, timeout, unsupported
    purl type...).
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotFoundError(FetchError):
    """HTTP 404, which the PyPI resolver answers by asking the project document instead."""
