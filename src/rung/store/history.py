"""History over snapshots: portfolio levels and gaps, and one service's changes."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, case, func, select

from rung.assess.changes import explain_change
from rung.assess.drift import Drift, Levels, drift_of
from rung.assess.stability import DEFAULT_STABILITY
from rung.model.workspace import StabilitySettings
from rung.store import codec
from rung.store.read import COMPLETE, SnapshotInfo, list_snapshots
from rung.store.schema import FindingRow, ServiceRow, Snapshot


@dataclass(frozen=True)
class PortfolioPoint:
    snapshot: SnapshotInfo
    services: int
    below: int  # services below their required level
    gaps: int
    achieved: dict[int, int]  # level -> services
    required: dict[int, int]
    drift: tuple[Drift, ...] = ()  # against the snapshot before (issue 4)

    def to_json(self) -> dict[str, Any]:
        return {
            "snapshot": self.snapshot.to_json(),
            "services": self.services,
            "below_required": self.below,
            "gaps": self.gaps,
            "achieved": {str(k): v for k, v in sorted(self.achieved.items())},
            "required": {str(k): v for k, v in sorted(self.required.items())},
            "drift": [
                {"service": d.service, "kind": str(d.kind), "message": d.message}
                for d in self.drift
            ],
        }


@dataclass(frozen=True)
class CheckChange:
    check_id: str
    before: str | None  # None: the check did not exist
    after: str | None

    def to_json(self) -> dict[str, Any]:
        return {"check": self.check_id, "from": self.before, "to": self.after}


@dataclass(frozen=True)
class ServicePoint:
    snapshot: SnapshotInfo
    head: str | None
    achieved: int
    required: int
    potential: int
    gaps: int
    points: int
    explanation: list[dict[str, Any]]
    causes: tuple[str, ...] = ()  # what changed since the previous snapshot
    changes: tuple[CheckChange, ...] = ()
    required_change: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    drift: tuple[Drift, ...] = ()  # against the snapshot before (issue 4)

    def to_json(self) -> dict[str, Any]:
        return {
            "snapshot": self.snapshot.to_json(),
            "head": self.head,
            "achieved": self.achieved,
            "required": self.required,
            "potential": self.potential,
            "gaps": self.gaps,
            "points": self.points,
            "causes": list(self.causes),
            "changed_checks": [c.to_json() for c in self.changes],
            "required_change": self.required_change,
            "drift": [{"kind": str(d.kind), "message": d.message} for d in self.drift],
        }


def portfolio_history(conn: Connection) -> list[PortfolioPoint]:
    from rung.store.context import drift_by_snapshot

    drift = drift_by_snapshot(conn)
    infos = {s.id: s for s in list_snapshots(conn)}
    below = func.sum(case((ServiceRow.achieved < ServiceRow.required, 1), else_=0))
    totals = conn.execute(
        select(ServiceRow.snapshot_id, func.count(), below, func.sum(ServiceRow.gaps))
        .join(Snapshot, Snapshot.id == ServiceRow.snapshot_id)
        .where(Snapshot.status == COMPLETE)
        .group_by(ServiceRow.snapshot_id)
    ).all()
    dist: dict[str, dict[int, Counter[int]]] = {
        "a": defaultdict(Counter),
        "r": defaultdict(Counter),
    }
    for key, col in (("a", ServiceRow.achieved), ("r", ServiceRow.required)):
        for sid, level, n in conn.execute(
            select(ServiceRow.snapshot_id, col, func.count()).group_by(ServiceRow.snapshot_id, col)
        ):
            dist[key][sid][level] += n
    by_id = {sid: (int(n or 0), int(b or 0), int(g or 0)) for sid, n, b, g in totals}
    out = []
    for sid, info in sorted(infos.items()):
        n, b, g = by_id.get(sid, (0, 0, 0))
        out.append(
            PortfolioPoint(
                info,
                n,
                b,
                g,
                dict(dist["a"][sid]),
                dict(dist["r"][sid]),
                tuple(drift.get(sid, ())),
            )
        )
    return out


def service_history(
    conn: Connection, name: str, stability: StabilitySettings = DEFAULT_STABILITY
) -> list[ServicePoint]:
    infos = {s.id: s for s in list_snapshots(conn)}
    rows = conn.execute(
        select(
            ServiceRow.id,
            ServiceRow.snapshot_id,
            ServiceRow.head,
            ServiceRow.service,
            ServiceRow.achieved,
            ServiceRow.required,
            ServiceRow.potential,
            ServiceRow.gaps,
            ServiceRow.points,
            ServiceRow.risk,
        )
        .where(ServiceRow.name == name, ServiceRow.snapshot_id.in_(list(infos) or [-1]))
        .order_by(ServiceRow.snapshot_id)
    ).all()
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    pks = [r.id for r in rows]
    for pk, cid, status in conn.execute(
        select(FindingRow.service_pk, FindingRow.check_id, FindingRow.status).where(
            FindingRow.service_pk.in_(pks or [-1])
        )
    ):
        statuses[pk][cid] = status
    points: list[ServicePoint] = []
    prev: Any = None
    for r in rows:
        info = infos[r.snapshot_id]
        point = ServicePoint(
            info,
            r.head,
            r.achieved,
            r.required,
            r.potential,
            r.gaps,
            r.points,
            json.loads(r.risk)["explanation"],
            extra={
                "service": r.service,
                "statuses": statuses[r.id],
                "risk": r.risk,
                "name": name,
            },
            drift=tuple(drift_of(name, Levels(r.required, r.achieved))),
        )
        points.append(_compare(points[-1], point, stability) if prev is not None else point)
        prev = r
    return points


def _causes(before: ServicePoint, after: ServicePoint) -> tuple[str, ...]:
    tests = (
        ("service", before.head != after.head),
        ("model", before.snapshot.model_hash != after.snapshot.model_hash),
        ("catalog", before.extra["service"] != after.extra["service"]),
        ("rung", before.snapshot.check_suite != after.snapshot.check_suite),
    )
    return tuple(name for name, changed in tests if changed)


def _compare(
    before: ServicePoint, after: ServicePoint, stability: StabilitySettings
) -> ServicePoint:
    old, new = before.extra["statuses"], after.extra["statuses"]
    changes = tuple(
        CheckChange(cid, old.get(cid), new.get(cid))
        for cid in sorted(set(old) | set(new))
        if old.get(cid) != new.get(cid)
    )
    causes = _causes(before, after)
    if changes and not causes:
        causes = ("live",)  # only live probes run again on an unchanged service
    drift = drift_of(
        after.extra["name"],
        Levels(after.required, after.achieved),
        Levels(before.required, before.achieved),
    )
    return replace(
        after,
        causes=causes,
        changes=changes,
        required_change=_required_change(before, after, stability),
        drift=tuple(drift),
    )


def _required_change(
    before: ServicePoint, after: ServicePoint, stability: StabilitySettings
) -> str | None:
    """`required 2 -> 3: commits_90d 12 -> 64 (+1), ...` (rung.assess.changes); None when
    the level is unchanged and nothing is held back."""
    change = explain_change(
        codec.risk_from_json(before.extra["risk"]),
        codec.risk_from_json(after.extra["risk"]),
        stability,
    )
    return change.text if change.changed or change.reasons else None
