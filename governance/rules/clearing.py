"""The clearing rules of policies/clearing.yaml: the reason codes a conclusion or dismissal
gives, and where an approval needs a maturity review. Pure: loading and validation."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from governance.rules.loader import PolicyError, line_of, load_yaml
from governance.rules.request_rules import ID_PATTERN


@dataclass(frozen=True)
class ReasonCode:
    id: str
    label: str
    description: str


@dataclass(frozen=True)
class ClearingRules:
    reason_codes: tuple[ReasonCode, ...]
    # request kind -> the usage contexts in which its approval needs a maturity review
    maturity_review_required: dict[str, tuple[str, ...]]

    def reason(self, code: str) -> ReasonCode | None:
        return next((r for r in self.reason_codes if r.id == code), None)

    def needs_maturity_review(self, kind: str, context: str | None) -> bool:
        return context in self.maturity_review_required.get(kind, ())


def load_clearing(path: Path | str, kinds: list[str], contexts: list[str]) -> ClearingRules:
    path = Path(path)
    data = load_yaml(path)
    entries = data.get("reason_codes")
    if not isinstance(entries, list) or not entries:
        raise PolicyError(path, line_of(data, 1), "'reason_codes' must be a non-empty list")
    codes = []
    for entry in entries:
        line = line_of(entry, line_of(entries))
        if not isinstance(entry, dict):
            raise PolicyError(path, line, "each reason code is a mapping {id, label, "
                                          "description}")
        code, label = entry.get("id"), entry.get("label")
        if not isinstance(code, str) or not ID_PATTERN.match(code):
            raise PolicyError(path, line, f"reason code id {code!r}: use a-z, 0-9, - and _")
        if any(c.id == code for c in codes):
            raise PolicyError(path, line, f"reason code {code!r} is listed twice")
        if not isinstance(label, str) or not label.strip():
            raise PolicyError(path, line, f"reason code {code!r}: 'label' is required")
        description = entry.get("description", "")
        if not isinstance(description, str):
            raise PolicyError(path, line, f"reason code {code!r}: 'description' must be text")
        codes.append(ReasonCode(code, label.strip(), " ".join(description.split())))
    required = data.get("maturity_review_required") or {}
    if not isinstance(required, dict):
        raise PolicyError(path, line_of(data, 1), "'maturity_review_required' maps request "
                                                  "kinds to lists of usage contexts")
    review = {}
    for kind, listed in required.items():
        line = line_of(listed, line_of(required))
        if kind not in kinds:
            raise PolicyError(path, line, f"unknown request kind {kind!r}; known: "
                                          f"{', '.join(kinds)}")
        if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
            raise PolicyError(path, line, f"{kind}: a list of usage contexts")
        unknown = [c for c in listed if c not in contexts]
        if unknown:
            raise PolicyError(path, line, f"{kind}: unknown usage context {unknown[0]!r}; "
                                          f"known: {', '.join(contexts)}")
        review[kind] = tuple(listed)
    return ClearingRules(tuple(codes), review)
