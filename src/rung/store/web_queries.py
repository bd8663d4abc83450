"""Queries the web dashboard needs beyond `Store` (issue 6): reads for the heatmap and
trends, and the two writes issue 4's ledger has no function for (editing a goal,
recording a "rescan now"), which append to the same audit trail.

Each function opens its own transaction; results are plain values, never rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update

from rung.errors import UsageError
from rung.store import codec
from rung.store.engine import read_connection, write_transaction
from rung.store.ledger import audit_entry
from rung.store.read import COMPLETE
from rung.store.schema import GoalRow, ServiceRow, Snapshot

if TYPE_CHECKING:
    from rung.assess.goals import Goal
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


# ----- writes the dashboard adds to issue 4's ledger (same tables, same audit trail) -----


def edit_goal(store: Store, goal_id: int, goal: Goal, *, actor: str, now: datetime) -> None:
    """Change goal `goal_id` (already checked against the model) and append a `goal.edit`
    entry with the fields that changed to the audit trail. LookupError: no such goal;
    UsageError: another goal has the new name."""
    values: dict[str, object] = {
        "name": goal.name,
        "filter": goal.services.text,
        "areas": codec.dumps(list(goal.areas)),
        "level": goal.level,
        "due": goal.due,
        "description": goal.description,
    }
    with write_transaction(store.engine, lock_timeout=store.lock_timeout) as conn:
        row = conn.execute(select(GoalRow).where(GoalRow.id == goal_id)).first()
        if row is None:
            raise LookupError(f"no goal with id {goal_id}")
        clash = conn.execute(
            select(GoalRow.id).where(GoalRow.name == goal.name, GoalRow.id != goal_id)
        ).first()
        if clash is not None:
            raise UsageError(f"a goal named {goal.name!r} exists already")
        old = row._mapping
        changes: dict[str, tuple[object, object]] = {}
        for key, value in values.items():
            before = old[key]
            if before != value:
                changes[key] = (before, value)
        if not changes:
            return
        if "areas" in changes:  # as lists, like the `goal.add` entry
            changes["areas"] = (codec.loads(str(old["areas"])), list(goal.areas))
        conn.execute(update(GoalRow).where(GoalRow.id == goal_id).values(**values))
        audit_entry(
            conn,
            at=now,
            actor=actor,
            action="goal.edit",
            entity="goal",
            entity_id=goal_id,
            changes=changes,
        )


def audit_rescan(store: Store, *, actor: str, at: datetime, ok: bool, error: str | None) -> None:
    """A "rescan now" in the audit trail: entity `rescan`, id the snapshot it stored (0
    when it failed)."""
    sid = latest_snapshot_id(store) if ok else None
    with write_transaction(store.engine, lock_timeout=store.lock_timeout) as conn:
        audit_entry(
            conn,
            at=at,
            actor=actor,
            action="rescan",
            entity="rescan",
            entity_id=sid or 0,
            changes={"ok": (None, ok), "error": (None, error)},
        )
