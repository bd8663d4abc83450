"""Goals with outcomes (issue 4): "these services reach level L in these areas by date D",
tracked as progress over snapshots. Pure functions of stored levels.

Service filter (`--services`): comma-separated `key=value` terms, all of which must hold.
Keys: `team` (or `owner`), `system`, `lifecycle`, `profile`, `name` (values are exact or
shell globs: `name=pay*`), and `critical=true|false` (on the critical path, declared or
inherited through dependencies). `all` (or `*`) selects every service.

A service meets a goal in a snapshot when its achieved level in every goal area is at
least the goal's level. Progress per snapshot is meeting / total over the services the
filter selects in that snapshot. Status, at the latest snapshot:

- `met`: every selected service meets it;
- `overdue`: not met and the latest snapshot is at or past the due date;
- `on track` / `behind`: the least-squares line through (as-of, share meeting) of the
  snapshots reaches 100 % by the due date, or not (a flat or falling trend is behind);
- `no trend`: fewer than two snapshots at different times, not met;
- `no data`: no snapshot selects any service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from fnmatch import fnmatchcase

from rung.assess.levels import ExpectationResult
from rung.assess.service import ServiceAssessment
from rung.errors import UsageError

TEXT_KEYS = {"team": "owner", "owner": "owner", "system": "system", "lifecycle": "lifecycle"}
TEXT_KEYS |= {"profile": "profile", "name": "name"}
BOOL_KEYS = {"critical": "critical"}
EVERYTHING = ("all", "*")
_TRUE = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass(frozen=True, slots=True)
class GoalService:
    """What a goal needs to know of one service in one snapshot."""

    name: str
    owner: str | None
    system: str | None
    lifecycle: str | None
    profile: str | None
    critical: bool
    areas: Mapping[str, int]  # area id -> achieved level

    @classmethod
    def of(cls, a: ServiceAssessment) -> GoalService:
        svc = a.scan.service
        return cls(
            a.name,
            svc.owner,
            svc.system,
            svc.lifecycle,
            a.profile,
            bool(a.risk.critical_chain) or svc.critical_path is True,
            {k: r.achieved for k, r in a.areas.items()},
        )

    def field(self, name: str) -> str | bool | None:
        value: str | bool | None = getattr(self, name)
        return value


@dataclass(frozen=True, slots=True)
class ServiceFilter:
    text: str
    terms: tuple[tuple[str, str | bool], ...]  # (GoalService field, value or glob)

    def matches(self, s: GoalService) -> bool:
        for fld, want in self.terms:
            have = s.field(fld)
            if isinstance(want, bool):
                if bool(have) is not want:
                    return False
            elif have is None or not fnmatchcase(str(have), want):
                return False
        return True


def parse_filter(text: str) -> ServiceFilter:
    """`team=payments,critical=true` -> a filter; a clear UsageError otherwise."""
    terms: list[tuple[str, str | bool]] = []
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise UsageError("--services: give a filter such as team=team-payments, or all")
    for part in parts:
        if part.lower() in EVERYTHING and len(parts) == 1:
            return ServiceFilter(text.strip(), ())
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise UsageError(f"--services: {part!r} is not key=value")
        if key in TEXT_KEYS:
            terms.append((TEXT_KEYS[key], value))
        elif key in BOOL_KEYS and value.lower() in _TRUE:
            terms.append((BOOL_KEYS[key], _TRUE[value.lower()]))
        elif key in BOOL_KEYS:
            raise UsageError(f"--services: {key}= takes true or false, not {value!r}")
        else:
            known = ", ".join(sorted(TEXT_KEYS.keys() | BOOL_KEYS.keys()))
            raise UsageError(f"--services: unknown key {key!r} (known: {known}, or all)")
    return ServiceFilter(text.strip(), tuple(terms))


@dataclass(frozen=True)
class Goal:
    name: str
    services: ServiceFilter
    areas: tuple[str, ...]
    level: int
    due: datetime
    description: str = ""

    def met_by(self, s: GoalService) -> bool:
        return all(s.areas.get(area, 0) >= self.level for area in self.areas)


@dataclass(frozen=True)
class SnapshotLevels:
    """One stored snapshot as goals see it."""

    id: int
    as_of: datetime
    services: tuple[GoalService, ...]


@dataclass(frozen=True)
class GoalPoint:
    snapshot: int
    as_of: datetime
    meeting: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.meeting) + len(self.missing)

    @property
    def share(self) -> float:
        return len(self.meeting) / self.total if self.total else 0.0


class GoalStatus(StrEnum):
    MET = "met"
    ON_TRACK = "on track"
    BEHIND = "behind"
    OVERDUE = "overdue"
    NO_TREND = "no trend"
    NO_DATA = "no data"


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    points: tuple[GoalPoint, ...]
    status: GoalStatus
    projected: float | None  # the trend's share meeting at the due date (None: no trend)

    @property
    def latest(self) -> GoalPoint | None:
        return self.points[-1] if self.points else None


def point(goal: Goal, snap: SnapshotLevels) -> GoalPoint:
    selected = sorted((s for s in snap.services if goal.services.matches(s)), key=lambda s: s.name)
    return GoalPoint(
        snap.id,
        snap.as_of,
        tuple(s.name for s in selected if goal.met_by(s)),
        tuple(s.name for s in selected if not goal.met_by(s)),
    )


def _days(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 86400


def projection(points: Sequence[GoalPoint], due: datetime) -> float | None:
    """The least-squares line through (days, share) evaluated at `due`; None without two
    distinct times."""
    if len(points) < 2:
        return None
    t0 = points[0].as_of
    xs = [_days(t0, p.as_of) for p in points]
    ys = [p.share for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return my + slope * (_days(t0, due) - mx)


def _status(goal: Goal, points: Sequence[GoalPoint], projected: float | None) -> GoalStatus:
    if not points:
        return GoalStatus.NO_DATA
    last = points[-1]
    if not last.missing:
        return GoalStatus.MET
    if last.as_of >= goal.due:
        return GoalStatus.OVERDUE
    if projected is None:
        return GoalStatus.NO_TREND
    return GoalStatus.ON_TRACK if projected >= 1 - 1e-9 else GoalStatus.BEHIND


def progress(goal: Goal, snapshots: Iterable[SnapshotLevels]) -> GoalProgress:
    """The goal's progress over `snapshots` (oldest first); snapshots selecting no service
    are left out."""
    pts = tuple(p for p in (point(goal, s) for s in snapshots) if p.total)
    projected = projection(pts, goal.due)
    return GoalProgress(goal, pts, _status(goal, pts, projected), projected)


def goal_gaps(goal: Goal, a: ServiceAssessment) -> list[ExpectationResult]:
    """What keeps `a` from the goal: unmet expectations at or below the goal's level in the
    goal's areas, in model order."""
    return [
        e
        for area in goal.areas
        if area in a.areas
        for e in a.areas[area].expectations
        if not e.state.met and e.level <= goal.level
    ]


def check_goal(goal: Goal, area_ids: Iterable[str], max_level: int) -> None:
    """Refuse areas the model does not have and levels outside 1..max_level."""
    known = set(area_ids)
    unknown = [a for a in goal.areas if a not in known]
    if not goal.areas:
        raise UsageError("a goal needs at least one --area")
    if unknown:
        raise UsageError(f"unknown area {', '.join(unknown)} (see `rung model show`)")
    if not 1 <= goal.level <= max_level:
        raise UsageError(f"--level {goal.level}: the model's levels are 1..{max_level}")
