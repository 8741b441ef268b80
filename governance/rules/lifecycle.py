"""The office's rules for what follows an approval, from policies/lifecycle.yaml: how often a
component in use is updated and how soon a security fix must be applied, per criticality of
the use (levels named by usage context), and how often a permanent local patch is reviewed.
Pure: loading and validation."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from governance.rules.loader import PolicyError, line_of, load_yaml
from governance.rules.request_rules import ID_PATTERN


@dataclass(frozen=True)
class Criticality:
    id: str
    label: str
    contexts: tuple[str, ...]
    regular_update_months: int
    security_fix_days: int


@dataclass(frozen=True)
class LifecyclePolicy:
    levels: tuple[Criticality, ...]
    patch_review_months: int

    def level_for(self, context: str) -> Criticality:
        """The criticality of a use in `context`; the most critical level for a context the
        file does not name (a context added later is never treated as the least urgent)."""
        return next((lv for lv in self.levels if context in lv.contexts), self.levels[0])


def _positive(entry, key, path, line, what) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PolicyError(path, line_of(value, line), f"{what}: '{key}' must be a whole "
                                                      "number above 0")
    return value


def _level(entry, path, known_contexts) -> Criticality:
    if not isinstance(entry, dict):
        raise PolicyError(path, None, "each criticality level must be a mapping")
    line = line_of(entry)
    lid = entry.get("id")
    if not isinstance(lid, str) or not ID_PATTERN.match(lid):
        raise PolicyError(path, line, f"criticality id {lid!r}: use a-z, 0-9, - and _")
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise PolicyError(path, line, f"criticality {lid!r}: 'label' is required")
    contexts = entry.get("contexts")
    if not isinstance(contexts, list) or not contexts or not all(
            isinstance(c, str) for c in contexts):
        raise PolicyError(path, line_of(contexts, line),
                          f"criticality {lid!r}: 'contexts' must list usage contexts")
    unknown = [c for c in contexts if c not in known_contexts]
    if unknown:
        raise PolicyError(path, line_of(contexts, line),
                          f"criticality {lid!r}: unknown usage context(s) {', '.join(unknown)}; "
                          f"contexts.yaml has {', '.join(known_contexts)}")
    what = f"criticality {lid!r}"
    return Criticality(lid, label.strip(), tuple(contexts),
                       _positive(entry, "regular_update_months", path, line, what),
                       _positive(entry, "security_fix_days", path, line, what))


def load_lifecycle_policy(path: Path, *, contexts: list[str]) -> LifecyclePolicy:
    data = load_yaml(path)
    levels_raw = data.get("criticality")
    if not isinstance(levels_raw, list) or not levels_raw:
        raise PolicyError(path, line_of(data, 1), "'criticality' must list at least one level")
    levels = tuple(_level(entry, path, contexts) for entry in levels_raw)
    seen: dict[str, str] = {}
    for level in levels:
        for context in level.contexts:
            if context in seen:
                raise PolicyError(path, line_of(levels_raw, 1),
                                  f"usage context {context!r} is in both {seen[context]!r} "
                                  f"and {level.id!r}")
            seen[context] = level.id
    if len({lv.id for lv in levels}) != len(levels):
        raise PolicyError(path, line_of(levels_raw, 1), "criticality ids must be unique")
    missing = [c for c in contexts if c not in seen]
    if missing:
        raise PolicyError(path, line_of(levels_raw, 1),
                          f"usage context(s) {', '.join(missing)} have no criticality level")
    return LifecyclePolicy(levels, _positive(data, "patch_review_months", path,
                                             line_of(data, 1), "lifecycle"))
