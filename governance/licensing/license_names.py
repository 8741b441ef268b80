"""License names (not ids) read as SPDX ids, where scancode's license database is unambiguous.

SBOM producers often write a license by name: cyclonedx-py gives a package's trove
classifier (`Apache Software License`, `BSD License`), npm a free-text `license`. scancode
knows the common names: each license's name, short name and SPDX ids, and the short tag and
reference rules of its rule set ("MIT License", "Apache 2.0", "Python Software Foundation
License"). A name maps to a license only when everything scancode knows by that name is one
license: `BSD License` is the name of rules for BSD-3-Clause and for BSD-2-Clause, so it stays
a named, unknown license (the policy reviews it). A trailing parenthesis is read both ways:
`GNU General Public License v3 (GPLv3)` is its name and `GPLv3`.

Reading the rules costs 10-20 s, once per scancode version: the table is kept beside the
license facts (scancode_licenses) as a JSON file of some 600 KB.
"""
from __future__ import annotations

import json
import logging
import re
from functools import lru_cache

from governance.licensing.scancode_licenses import cache_path, license_facts, write_json

log = logging.getLogger(__name__)
FORMAT = 1
MAX_NAME = 200  # longer is a license text, not a name
_CLASSIFIER = re.compile(r"^licen[sc]e\s*::\s*(osi approved\s*::\s*)?")
_PARENTHESIS = re.compile(r"^(.*?)\s*\(([^()]*)\)$")


def normalise(name: str) -> str:
    text = _CLASSIFIER.sub("", " ".join(name.lower().split()))
    return text.strip(" .,;:\"'`")


def spdx_for_name(name: str) -> str | None:
    """The SPDX id (LicenseRef-scancode-… where SPDX has none) of the license this name
    stands for, or None when scancode knows none or more than one by it."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        return None
    text = normalise(name)
    candidates = [text.strip("()")]
    parts = _PARENTHESIS.match(text)
    if parts:
        candidates += [parts.group(1).strip(), parts.group(2).strip()]
    table = name_table()
    keys = {table[c] for c in candidates if c and c in table}
    if len(keys) != 1:
        return None
    return license_facts().by_key[keys.pop()][0]


@lru_cache(maxsize=1)
def name_table() -> dict[str, str]:
    path = cache_path().with_name(cache_path().name.replace("scancode-licenses-",
                                                            "scancode-license-names-"))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] == FORMAT:
            return data["names"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not written yet, or unreadable: read the rules and write it again
    names = _read_rules()
    write_json(path, {"format": FORMAT, "names": names})
    return names


def _read_rules() -> dict[str, str]:
    from license_expression import Licensing
    from licensedcode.models import load_licenses, load_rules

    found: dict[str, set[str]] = {}

    def add(text: str | None, key: str) -> None:
        if text and len(text) <= MAX_NAME:
            found.setdefault(normalise(text), set()).add(key)

    for key, lic in load_licenses().items():
        for text in (lic.name, lic.short_name, lic.spdx_license_key,
                     *(lic.other_spdx_license_keys or ())):
            add(text, key)
    licensing = Licensing()
    for rule in load_rules():
        if rule.is_deprecated or rule.is_false_positive or not (
                rule.is_license_tag or rule.is_license_reference):
            continue
        text = (rule.text or "").strip()
        if "\n" in text or len(text) > 80:
            continue
        try:
            keys = licensing.license_keys(rule.license_expression)
        except Exception:  # noqa: BLE001 - a rule scancode itself could not parse: skip it
            continue
        if len(keys) == 1:
            add(text, keys[0])
    return {name: next(iter(keys)) for name, keys in found.items() if name and len(keys) == 1}
