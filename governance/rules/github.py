"""The office's rules for GitHub organization requests, from policies/github.yaml: governed orgs,
outbound licenses that need no legal review, the words and internal references that must not go
out, what third-party code each outbound license can carry, and the hygiene rules. Pure: loading
and validation; the caller supplies scancode's categories and the SPDX id check."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from governance.rules.loader import PolicyError, line_of, load_yaml

OUTCOMES = ("pass", "warn", "fail")
HYGIENE_RULES = ("license_file", "readme", "contributing", "code_of_conduct", "security_policy",
                 "codeowners", "notice_file", "binaries", "vendored")
# GitHub's own rule for organization and user logins.
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class GitHubPolicy:
    orgs: tuple[str, ...]
    allowed_licenses: tuple[str, ...]
    company_holders: tuple[str, ...]
    trademark_words: tuple[str, ...]
    internal_hosts: tuple[str, ...]
    internal_email_domains: tuple[str, ...]
    # outbound SPDX id (lower-cased) or "default" -> {category: outcome}
    inbound: dict[str, dict[str, str]]
    hygiene: dict[str, str]
    binary_extensions: tuple[str, ...]
    vendored_dirs: tuple[str, ...]
    fast_path: bool
    collaborator_max_days: int

    def governs(self, org: str) -> bool:
        return org.lower() in {o.lower() for o in self.orgs}

    def needs_legal_review(self, spdx_id: str) -> bool:
        return spdx_id.lower() not in {a.lower() for a in self.allowed_licenses}

    def inbound_outcome(self, outbound: str, category: str | None) -> str:
        """What code of `category` means in a release under `outbound`; an unknown category
        (a license scancode does not know) is a warn."""
        own = self.inbound.get(outbound.lower(), {})
        return own.get(category) or self.inbound["default"].get(category or "", "warn")

    def is_company_holder(self, holder: str) -> bool:
        wanted = _holder_key(holder)
        return any(_holder_key(h) == wanted for h in self.company_holders)

    def trademark_in(self, name: str) -> str | None:
        lowered = name.lower()
        return next((w for w in self.trademark_words if w.lower() in lowered), None)

    def internal_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(fnmatch.fnmatchcase(host, p.lower()) for p in self.internal_hosts)


def _holder_key(holder: str) -> str:
    return " ".join(re.sub(r"[.,]", " ", holder).lower().split())


def _words(data, key, path, *, required=False, check=None) -> tuple[str, ...]:
    value = data.get(key)
    line = line_of(value, line_of(data, 1))
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PolicyError(path, line, f"'{key}' must be a list of names")
    if required and not value:
        raise PolicyError(path, line, f"'{key}' needs at least one entry")
    for entry in value:
        if check is not None and (reason := check(entry.strip())):
            raise PolicyError(path, line, f"{key}: {entry!r} {reason}")
    return tuple(v.strip() for v in value)


def _outcomes(mapping, where: str, path, allowed: tuple[str, ...], keys) -> dict[str, str]:
    line = line_of(mapping)
    if not isinstance(mapping, dict):
        raise PolicyError(path, line, f"{where} must map names to one of {', '.join(allowed)}")
    result = {}
    for key, outcome in mapping.items():
        if key not in keys:
            raise PolicyError(path, line, f"{where}: unknown {key!r}; known: {', '.join(keys)}")
        if outcome not in allowed:
            raise PolicyError(path, line, f"{where}.{key}: {outcome!r} is not one of "
                                          f"{', '.join(allowed)}")
        result[key] = outcome
    return result


def load_github_policy(path: Path | str, categories: tuple[str, ...],
                       is_spdx_id: Callable[[str], bool]) -> GitHubPolicy:
    path = Path(path)
    data = load_yaml(path)

    def login(value):
        return None if LOGIN_PATTERN.match(value) else "is not a GitHub organization login"

    def spdx(value):
        return None if is_spdx_id(value) else "is not an SPDX license id scancode knows"

    def domain(value):
        return None if _DOMAIN.match(value.lower()) else "is not a domain name"

    orgs = _words(data, "orgs", path, required=True, check=login)
    allowed = _words(data, "allowed_licenses", path, check=spdx)
    internal = data.get("internal") or {}
    if not isinstance(internal, dict):
        raise PolicyError(path, line_of(internal, 1), "'internal' holds 'hosts' and "
                                                      "'email_domains'")
    inbound_data = data.get("inbound")
    if not isinstance(inbound_data, dict) or "default" not in inbound_data:
        raise PolicyError(path, line_of(data, 1), "'inbound' needs a 'default' mapping of "
                                                  "every license category")
    inbound = {}
    for outbound, mapping in inbound_data.items():
        if outbound != "default" and not is_spdx_id(str(outbound)):
            raise PolicyError(path, line_of(inbound_data), f"inbound: {outbound!r} is not an "
                                                           "SPDX license id scancode knows")
        inbound[str(outbound).lower()] = _outcomes(mapping, f"inbound.{outbound}", path,
                                                   OUTCOMES, categories)
    missing = [c for c in categories if c not in inbound["default"]]
    if missing:
        raise PolicyError(path, line_of(inbound_data["default"]),
                          f"inbound.default: no outcome for the category {missing[0]!r} "
                          "(every scancode category needs one)")
    hygiene = _outcomes(data.get("hygiene") or {}, "hygiene", path, ("warn", "fail"),
                        HYGIENE_RULES)
    for rule in HYGIENE_RULES:
        hygiene.setdefault(rule, "warn")
    fast_path = data.get("fast_path", False)
    if not isinstance(fast_path, bool):
        raise PolicyError(path, line_of(data, 1), "'fast_path' is true or false")
    max_days = data.get("collaborator_max_days", 365)
    if not isinstance(max_days, int) or isinstance(max_days, bool) or not 1 <= max_days <= 3650:
        raise PolicyError(path, line_of(data, 1), "'collaborator_max_days' is a whole number "
                                                  "of days from 1 to 3650")
    return GitHubPolicy(
        orgs=orgs, allowed_licenses=allowed,
        company_holders=_words(data, "company_holders", path),
        trademark_words=_words(data, "trademark_words", path),
        internal_hosts=_words(internal, "hosts", path),
        internal_email_domains=tuple(d.lower() for d in _words(internal, "email_domains", path,
                                                               check=domain)),
        inbound=inbound, hygiene=hygiene,
        binary_extensions=tuple(e.lower() for e in _words(data, "binary_extensions", path)),
        vendored_dirs=_words(data, "vendored_dirs", path),
        fast_path=fast_path, collaborator_max_days=max_days)
