"""Attestations, waivers and goals in the database, with their audit trail (issue 4).

Every write runs in one transaction under the single-writer lock and appends one row to
`audit_log` (who ran it, when, the action, and each changed field as [before, after]).
Nothing is deleted or rewritten: revoking sets `revoked_at`; triggers (migration 0002)
refuse UPDATE/DELETE on the audit log and DELETE on attestations, waivers and goals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from rung.assess.goals import Goal, parse_filter
from rung.assess.overrides import AuditEntry, OverrideKind, OverrideRecord, iso
from rung.errors import UsageError
from rung.store import codec
from rung.store.engine import write_transaction
from rung.store.schema import AuditRow, GoalRow, OverrideRow


@dataclass(frozen=True)
class GoalRecord:
    id: int
    goal: Goal
    created_at: datetime
    actor: str

    def to_json(self) -> dict[str, object]:
        g = self.goal
        return {
            "id": self.id,
            "name": g.name,
            "services": g.services.text,
            "areas": list(g.areas),
            "level": g.level,
            "due": iso(g.due),
            "description": g.description,
            "created_at": iso(self.created_at),
            "actor": self.actor,
        }


def _jsonable(value: object) -> object:
    return iso(value) if isinstance(value, datetime) else value


def audit_entry(
    conn: Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int,
    changes: Mapping[str, tuple[object, object]],
) -> None:
    doc = {k: [_jsonable(b), _jsonable(a)] for k, (b, a) in changes.items()}
    conn.execute(
        insert(AuditRow).values(
            at=at,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes=codec.dumps(codec.scrubbed(doc)),
        )
    )


# ----- attestations and waivers ---------------------------------------------------------


def _record(row: Any) -> OverrideRecord:
    return OverrideRecord(
        id=row.id,
        kind=OverrideKind(row.kind),
        service=row.service,
        expectation=row.expectation,
        by=row.by,
        evidence=row.evidence,
        note=row.note,
        created_at=row.created_at,
        expires_at=row.expires_at,
        actor=row.actor,
        revoked_at=row.revoked_at,
        revoked_by=row.revoked_by,
        revoke_reason=row.revoke_reason,
    )


def add_override(
    engine: Engine,
    *,
    kind: OverrideKind,
    service: str,
    expectation: str,
    by: str,
    evidence: str,
    note: str,
    expires_at: datetime,
    actor: str,
    now: datetime,
    lock_timeout: float,
) -> OverrideRecord:
    """Record an attestation or a waiver (validated by the caller: rung.store.api)."""
    values = {
        "kind": str(kind),
        "service": service,
        "expectation": expectation,
        "by": by,
        "evidence": codec.scrubbed(evidence),
        "note": codec.scrubbed(note),
        "created_at": now,
        "expires_at": expires_at,
        "actor": actor,
    }
    with write_transaction(engine, lock_timeout=lock_timeout) as conn:
        res = conn.execute(insert(OverrideRow).values(**values))
        oid = int(res.inserted_primary_key[0])  # type: ignore[index]
        audit_entry(
            conn,
            at=now,
            actor=actor,
            action="attest" if kind is OverrideKind.ATTESTATION else "waive",
            entity=str(kind),
            entity_id=oid,
            changes={k: (None, v) for k, v in values.items()},
        )
        return _record(conn.execute(select(OverrideRow).where(OverrideRow.id == oid)).one())


def revoke_override(
    engine: Engine,
    override_id: int,
    *,
    kind: OverrideKind,
    actor: str,
    reason: str,
    now: datetime,
    lock_timeout: float,
) -> OverrideRecord:
    """Mark an attestation or waiver revoked (it stops counting at the next scan)."""
    with write_transaction(engine, lock_timeout=lock_timeout) as conn:
        row = conn.execute(select(OverrideRow).where(OverrideRow.id == override_id)).first()
        if row is None or row.kind != str(kind):
            raise UsageError(f"no {kind} {override_id} (see `rung {_verb(kind)} list`)")
        if row.revoked_at is not None:
            raise UsageError(f"{kind} {override_id} was already revoked at {iso(row.revoked_at)}")
        changes = {"revoked_at": now, "revoked_by": actor, "revoke_reason": reason}
        conn.execute(update(OverrideRow).where(OverrideRow.id == override_id).values(**changes))
        audit_entry(
            conn,
            at=now,
            actor=actor,
            action="revoke",
            entity=str(kind),
            entity_id=override_id,
            changes={k: (None, v) for k, v in changes.items()},
        )
        return _record(conn.execute(select(OverrideRow).where(OverrideRow.id == override_id)).one())


def _verb(kind: OverrideKind) -> str:
    return "attest" if kind is OverrideKind.ATTESTATION else "waive"


def list_overrides(
    conn: Connection, kind: OverrideKind | None = None, service: str | None = None
) -> list[OverrideRecord]:
    """Every attestation and waiver ever recorded (revoked and expired included), by id."""
    query = select(OverrideRow).order_by(OverrideRow.id)
    if kind is not None:
        query = query.where(OverrideRow.kind == str(kind))
    if service is not None:
        query = query.where(OverrideRow.service == service)
    return [_record(r) for r in conn.execute(query)]


# ----- goals ------------------------------------------------------------------------------


def _goal(row: Any) -> GoalRecord:
    goal = Goal(
        name=row.name,
        services=parse_filter(row.filter),
        areas=tuple(json.loads(row.areas)),
        level=row.level,
        due=row.due,
        description=row.description,
    )
    return GoalRecord(row.id, goal, row.created_at, row.actor)


def add_goal(
    engine: Engine, goal: Goal, *, actor: str, now: datetime, lock_timeout: float
) -> GoalRecord:
    values = {
        "name": goal.name,
        "filter": goal.services.text,
        "areas": codec.dumps(list(goal.areas)),
        "level": goal.level,
        "due": goal.due,
        "description": goal.description,
        "created_at": now,
        "actor": actor,
    }
    with write_transaction(engine, lock_timeout=lock_timeout) as conn:
        if conn.execute(select(GoalRow.id).where(GoalRow.name == goal.name)).first():
            raise UsageError(f"a goal named {goal.name!r} exists already (see `rung goal list`)")
        res = conn.execute(insert(GoalRow).values(**values))
        gid = int(res.inserted_primary_key[0])  # type: ignore[index]
        changes: dict[str, tuple[object, object]] = {k: (None, v) for k, v in values.items()}
        changes["areas"] = (None, list(goal.areas))
        audit_entry(
            conn,
            at=now,
            actor=actor,
            action="goal.add",
            entity="goal",
            entity_id=gid,
            changes=changes,
        )
        return _goal(conn.execute(select(GoalRow).where(GoalRow.id == gid)).one())


def list_goals(conn: Connection) -> list[GoalRecord]:
    return [_goal(r) for r in conn.execute(select(GoalRow).order_by(GoalRow.name))]


def get_goal(conn: Connection, name: str) -> GoalRecord:
    row = conn.execute(select(GoalRow).where(GoalRow.name == name)).first()
    if row is None:
        known = ", ".join(g.goal.name for g in list_goals(conn)) or "none"
        raise UsageError(f"no goal named {name!r} (goals: {known})")
    return _goal(row)


# ----- the audit trail ----------------------------------------------------------------------


def audit_trail(
    conn: Connection, entity: str | None = None, entity_id: int | None = None
) -> list[AuditEntry]:
    query = select(AuditRow).order_by(AuditRow.id)
    if entity is not None:
        query = query.where(AuditRow.entity == entity)
    if entity_id is not None:
        query = query.where(AuditRow.entity_id == entity_id)
    return [
        AuditEntry(r.id, r.at, r.actor, r.action, r.entity, r.entity_id, json.loads(r.changes))
        for r in conn.execute(query)
    ]
