"""A top-level JSON object read key by key from its bytes, never whole.

An SBOM of 120,000 components is about 20 MB of JSON, of which json.loads makes some 150 MB
of Python objects at once. Here ijson's C parser (yajl2_c) reads each top-level value on its
own: a scalar or a small object by a pass that stops where it is found, a list item by item,
so that one component at a time is held as a dict.

Whatever ijson refuses (broken JSON, NaN, a number too long, bytes that are not UTF-8) raises
StreamFailed, and the reader falls back to json.loads, whose messages (line and column) and
leniency are the ones users get; so it does when no pass went through the whole text
(`read_to_end`), since only a whole pass shows the JSON is valid. Nesting is bounded before
either runs (reader._json_too_deep).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import ijson

_MISSING = object()
_ERRORS = (ijson.JSONError, ValueError, UnicodeDecodeError)


class StreamFailed(Exception):
    """ijson could not read the document; json.loads will say why (or read it after all)."""


class StreamedObject:
    """The top-level object of `raw` (UTF-8 JSON whose first character is `{`)."""

    def __init__(self, raw: bytes):
        self.raw = raw
        self._values: dict[str, Any] = {}
        # A key spelled with \\u escapes cannot be found by a search of the raw bytes.
        self._escapes = b"\\u" in raw
        # True once one pass went through the whole text: then it is valid JSON.
        self.read_to_end = False

    def get(self, key: str, default: Any = None) -> Any:
        """The value of a top-level key (the first, if the key is repeated)."""
        if key not in self._values:
            self._values[key] = self._first(key)
        value = self._values[key]
        return default if value is _MISSING else value

    def __contains__(self, key: str) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def each(self, key: str, not_a_list: Callable[[Any], Exception]) -> Iterator[Any]:
        """The items of the list under `key`, one at a time; nothing when the key is absent
        or null; not_a_list(value) is raised for a value of another kind."""
        count = 0
        for item in self._items(f"{key}.item"):
            count += 1
            yield item
        if not count:
            value = self.get(key)
            if value is not None and not isinstance(value, list):
                raise not_a_list(value)

    def _first(self, key: str) -> Any:
        if not self._escapes and key.encode() not in self.raw:
            return _MISSING  # the name is nowhere in the file: no pass needed
        return next(self._items(key), _MISSING)

    def _items(self, prefix: str) -> Iterator[Any]:
        try:
            yield from ijson.items(self.raw, prefix, use_float=True)
        except _ERRORS as exc:
            raise StreamFailed(str(exc)) from None
        self.read_to_end = True
