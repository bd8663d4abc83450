"""Read-only queries the web dashboard needs beyond `Store` (issue 6).

Each function opens its own read transaction; results are plain values, never rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from rung.store.engine import read_connection
from rung.store.read import COMPLETE
from rung.store.schema import AreaRow, ServiceRow, Snapshot

if TYPE_CHECKING:
    from rung.store.api import Store


@dataclass(frozen=True, slots=True)
class StoredLevels:
    """A service's overall levels in one snapshot."""

    achieved: int
    required: int


def latest_snapshot_id(store: Store) -> int | None:
    """The id of the newest complete snapshot (a cheap query: the dashboard's cache key)."""
    with read_connection(store.engine) as conn:
        found = conn.execute(
            select(func.max(Snapshot.id)).where(Snapshot.status == COMPLETE)
        ).scalar()
    return int(found) if found is not None else None


def levels_by_snapshot(
    store: Store, snapshot_ids: Sequence[int]
) -> dict[int, dict[str, StoredLevels]]:
    """Every service's overall levels in each of these snapshots: {snapshot: {name: levels}}."""
    out: dict[int, dict[str, StoredLevels]] = {sid: {} for sid in snapshot_ids}
    if not snapshot_ids:
        return out
    with read_connection(store.engine) as conn:
        rows = conn.execute(
            select(
                ServiceRow.snapshot_id, ServiceRow.name, ServiceRow.achieved, ServiceRow.required
            ).where(ServiceRow.snapshot_id.in_(list(snapshot_ids)))
        )
        for sid, name, achieved, required in rows:
            out[sid][name] = StoredLevels(int(achieved), int(required))
    return out


@dataclass(frozen=True, slots=True)
class AreaProgress:
    """How many of a goal's (service, area) pairs reached its level in one snapshot."""

    snapshot_id: int
    met: int
    total: int


def area_progress(
    store: Store, services: Sequence[str], areas: Sequence[str], level: int
) -> list[AreaProgress]:
    """For every complete snapshot holding any of `services`: the number of (service,
    area) pairs of `services` x `areas` whose achieved level is at least `level`. Pairs
    missing from a snapshot (service or area not there then) count as not met; `total`
    is always len(services) x len(areas)."""
    total = len(services) * len(areas)
    if not total:
        return []
    met: dict[int, int] = defaultdict(int)
    seen: set[int] = set()
    with read_connection(store.engine) as conn:
        query = (
            select(ServiceRow.snapshot_id, AreaRow.achieved)
            .join(AreaRow, AreaRow.service_pk == ServiceRow.id)
            .join(Snapshot, Snapshot.id == ServiceRow.snapshot_id)
            .where(
                Snapshot.status == COMPLETE,
                ServiceRow.name.in_(list(services)),
                AreaRow.area_id.in_(list(areas)),
            )
        )
        for sid, achieved in conn.execute(query):
            seen.add(sid)
            if achieved >= level:
                met[sid] += 1
    return [AreaProgress(sid, met[sid], total) for sid in sorted(seen)]
