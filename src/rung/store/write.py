"""Writing a snapshot: everything in one transaction under the single-writer lock.

The snapshot row is inserted as "writing" and flipped to "complete" as the last
statement of the transaction; readers only ever select complete snapshots, and a
process killed at any moment leaves no trace (the transaction never commits).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from rung import __version__
from rung.assess.levels import Override
from rung.assess.service import ServiceAssessment
from rung.model.loader import LoadedModel
from rung.scanner import ScanResult
from rung.spool import reused_count
from rung.store import codec
from rung.store.engine import write_transaction
from rung.store.schema import AreaRow, FindingRow, ModelDoc, PillarRow, ServiceRow, Snapshot

PauseHook = Callable[[], None]


def model_document(model: LoadedModel) -> str:
    """The validated model as YAML: unlike JSON, YAML keeps the types of mapping keys
    (numeric, boolean and text risk thresholds), so the document reloads exactly."""
    import yaml

    data = model.model.model_dump(mode="python", by_alias=True)
    return yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=True, allow_unicode=True)


def _model_pk(conn: Connection, model: LoadedModel) -> int:
    found = conn.execute(select(ModelDoc.id).where(ModelDoc.hash == model.hash)).scalar()
    if found is not None:
        return int(found)
    res = conn.execute(
        insert(ModelDoc).values(
            hash=model.hash,
            model_id=model.model.id,
            version=model.model.version,
            source=model.source,
            document=model_document(model),
        )
    )
    return int(res.inserted_primary_key[0])  # type: ignore[index]


def check_suite(model: LoadedModel) -> str:
    from rung.checks.custom import custom_checks
    from rung.checks.registry import default_registry
    from rung.incremental import check_suite_version

    return check_suite_version(
        default_registry().with_checks(custom_checks(model.model.checks)).ids()
    )


def overrides_in_force(a: ServiceAssessment) -> dict[str, Override]:
    """The attestations and waivers that decided an expectation of this assessment."""
    return {
        e.id: e.override for r in a.areas.values() for e in r.expectations if e.override is not None
    }


def _service_values(snapshot_id: int, a: ServiceAssessment) -> dict[str, Any]:
    scan, svc = a.scan, a.scan.service
    return {
        "snapshot_id": snapshot_id,
        "name": svc.name,
        "owner": svc.owner,
        "repo_name": svc.repo_name,
        "root": svc.root,
        "head": scan.head,
        "cache_key": scan.cache_key,
        "reused": scan.reused,
        "service": codec.service_to_json(svc),
        "signals": codec.mapping_to_json(scan.signals),
        "stack": codec.mapping_to_json(scan.stack),
        "notes": codec.dumps(codec.scrubbed(list(scan.notes))),
        "git": codec.git_to_blob(scan.git),
        "profile": a.profile,
        "achieved": a.achieved,
        "required": a.required,
        "potential": a.potential,
        "computed_level": a.risk.computed_level,
        "points": a.risk.points,
        "pinned": a.risk.pinned,
        "pin_reason": a.risk.pin_reason,
        "risk": codec.risk_to_json(a.risk),
        "overrides": codec.overrides_to_json(overrides_in_force(a)),
        "gaps": sum(len(r.gaps) for r in a.areas.values()),
    }


def _child_rows(pk: int, a: ServiceAssessment) -> tuple[list[dict[str, Any]], ...]:
    findings = [
        {
            "service_pk": pk,
            "check_id": cid,
            "status": str(f.status),
            "message": f.message,
            "evidence": codec.evidence_to_json(f.evidence),
        }
        for cid, f in a.scan.findings.items()
    ]
    areas = [
        {
            "service_pk": pk,
            "area_id": area_id,
            "pillar_id": r.pillar,
            "achieved": r.achieved,
            "required": r.required,
            "potential": r.potential,
            "gaps": len(r.gaps),
            "unmet": len(r.unmet),
        }
        for area_id, r in a.areas.items()
    ]
    pillars = [
        {"service_pk": pk, "pillar_id": pid, "achieved": lvl} for pid, lvl in a.pillars.items()
    ]
    return findings, areas, pillars


BATCH = 100  # services written per round of inserts


def _insert_services(conn: Connection, snapshot_id: int, batch: list[ServiceAssessment]) -> None:
    if not batch:
        return
    stmt = insert(ServiceRow).returning(ServiceRow.id, sort_by_parameter_order=True)
    values = [_service_values(snapshot_id, a) for a in batch]
    pks = [int(pk) for pk in conn.execute(stmt, values).scalars()]
    rows: tuple[list[dict[str, Any]], ...] = ([], [], [])
    for pk, a in zip(pks, batch, strict=True):
        for acc, new in zip(rows, _child_rows(pk, a), strict=True):
            acc.extend(new)
    for table, child in zip((FindingRow, AreaRow, PillarRow), rows, strict=True):
        if child:
            conn.execute(insert(table), child)


def save_snapshot(
    engine: Engine,
    result: ScanResult,
    *,
    profile: str | None,
    full: bool,
    lock_timeout: float,
    pause: PauseHook | None = None,
) -> int:
    """Store `result` as one complete snapshot; returns its id.

    `pause`, when given, is called inside the open transaction once half of the
    services are written (tests use it to kill a scan in the middle of writing).
    """
    suite = check_suite(result.model)
    with write_transaction(engine, lock_timeout=lock_timeout) as conn:
        snapshot_id = _insert_snapshot(conn, result, profile=profile, full=full, suite=suite)
        half = len(result.assessments) // 2
        batch: list[ServiceAssessment] = []
        for i, a in enumerate(result.assessments):  # one batch in memory at a time
            if pause is not None and i == half:
                pause()
            batch.append(a)
            if len(batch) == BATCH:
                _insert_services(conn, snapshot_id, batch)
                batch = []
        _insert_services(conn, snapshot_id, batch)
        if pause is not None and not result.assessments:
            pause()
        conn.execute(update(Snapshot).where(Snapshot.id == snapshot_id).values(status="complete"))
    return snapshot_id


def _insert_snapshot(
    conn: Connection, result: ScanResult, *, profile: str | None, full: bool, suite: str
) -> int:
    res = conn.execute(
        insert(Snapshot).values(
            status="writing",
            model_pk=_model_pk(conn, result.model),
            as_of=result.as_of,
            started_at=result.started_at,
            finished_at=result.finished_at,
            stored_at=datetime.now(UTC),
            rung_version=__version__,
            check_suite=suite,
            profile=profile,
            full=full,
            services=len(result.assessments),
            reused=reused_count(result.assessments),
            warnings=codec.dumps(codec.scrubbed(list(result.warnings))),
            repositories=codec.dumps(list(result.repositories)),
        )
    )
    return int(res.inserted_primary_key[0])  # type: ignore[index]


def prune(engine: Engine, *, keep: int, lock_timeout: float) -> list[int]:
    """Delete all but the `keep` newest complete snapshots (and unfinished leftovers);
    models no snapshot uses any more go too. Returns the deleted snapshot ids."""
    with write_transaction(engine, lock_timeout=lock_timeout) as conn:
        ids = conn.execute(select(Snapshot.id, Snapshot.status).order_by(Snapshot.id.desc()))
        complete = [sid for sid, status in ids if status == "complete"]
        kept = set(complete[:keep])
        all_ids = conn.execute(select(Snapshot.id)).scalars().all()
        gone = sorted(sid for sid in all_ids if sid not in kept)
        if gone:
            conn.execute(delete(Snapshot).where(Snapshot.id.in_(gone)))
            used = select(Snapshot.model_pk)
            conn.execute(delete(ModelDoc).where(ModelDoc.id.not_in(used)))
    return gone
