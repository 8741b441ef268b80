"""How quickly the office answers, per request kind, against its service levels
(policies/service-levels.yaml): open requests by state and age, the median and 90th percentile
of the working days to the first response and to the decision over the last 30 and 90 days,
and what is late, latest first. Read from the requests and the audit trail."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from governance.audit.models import AuditEvent
from governance.auth.models import User
from governance.auth.roles import Role
from governance.database import db
from governance.rules.service_levels import Level, ServiceLevels, percentile
from governance.states import OPEN_STATES, State
from governance.workflow import kinds
from governance.workflow.models import Request

# The office's answers on a request: a step of its own, or a comment by one of its people.
RESPONSES = ("review_started", "changes_requested", "approved", "approved_with_conditions",
             "rejected", "commented")
WINDOWS = (30, 90)
# Open requests by working days since submission: (label, lowest, highest or None).
AGE_BUCKETS = (("0–1", 0, 1), ("2–5", 2, 5), ("6–10", 6, 10), ("11–20", 11, 20),
               ("over 20", 21, None))


@dataclass
class Figures:
    """Median and 90th percentile (working days) of what was measured, and how many."""

    median: float | None
    p90: float | None
    count: int

    @classmethod
    def of(cls, values: list[int]) -> "Figures":
        return cls(percentile(values, 0.5), percentile(values, 0.9), len(values))


@dataclass
class KindStanding:
    kind: str
    label: str
    level: Level | None
    open_by_state: dict[State, int] = field(default_factory=dict)
    first_response: dict[int, Figures] = field(default_factory=dict)  # by window (days)
    decision: dict[int, Figures] = field(default_factory=dict)

    @property
    def open_total(self) -> int:
        return sum(self.open_by_state.values())


@dataclass
class Late:
    request: Request
    waiting_for: str  # "first response" | "decision"
    working_days: int
    allowed: int

    @property
    def days_late(self) -> int:
        return self.working_days - self.allowed


@dataclass
class Dashboard:
    kinds: list[KindStanding]
    ages: list[tuple[str, int]]
    late: list[Late]


def _first_responses(ids: list[int]) -> dict[int, datetime]:
    """The first office answer on each request, in one query."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(AuditEvent.object_id, func.min(AuditEvent.at))
        .join(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.object_type == "request", AuditEvent.object_id.in_(ids),
               AuditEvent.action.in_(RESPONSES), User.role == Role.OSS_OFFICE)
        .group_by(AuditEvent.object_id))
    return dict(rows.all())


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(timezone.utc).date() if moment else None


def build(levels: ServiceLevels, today: date | None = None) -> Dashboard:
    """The dashboard under `levels` (the caller reads policies/service-levels.yaml)."""
    today = today or datetime.now(timezone.utc).date()
    since = datetime.combine(today - timedelta(days=max(WINDOWS)), datetime.min.time(),
                             tzinfo=timezone.utc)
    requests = list(db.session.scalars(select(Request).where(
        Request.submitted_at.is_not(None),
        (Request.state.in_(OPEN_STATES)) | (Request.submitted_at >= since))))
    answered = _first_responses([r.id for r in requests])
    standings = {name: KindStanding(name, kind.label, levels.level(name))
                 for name, kind in kinds.registered().items()}
    samples: dict[tuple[str, str, int], list[int]] = {}
    ages, late = [], []
    for r in requests:
        standing = standings.get(r.kind)
        if standing is None:
            continue
        submitted = _day(r.submitted_at)
        first = _day(answered.get(r.id))
        for window in WINDOWS:
            if submitted < today - timedelta(days=window):
                continue
            if first is not None:
                samples.setdefault((r.kind, "first", window), []).append(
                    levels.working_days_between(submitted, first))
            if r.decided_at is not None:
                samples.setdefault((r.kind, "decision", window), []).append(
                    levels.working_days_between(submitted, _day(r.decided_at)))
        if r.state in OPEN_STATES:
            standing.open_by_state[r.state] = standing.open_by_state.get(r.state, 0) + 1
            age = levels.working_days_between(submitted, today)
            ages.append(age)
            level = standing.level
            if level is not None:
                waiting, allowed = (("first response", level.first_response_days)
                                    if first is None else ("decision", level.decision_days))
                if age > allowed:
                    late.append(Late(r, waiting, age, allowed))
    for standing in standings.values():
        for window in WINDOWS:
            standing.first_response[window] = Figures.of(
                samples.get((standing.kind, "first", window), []))
            standing.decision[window] = Figures.of(
                samples.get((standing.kind, "decision", window), []))
    histogram = [(label, sum(1 for a in ages if a >= low and (high is None or a <= high)))
                 for label, low, high in AGE_BUCKETS]
    return Dashboard(sorted(standings.values(), key=lambda s: s.label),
                     histogram, sorted(late, key=lambda x: (-x.days_late, x.request.id)))
