"""Loading and validating policies/license-policy.yaml into a LicensePolicy.

A policy that cannot be used raises PolicyError (`file:line: reason`) and is never half loaded.
The format is documented at the top of the file itself.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from governance.licensing.expressions import (
    ExpressionError,
    Symbol,
    categories,
    parse,
    render_symbol,
)
from governance.licensing.model import (
    OBLIGATIONS,
    VERDICTS,
    WAIVER_REASONS,
    LicensePolicy,
    ObligationRule,
    Override,
)
from governance.licensing.scancode_licenses import UNSTATED
from governance.rules.loader import PolicyError, line_of, load_yaml, parse_yaml

_TOP_LEVEL = ("version", "categories", "overrides", "obligations", "allow_without_request",
              "waiver_reasons")
_REASON_CODE = re.compile(r"^[A-Z][A-Z0-9_]{2,59}$")


def load_policy(path: Path | str, contexts: Iterable[str]) -> LicensePolicy:
    """The policy in `path`, validated against scancode's categories and the usage `contexts`
    (the ids of policies/contexts.yaml); PolicyError with file, line and reason otherwise."""
    path = Path(path)
    data = load_yaml(path)
    raw = path.read_bytes()
    loader = _Loader(path, tuple(contexts), raw.decode("utf-8").splitlines())
    return loader.load(data, hashlib.sha256(raw).hexdigest())


def load_policy_text(text: str, contexts: Iterable[str], name: str = "candidate") -> LicensePolicy:
    """A policy from text not yet in a file (a proposed change); errors name it `name`."""
    data = parse_yaml(text, name)
    loader = _Loader(Path(name), tuple(contexts), text.splitlines())
    return loader.load(data, hashlib.sha256(text.encode("utf-8")).hexdigest())


class _Loader:
    def __init__(self, path: Path, contexts: tuple[str, ...], lines: list[str]):
        self.path, self.contexts, self.lines = path, contexts, lines
        if not contexts:
            self.fail(None, "no usage contexts to judge: policies/contexts.yaml defines none")

    def fail(self, line: int | None, reason: str):
        raise PolicyError(self.path, line, reason)

    def key_line(self, mapping, key) -> int:
        """The line of `key` in `mapping`: the loader gives lines to mappings and lists only,
        so a plain value (`CLA: review`) is found by its key from the mapping's first line."""
        start = line_of(mapping, 1)
        pattern = re.compile(rf"^\s*(- +)?['\"]?{re.escape(str(key))}['\"]?\s*:")
        for number in range(start, len(self.lines) + 1):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def load(self, data: dict, digest: str) -> LicensePolicy:
        for key in data:
            if key not in _TOP_LEVEL:
                self.fail(self.key_line(data, key), f"unknown key {key!r}; the policy holds "
                                                    f"{', '.join(_TOP_LEVEL)}")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.fail(self.key_line(data, "version"),
                      "'version' must be a whole number, 1 or more")
        return LicensePolicy(
            path=str(self.path), version=version, digest=digest, contexts=self.contexts,
            categories=self._categories(data), overrides=self._overrides(data),
            obligations=self._obligation_rules(data),
            allow_without_request=self._allow_without_request(data),
            waiver_reasons=self._waiver_reasons(data))

    def _verdicts(self, value, line: int | None, what: str, complete: bool) -> Mapping[str, str]:
        if isinstance(value, str):
            value = {context: value for context in self.contexts}
        if not isinstance(value, dict) or not value:
            self.fail(line, f"{what}: give one verdict (allow, review or deny) or a mapping "
                            f"of usage context to verdict")
        for context, verdict in value.items():
            if context not in self.contexts:
                self.fail(line, f"{what}: unknown usage context {context!r}; "
                                f"policies/contexts.yaml defines {', '.join(self.contexts)}")
            if verdict not in VERDICTS:
                self.fail(line, f"{what}: verdict for {context} must be allow, review or deny, "
                                f"not {verdict!r}")
        missing = [c for c in self.contexts if c not in value]
        if complete and missing:
            self.fail(line, f"{what}: no verdict for usage context {', '.join(missing)} "
                            f"(every context of policies/contexts.yaml needs one)")
        return MappingProxyType({c: value[c] for c in self.contexts if c in value})

    def _categories(self, data: dict) -> Mapping[str, Mapping[str, str]]:
        section = data.get("categories")
        if not isinstance(section, dict) or not section:
            self.fail(line_of(section, self.key_line(data, "categories")),
                      "'categories' must map each license category to its verdicts")
        known = categories()
        result = {}
        for name, value in section.items():
            line = line_of(value, self.key_line(section, name))
            if name not in known:
                self.fail(line, f"unknown category {name!r}; scancode's categories are "
                                f"{', '.join(known)}")
            verdicts = self._verdicts(value, line, f"category {name!r}", complete=True)
            if name == UNSTATED and "allow" in verdicts.values():
                self.fail(line, f"category {UNSTATED!r} cannot be allow: a text that names no "
                                f"identified license is reviewed, never allowed")
            result[name] = verdicts
        missing = [name for name in known if name not in section]
        if missing:
            self.fail(self.key_line(data, "categories"),
                      f"no verdicts for category {', '.join(missing)} of scancode's license "
                      f"database")
        return MappingProxyType(result)

    def _entries(self, data: dict, key: str, fields: tuple[str, ...]) -> list:
        entries = data.get(key)
        if entries is None:
            return []
        if not isinstance(entries, list):
            self.fail(line_of(entries, self.key_line(data, key)), f"'{key}' must be a list")
        for entry in entries:
            if not isinstance(entry, dict):
                self.fail(line_of(entries), f"each entry of '{key}' must be a mapping")
            for field in entry:
                if field not in fields:
                    self.fail(self.key_line(entry, field),
                              f"{key}: unknown key {field!r}; an entry holds {', '.join(fields)}")
        return entries

    def _symbol(self, entry: dict, what: str) -> Symbol:
        text = entry.get("license")
        if not isinstance(text, str) or not text.strip():
            self.fail(line_of(entry), f"{what}: 'license' must name a license (SPDX id or "
                                      f"scancode key)")
        try:
            node = parse(text)
        except ExpressionError as exc:
            self.fail(line_of(entry), f"{what} {text!r}: {exc.reason}")
        if not isinstance(node, Symbol):
            self.fail(line_of(entry), f"{what} {text!r}: name one license, or one license "
                                      f"WITH an exception, not an expression")
        for license_ in (node.license, node.exception):
            if license_ is not None and not license_.known:
                self.fail(line_of(entry), f"{what} {text!r}: scancode's license database has "
                                          f"no license {license_.key!r}")
        return node

    def _overrides(self, data: dict) -> Mapping[tuple[str, str | None], Override]:
        result: dict[tuple[str, str | None], Override] = {}
        for entry in self._entries(data, "overrides", ("license", "verdicts", "reason")):
            symbol = self._symbol(entry, "override")
            label = render_symbol(symbol, spdx=True)
            verdicts = self._verdicts(entry.get("verdicts"), line_of(entry),
                                      f"override {label}", complete=False)
            if "allow" in verdicts.values() and any(
                    lic is not None and lic.unidentified
                    for lic in (symbol.license, symbol.exception)):
                self.fail(line_of(entry), f"override {label} cannot be allow: it names no "
                                          f"identified license, which is reviewed, never allowed")
            reason = entry.get("reason") or ""
            if not isinstance(reason, str):
                self.fail(line_of(entry), f"override {label}: 'reason' must be text")
            key = (symbol.license.key, symbol.exception.key if symbol.exception else None)
            if key in result:
                self.fail(line_of(entry), f"a second override for {label} (the first is on "
                                          f"line {result[key].line})")
            result[key] = Override(symbol.license, symbol.exception, verdicts,
                                   " ".join(reason.split()), line_of(entry))
        return MappingProxyType(result)

    def _obligation_rules(self, data: dict) -> tuple[ObligationRule, ...]:
        rules = []
        fields = ("category", "license", "contexts", "obligations")
        for entry in self._entries(data, "obligations", fields):
            line = line_of(entry)
            if ("category" in entry) == ("license" in entry):
                self.fail(line, "obligations: each entry names either a 'category' or a "
                                "'license'")
            category = license_key = None
            if "category" in entry:
                category = entry["category"]
                if category not in categories():
                    self.fail(line, f"obligations: unknown category {category!r}; scancode's "
                                    f"categories are {', '.join(categories())}")
            else:
                symbol = self._symbol(entry, "obligations for")
                if symbol.exception is not None:
                    self.fail(line, "obligations: name the license and the exception in two "
                                    "entries, not with WITH")
                license_key = symbol.license.key
            contexts = entry.get("contexts", [])
            if not isinstance(contexts, list) or any(c not in self.contexts for c in contexts):
                self.fail(line, f"obligations: 'contexts' must list usage contexts of "
                                f"policies/contexts.yaml ({', '.join(self.contexts)})")
            obligations = entry.get("obligations")
            if not isinstance(obligations, list) or not obligations or any(
                    o not in OBLIGATIONS for o in obligations):
                self.fail(line, f"obligations: 'obligations' must list some of "
                                f"{', '.join(OBLIGATIONS)}")
            rules.append(ObligationRule(tuple(dict.fromkeys(obligations)), category,
                                        license_key, tuple(contexts), line))
        return tuple(rules)

    def _allow_without_request(self, data: dict) -> tuple[str, ...]:
        contexts = data.get("allow_without_request", [])
        if not isinstance(contexts, list) or any(c not in self.contexts for c in contexts):
            self.fail(self.key_line(data, "allow_without_request"),
                      "'allow_without_request' must list usage contexts of "
                      f"policies/contexts.yaml ({', '.join(self.contexts)})")
        return tuple(dict.fromkeys(contexts))

    def _waiver_reasons(self, data: dict) -> Mapping[str, str]:
        """ORT's resolution reasons, described as the file says, plus the office's own."""
        reasons = dict(WAIVER_REASONS)
        entries = data.get("waiver_reasons", {}) or {}
        if not isinstance(entries, dict):
            self.fail(self.key_line(data, "waiver_reasons"),
                      "'waiver_reasons' maps a reason code to its description")
        for code, description in entries.items():
            line = self.key_line(entries, code)
            if not isinstance(code, str) or not _REASON_CODE.match(code):
                self.fail(line, f"waiver reason {code!r}: use capitals, digits and _ "
                                "(like CANT_FIX_EXCEPTION), 3 to 60 characters")
            if not isinstance(description, str) or not description.strip():
                self.fail(line, f"waiver reason {code}: describe when it applies")
            reasons[code] = " ".join(description.split())
        return MappingProxyType(reasons)
