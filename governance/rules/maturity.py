"""The maturity criteria of policies/maturity.yaml: weights, guidance, the 1-to-5 scale and
the threshold of the recommendation. Pure: loading, validation and the weighted score."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from governance.rules.loader import PolicyError, line_of, load_yaml
from governance.rules.request_rules import ID_PATTERN


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    weight: float
    guidance: str
    scale: dict[int, str]
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class MaturityCriteria:
    threshold: float
    criteria: tuple[Criterion, ...]
    digest: str

    def weighted_score(self, scores: dict[str, int]) -> float | None:
        """sum(score x weight) / sum(weight) over the criteria scored; None if none is."""
        scored = [(c.weight, scores[c.id]) for c in self.criteria if scores.get(c.id)]
        if not scored:
            return None
        return round(sum(w * s for w, s in scored) / sum(w for w, _ in scored), 2)

    def recommends(self, scores: dict[str, int]) -> bool | None:
        score = self.weighted_score(scores)
        return None if score is None else score >= self.threshold


def _criterion(entry, path) -> Criterion:
    if not isinstance(entry, dict):
        raise PolicyError(path, None, "each criterion must be a mapping")
    line = line_of(entry)
    cid = entry.get("id")
    if not isinstance(cid, str) or not ID_PATTERN.match(cid):
        raise PolicyError(path, line, f"criterion id {cid!r}: use a-z, 0-9, - and _")
    label, guidance = entry.get("label"), entry.get("guidance", "")
    if not isinstance(label, str) or not label.strip():
        raise PolicyError(path, line, f"criterion {cid!r}: 'label' is required")
    if not isinstance(guidance, str):
        raise PolicyError(path, line, f"criterion {cid!r}: 'guidance' must be text")
    weight = entry.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        raise PolicyError(path, line, f"criterion {cid!r}: 'weight' must be a positive number")
    scale = entry.get("scale")
    if not isinstance(scale, dict) or sorted(scale) != [1, 2, 3, 4, 5] or not all(
            isinstance(v, str) and v.strip() for v in scale.values()):
        raise PolicyError(path, line_of(scale, line),
                          f"criterion {cid!r}: 'scale' must say what each of 1 to 5 means")
    signals = entry.get("signals") or []
    if not isinstance(signals, list) or not all(isinstance(s, str) for s in signals):
        raise PolicyError(path, line, f"criterion {cid!r}: 'signals' is a list of signal ids")
    return Criterion(cid, label.strip(), float(weight), " ".join(guidance.split()),
                     {k: v.strip() for k, v in scale.items()}, tuple(signals))


def load_maturity(path: Path | str) -> MaturityCriteria:
    path = Path(path)
    data = load_yaml(path)
    threshold = data.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) \
            or not 1 <= threshold <= 5:
        raise PolicyError(path, line_of(data, 1), "'threshold' must be a number from 1 to 5")
    entries = data.get("criteria")
    if not isinstance(entries, list) or not entries:
        raise PolicyError(path, line_of(data, 1), "'criteria' must be a non-empty list")
    criteria = tuple(_criterion(e, path) for e in entries)
    ids = [c.id for c in criteria]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise PolicyError(path, line_of(entries), f"duplicate criterion id {duplicate!r}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return MaturityCriteria(float(threshold), criteria, digest)
