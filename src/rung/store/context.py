"""What a report of one snapshot needs from the snapshots around it (issue 4): the
previous snapshot's required levels (to explain changes and flag drift), the overrides
that had expired by then, per-snapshot levels for goals, and drift over history."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, func, select

from rung.assess.drift import Drift, Levels, portfolio_drift
from rung.assess.explain import Previous
from rung.assess.goals import GoalService, SnapshotLevels
from rung.assess.overrides import OverrideRecord, expired
from rung.store import codec
from rung.store.ledger import list_overrides
from rung.store.read import COMPLETE, latest_id, list_snapshots
from rung.store.schema import AreaRow, ServiceRow, Snapshot


def previous_id(conn: Connection, snapshot_id: int | None) -> int | None:
    """The complete snapshot before `snapshot_id` (None: before a scan not stored yet,
    i.e. the latest)."""
    if snapshot_id is None:
        return latest_id(conn)
    found = conn.execute(
        select(func.max(Snapshot.id)).where(Snapshot.status == COMPLETE, Snapshot.id < snapshot_id)
    ).scalar()
    return int(found) if found is not None else None


def previous_services(conn: Connection, snapshot_id: int | None) -> dict[str, Previous]:
    """Each service of the snapshot before `snapshot_id`: its required level as assessed
    then and its levels (empty for the first snapshot)."""
    sid = previous_id(conn, snapshot_id)
    if sid is None:
        return {}
    rows = conn.execute(
        select(ServiceRow.name, ServiceRow.risk, ServiceRow.required, ServiceRow.achieved).where(
            ServiceRow.snapshot_id == sid
        )
    )
    return {
        name: Previous(codec.risk_from_json(risk), Levels(required, achieved))
        for name, risk, required, achieved in rows
    }


def expired_overrides(
    conn: Connection, as_of: datetime, recorded_by: datetime
) -> list[OverrideRecord]:
    """Attestations and waivers recorded (and not revoked) by `recorded_by` that had
    expired at `as_of`."""
    return expired(list_overrides(conn), as_of, recorded_by)


def goal_snapshots(conn: Connection) -> list[SnapshotLevels]:
    """Every complete snapshot's services with their achieved level per area, oldest first."""
    infos = list_snapshots(conn)
    ids = [i.id for i in infos] or [-1]
    areas: dict[int, dict[str, int]] = defaultdict(dict)
    for pk, area, achieved in conn.execute(
        select(AreaRow.service_pk, AreaRow.area_id, AreaRow.achieved)
        .join(ServiceRow, ServiceRow.id == AreaRow.service_pk)
        .where(ServiceRow.snapshot_id.in_(ids))
    ):
        areas[pk][area] = achieved
    by_snapshot: dict[int, list[GoalService]] = defaultdict(list)
    query = (
        select(ServiceRow.id, ServiceRow.snapshot_id, ServiceRow.name, ServiceRow.owner)
        .add_columns(ServiceRow.profile, ServiceRow.service, ServiceRow.risk)
        .where(ServiceRow.snapshot_id.in_(ids))
        .order_by(ServiceRow.snapshot_id, ServiceRow.name)
    )
    for pk, sid, name, owner, profile, service, risk in conn.execute(query):
        svc = json.loads(service)
        chain = json.loads(risk).get("critical_chain") or []
        by_snapshot[sid].append(
            GoalService(
                name,
                owner,
                svc.get("system"),
                svc.get("lifecycle"),
                profile,
                bool(chain) or svc.get("critical_path") is True,
                areas[pk],
            )
        )
    return [SnapshotLevels(i.id, i.as_of, tuple(by_snapshot[i.id])) for i in infos]


def drift_by_snapshot(conn: Connection) -> dict[int, list[Drift]]:
    """Drift flags of every complete snapshot against the one before it."""
    infos = list_snapshots(conn)
    levels: dict[int, dict[str, Levels]] = defaultdict(dict)
    for sid, name, required, achieved in conn.execute(
        select(ServiceRow.snapshot_id, ServiceRow.name, ServiceRow.required, ServiceRow.achieved)
        .join(Snapshot, Snapshot.id == ServiceRow.snapshot_id)
        .where(Snapshot.status == COMPLETE)
    ):
        levels[sid][name] = Levels(required, achieved)
    out: dict[int, list[Drift]] = {}
    before: dict[str, Levels] = {}
    for info in infos:
        now = levels[info.id]
        out[info.id] = portfolio_drift(now, before)
        before = now
    return out
