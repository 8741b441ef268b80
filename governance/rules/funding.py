"""The office's rules for funding decisions, from policies/funding.yaml: the budget currency and
fiscal year, foundations with their tiers and fees, payment channels, the projects the company
controls, the usage score, the allocation's cap and minimum, the Open Source Pledge. Pure:
loading and validation; the caller supplies how amounts are read (exact money)."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Callable

from governance.rules.loader import PolicyError, line_of, load_yaml
from governance.rules.request_rules import ID_PATTERN

SIGNALS = ("teams", "products", "usage_contexts", "approved_versions", "no_security_policy",
           "few_maintainers", "low_activity", "local_patches", "upstream_contributions",
           "community_roles")


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    annual_fee: object  # exact money, as the caller's parser made it
    benefits: str


@dataclass(frozen=True)
class Foundation:
    id: str
    name: str
    url: str
    term_months: int
    tiers: tuple[Tier, ...]

    def tier(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)


@dataclass(frozen=True)
class Channel:
    id: str
    label: str
    card_only: bool


@dataclass(frozen=True)
class Signal:
    id: str
    label: str
    weight: float
    threshold: float


@dataclass(frozen=True)
class FundingPolicy:
    currency: str
    fiscal_year_start_month: int
    renewal_notice_days: int
    foundations: tuple[Foundation, ...]
    channels: tuple[Channel, ...]
    own_projects: tuple[str, ...]
    context_weights: dict[str, float]
    signals: tuple[Signal, ...]
    allocation_cap: int
    allocation_minimum: int
    pledge_per_developer_usd: int
    pledge_developers: dict[int, int]
    pledge_report_url: str
    pledge_report_due_month: int

    def foundation(self, foundation_id: str) -> Foundation | None:
        return next((f for f in self.foundations if f.id == foundation_id), None)

    def channel(self, channel_id: str) -> Channel | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    def is_own_project(self, purl: str) -> bool:
        lowered = purl.lower()
        return any(fnmatch.fnmatchcase(lowered, p.lower()) for p in self.own_projects)


def _mapping(value, where: str, path) -> dict:
    if not isinstance(value, dict):
        raise PolicyError(path, line_of(value), f"'{where}' must be a mapping")
    return value


def _list(value, where: str, path, line) -> list:
    if not isinstance(value, list):
        raise PolicyError(path, line_of(value, line), f"'{where}' must be a list")
    return value


def _text(entry, key, path, where, required=True) -> str:
    value = entry.get(key, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        raise PolicyError(path, line_of(entry), f"{where}: '{key}' is required text")
    return value.strip()


def _number(value, path, line, where: str, *, low: float, high: float,
            whole: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)) \
            or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        raise PolicyError(path, line, f"{where} must be {kind} from {low:g} to {high:g}")
    return value


def _id(entry, path, where: str, seen: set) -> str:
    value = entry.get("id")
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise PolicyError(path, line_of(entry), f"{where} id {value!r}: use a-z, 0-9, - and _")
    if value in seen:
        raise PolicyError(path, line_of(entry), f"{where} {value!r} is listed twice")
    seen.add(value)
    return value


def load_funding_policy(path, contexts: list[str],
                        read_money: Callable[[str, str], object],
                        check_currency: Callable[[str], str]) -> FundingPolicy:
    """`read_money(text, currency)` and `check_currency(code)` raise ValueError with a reason."""
    data = load_yaml(path)
    top = line_of(data, 1)
    try:
        currency = check_currency(str(data.get("currency", "")))
    except ValueError as exc:
        raise PolicyError(path, top, f"currency: {exc}") from None
    start = _number(data.get("fiscal_year_start_month", 1), path, top,
                    "fiscal_year_start_month", low=1, high=12, whole=True)
    notice = _number(data.get("renewal_notice_days", 60), path, top, "renewal_notice_days",
                     low=0, high=365, whole=True)

    foundations, seen = [], set()
    for entry in _list(data.get("foundations") or [], "foundations", path, top):
        entry = _mapping(entry, "foundations[]", path)
        fid = _id(entry, path, "foundation", seen)
        tiers, tier_ids = [], set()
        for tier in _list(entry.get("tiers") or [], f"{fid}.tiers", path, line_of(entry)):
            tier = _mapping(tier, f"{fid}.tiers[]", path)
            tid = _id(tier, path, f"{fid} tier", tier_ids)
            try:
                fee = read_money(str(tier.get("annual_fee", "")), str(tier.get("currency", "")))
            except ValueError as exc:
                raise PolicyError(path, line_of(tier), f"{fid}.{tid}.annual_fee: {exc}") from None
            tiers.append(Tier(tid, _text(tier, "name", path, f"{fid}.{tid}"), fee,
                              _text(tier, "benefits", path, f"{fid}.{tid}", required=False)))
        term = _number(entry.get("term_months", 12), path, line_of(entry),
                       f"{fid}.term_months", low=1, high=60, whole=True)
        foundations.append(Foundation(fid, _text(entry, "name", path, fid),
                                      _text(entry, "url", path, fid, required=False), term,
                                      tuple(tiers)))

    channels, seen = [], set()
    for entry in _list(data.get("channels") or [], "channels", path, top):
        entry = _mapping(entry, "channels[]", path)
        cid = _id(entry, path, "channel", seen)
        card_only = entry.get("card_only", False)
        if not isinstance(card_only, bool):
            raise PolicyError(path, line_of(entry), f"channel {cid}: card_only is true or false")
        channels.append(Channel(cid, _text(entry, "label", path, cid), card_only))
    if not channels:
        raise PolicyError(path, top, "'channels' needs at least one payment channel")

    own = data.get("own_projects") or []
    if not isinstance(own, list) or not all(isinstance(p, str) and p.startswith("pkg:")
                                            for p in own):
        raise PolicyError(path, line_of(own, top), "'own_projects' is a list of purl patterns "
                                                   "(pkg:TYPE/…)")

    score = _mapping(data.get("score") or {}, "score", path)
    weights = _mapping(score.get("context_weights") or {}, "score.context_weights", path)
    for context, weight in weights.items():
        if context not in contexts:
            raise PolicyError(path, line_of(weights), f"score.context_weights: unknown usage "
                                                      f"context {context!r}; known: "
                                                      f"{', '.join(contexts)}")
        _number(weight, path, line_of(weights), f"score.context_weights.{context}", low=0,
                high=100)
    signals, seen = [], set()
    for entry in _list(score.get("signals") or [], "score.signals", path, line_of(score, top)):
        entry = _mapping(entry, "score.signals[]", path)
        sid = entry.get("id")
        if sid not in SIGNALS:
            raise PolicyError(path, line_of(entry), f"score signal {sid!r} is not one of "
                                                    f"{', '.join(SIGNALS)}")
        if sid in seen:
            raise PolicyError(path, line_of(entry), f"score signal {sid!r} is listed twice")
        seen.add(sid)
        signals.append(Signal(sid, _text(entry, "label", path, sid),
                              float(_number(entry.get("weight"), path, line_of(entry),
                                            f"{sid}.weight", low=0, high=100)),
                              float(_number(entry.get("threshold"), path, line_of(entry),
                                            f"{sid}.threshold", low=0.001, high=10**9))))
    if not signals:
        raise PolicyError(path, line_of(score, top), "score.signals needs at least one signal")

    allocation = _mapping(data.get("allocation") or {}, "allocation", path)
    cap = _number(allocation.get("cap"), path, line_of(allocation, top), "allocation.cap",
                  low=1, high=10**12, whole=True)
    minimum = _number(allocation.get("minimum", 0), path, line_of(allocation, top),
                      "allocation.minimum", low=0, high=cap, whole=True)

    pledge = _mapping(data.get("pledge") or {}, "pledge", path)
    per_dev = _number(pledge.get("per_developer_usd", 2000), path, line_of(pledge, top),
                      "pledge.per_developer_usd", low=0, high=10**6, whole=True)
    developers = {}
    for year, count in _mapping(pledge.get("developers") or {}, "pledge.developers",
                                path).items():
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            raise PolicyError(path, line_of(pledge), f"pledge.developers: {year!r} is not a year")
        developers[year] = _number(count, path, line_of(pledge), f"pledge.developers.{year}",
                                   low=0, high=10**7, whole=True)
    url = pledge.get("report_url", "")
    if url and not (isinstance(url, str) and re.match(r"^https://\S+$", url)):
        raise PolicyError(path, line_of(pledge), "pledge.report_url is an https:// address")
    due = _number(pledge.get("report_due_month", 1), path, line_of(pledge, top),
                  "pledge.report_due_month", low=1, high=12, whole=True)

    return FundingPolicy(
        currency=currency, fiscal_year_start_month=start, renewal_notice_days=notice,
        foundations=tuple(foundations), channels=tuple(channels), own_projects=tuple(own),
        context_weights={k: float(v) for k, v in weights.items()}, signals=tuple(signals),
        allocation_cap=cap, allocation_minimum=minimum, pledge_per_developer_usd=per_dev,
        pledge_developers=developers, pledge_report_url=url or "", pledge_report_due_month=due)
