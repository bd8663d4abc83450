"""Reading snapshots back: the exact scans, and the model they were assessed with."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Row, Select, func, select

from rung.assess.levels import Override
from rung.assess.risk import RiskResult
from rung.assess.service import ServiceScan, StoredRow
from rung.assess.stability import StabilityState
from rung.checks.base import Finding
from rung.collect.gitblob import StoredGit, git_from_blob
from rung.errors import StorageError
from rung.incremental import PreviousScans
from rung.model.loader import LoadedModel, model_from_document
from rung.store import codec
from rung.store.schema import FindingRow, ModelDoc, ServiceRow, Snapshot

COMPLETE = "complete"


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    as_of: datetime
    started_at: datetime
    finished_at: datetime
    rung_version: str
    check_suite: str
    profile: str | None
    full: bool
    services: int
    reused: int
    model_id: str
    model_version: int
    model_hash: str
    model_pk: int
    warnings: tuple[str, ...]
    repositories: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        from rung.report.jsondoc import iso

        return {
            "id": self.id,
            "as_of": iso(self.as_of),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "rung_version": self.rung_version,
            "model": {"id": self.model_id, "version": self.model_version, "hash": self.model_hash},
            "profile": self.profile,
            "full": self.full,
            "services": self.services,
            "reused": self.reused,
        }


@dataclass(frozen=True)
class StoredService:
    scan: ServiceScan
    risk: RiskResult  # the required level as assessed then (portfolio- and history-aware)
    overrides: dict[str, Override]  # attestations and waivers in force then


@dataclass(frozen=True)
class StoredSnapshot:
    info: SnapshotInfo
    model: LoadedModel
    services: tuple[StoredService, ...]

    @property
    def scans(self) -> tuple[ServiceScan, ...]:
        return tuple(s.scan for s in self.services)


_INFO_COLUMNS = (
    Snapshot.id,
    Snapshot.as_of,
    Snapshot.started_at,
    Snapshot.finished_at,
    Snapshot.rung_version,
    Snapshot.check_suite,
    Snapshot.profile,
    Snapshot.full,
    Snapshot.services,
    Snapshot.reused,
    ModelDoc.model_id,
    ModelDoc.version,
    ModelDoc.hash,
    ModelDoc.id,
    Snapshot.warnings,
    Snapshot.repositories,
)


def _info(row: Row[tuple[object, ...]]) -> SnapshotInfo:
    values = list(row)
    values[-2] = tuple(json.loads(str(values[-2])))
    values[-1] = tuple(json.loads(str(values[-1])))
    return SnapshotInfo(*values)  # type: ignore[arg-type]


def _info_query() -> Select[*tuple[Any, ...]]:
    return (
        select(*_INFO_COLUMNS)
        .join(ModelDoc, ModelDoc.id == Snapshot.model_pk)
        .where(Snapshot.status == COMPLETE)
    )


def list_snapshots(conn: Connection) -> list[SnapshotInfo]:
    return [_info(r) for r in conn.execute(_info_query().order_by(Snapshot.id))]


def latest_id(conn: Connection) -> int | None:
    found = conn.execute(select(func.max(Snapshot.id)).where(Snapshot.status == COMPLETE)).scalar()
    return int(found) if found is not None else None


def snapshot_info(conn: Connection, snapshot_id: int | None) -> SnapshotInfo:
    """The snapshot `snapshot_id`, or the latest; a clear error when there is none."""
    sid = latest_id(conn) if snapshot_id is None else snapshot_id
    row = None if sid is None else conn.execute(_info_query().where(Snapshot.id == sid)).first()
    if row is not None:
        return _info(row)
    if snapshot_id is None:
        raise StorageError("no snapshots yet: run `rung scan` first")
    raise StorageError(f"no snapshot {snapshot_id} (see `rung snapshots`)")


_MODELS: dict[str, LoadedModel] = {}


def load_model(conn: Connection, model_pk: int) -> LoadedModel:
    """The stored model document, validated again (cached by hash)."""
    row = conn.execute(
        select(ModelDoc.hash, ModelDoc.source, ModelDoc.document).where(ModelDoc.id == model_pk)
    ).one()
    if row.hash not in _MODELS:
        model = model_from_document(row.document)
        _MODELS[row.hash] = LoadedModel(model, row.source, row.hash)
    return _MODELS[row.hash]


def load_services(conn: Connection, snapshot_id: int) -> tuple[StoredService, ...]:
    """Every service of one snapshot, exactly as stored, in name order."""
    table = ServiceRow.__table__
    services = conn.execute(
        select(table).where(table.c.snapshot_id == snapshot_id).order_by(table.c.name)
    ).all()
    findings = _findings(conn, snapshot_id)
    return tuple(
        StoredService(
            _scan(row, findings.get(row.id, {})),
            codec.risk_from_json(row.risk),
            codec.overrides_from_json(row.overrides),
        )
        for row in services
    )


def _findings(conn: Connection, snapshot_id: int) -> dict[int, dict[str, Finding]]:
    """The findings of one snapshot by service row and check id (in check id order);
    equal rows share one Finding (codec.FindingReader). In service name order, the
    order of the (snapshot, name) index: the database does not sort."""
    query = (
        select(FindingRow.service_pk, FindingRow.check_id, FindingRow.status)
        .add_columns(FindingRow.message, FindingRow.evidence)
        .join(ServiceRow, ServiceRow.id == FindingRow.service_pk)
        .where(ServiceRow.snapshot_id == snapshot_id)
        .order_by(ServiceRow.name, FindingRow.check_id)
    )
    read = codec.FindingReader()
    return {
        pk: {row[1]: read(*row[1:]) for row in rows}
        for pk, rows in groupby(conn.execute(query), key=itemgetter(0))
    }


def load_scans(conn: Connection, snapshot_id: int) -> tuple[ServiceScan, ...]:
    return tuple(s.scan for s in load_services(conn, snapshot_id))


_REUSABLE = (
    ServiceRow.id,
    ServiceRow.name,
    ServiceRow.service,
    ServiceRow.head,
    ServiceRow.signals,
    ServiceRow.stack,
    ServiceRow.notes,
    ServiceRow.git,
    ServiceRow.cache_key,
    ServiceRow.reused,
)


def load_reusable(conn: Connection, snapshot_id: int, out: PreviousScans) -> None:
    """The scans of one snapshot for an incremental scan, in name order, into `out`:
    equal to what load_scans reads, with their rows (also in each scan's `stored`): the
    next snapshot copies from them (rung.store.write). Catalog entries and commit
    histories stay as stored until used (PreviousScans, gitblob.StoredGit)."""
    rows = conn.execute(
        select(*_REUSABLE).where(ServiceRow.snapshot_id == snapshot_id).order_by(ServiceRow.name)
    ).all()
    findings = _findings(conn, snapshot_id)
    for row in rows:
        blob = None if row.git is None else bytes(row.git)
        out.keep(
            row.name,
            partial(codec.service_from_json, row.service),
            head=row.head,
            findings=findings.get(row.id, {}),
            signals=json.loads(row.signals),
            stack=json.loads(row.stack),
            notes=tuple(json.loads(row.notes)),
            git=None if blob is None else StoredGit(blob),
            cache_key=row.cache_key,
            reused=row.reused,
            stored=StoredRow(snapshot_id, row.id),
        )
        out.rows[row.name] = row.id


def load_states(conn: Connection, snapshot_id: int) -> dict[str, StabilityState]:
    """The stability state of every service of one snapshot, by name."""
    rows = conn.execute(
        select(ServiceRow.name, ServiceRow.risk).where(ServiceRow.snapshot_id == snapshot_id)
    )
    return {name: codec.stability_from_json(risk) for name, risk in rows}


def _scan(row: Row[Any], findings: dict[str, Finding]) -> ServiceScan:
    return ServiceScan(
        service=codec.service_from_json(row.service),
        head=row.head,
        findings=findings,
        signals=json.loads(row.signals),
        stack=json.loads(row.stack),
        notes=tuple(json.loads(row.notes)),
        git=git_from_blob(row.git),
        cache_key=row.cache_key,
        reused=row.reused,
    )


def load_snapshot(conn: Connection, snapshot_id: int | None) -> StoredSnapshot:
    info = snapshot_info(conn, snapshot_id)
    return StoredSnapshot(info, load_model(conn, info.model_pk), load_services(conn, info.id))
