"""Typed access to parsed JSON: a field of the wrong JSON type is an SbomError naming its path.

Tolerant where real tools are sloppy (a missing field is empty, a version written as a number
is text), strict where the document's shape is wrong (a list where an object belongs), since
guessing there could drop components without a word.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from governance.sbom.model import SbomError
from governance.sbom.streamed_json import StreamedObject

_SURROGATE = re.compile("[\ud800-\udfff]")
# A parsed top-level object, or one read key by key (both answer .get()).
JsonObject = dict | StreamedObject


def kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


def encodable(text: str) -> str:
    """The text stripped, a lone surrogate (JSON can escape one: "\\ud800") replaced by U+FFFD,
    as it could not be written as UTF-8 anywhere later, a database included."""
    return _SURROGATE.sub("\ufffd", text).strip()


def join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def malformed(label: str, where: str, expected: str, value: Any) -> SbomError:
    return SbomError(f"The {label} SBOM is malformed: {where} should be {expected}, "
                     f"not {kind(value)}.")


class Fields:
    """Reads fields of one document's JSON, naming the format (`label`) in its errors.

    `where` is the path of the object read (`components[3]`), "" for the top level."""

    def __init__(self, label: str):
        self.label = label

    def text(self, obj: dict, key: str, where: str) -> str:
        value = obj.get(key)
        if type(value) is str:  # first: read for every field of every component
            return value.strip() if value.isascii() else encodable(value)
        if value is None:
            return ""
        if isinstance(value, str):
            return encodable(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # `"version": 2` from a careless tool
        raise malformed(self.label, join(where, key), "text", value)

    def strings(self, obj: dict, keys: tuple[str, ...], where: str) -> list[str]:
        """text() of each key, in one call: a component has half a dozen of them."""
        found = []
        for key in keys:
            value = obj.get(key)
            if type(value) is str and value.isascii():
                found.append(value.strip())
            else:
                found.append(self.text(obj, key, where))
        return found

    def obj(self, obj: dict, key: str, where: str) -> dict | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise malformed(self.label, join(where, key), "an object", value)
        return value

    def items(self, obj: dict, key: str, where: str) -> list:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise malformed(self.label, join(where, key), "a list", value)
        return value

    def objects(self, obj: dict, key: str, where: str) -> list[tuple[str, dict]]:
        """The list under `key`, every item an object, each with its path for messages."""
        found = []
        for i, item in enumerate(self.items(obj, key, where)):
            item_path = f"{join(where, key)}[{i}]"
            if not isinstance(item, dict):
                raise malformed(self.label, item_path, "an object", item)
            found.append((item_path, item))
        return found

    def each_object(self, obj: dict | StreamedObject, key: str,
                    where: str) -> Iterator[tuple[str, dict]]:
        """As objects(), one at a time: from a StreamedObject, the list is never held whole."""
        if isinstance(obj, StreamedObject):
            items = obj.each(key, lambda value: malformed(self.label, join(where, key),
                                                          "a list", value))
        else:
            items = self.items(obj, key, where)
        for i, item in enumerate(items):
            item_path = f"{join(where, key)}[{i}]"
            if not isinstance(item, dict):
                raise malformed(self.label, item_path, "an object", item)
            yield item_path, item

    def texts(self, obj: dict, key: str, where: str) -> list[str]:
        found = []
        for i, item in enumerate(self.items(obj, key, where)):
            if not isinstance(item, str):
                raise malformed(self.label, f"{join(where, key)}[{i}]", "text", item)
            found.append(encodable(item))
        return found
