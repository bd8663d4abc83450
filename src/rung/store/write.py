"""Writing a snapshot: everything in one transaction under the single-writer lock.

The snapshot row is inserted as "writing" and flipped to "complete" as the last
statement of the transaction; readers only ever select complete snapshots, and a
process killed at any moment leaves no trace (the transaction never commits).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Integer,
    String,
    bindparam,
    delete,
    insert,
    select,
    update,
)

from rung import __version__
from rung.assess.levels import AreaResult, Override
from rung.assess.service import ServiceAssessment
from rung.checks.base import Finding
from rung.collect.gitblob import git_to_blob
from rung.incremental import PreviousScans
from rung.model.loader import LoadedModel, model_document
from rung.scanner import ScanResult
from rung.spool import finding_rows, reused_count
from rung.store import codec
from rung.store.engine import write_transaction
from rung.store.schema import (
    AreaRow,
    Base,
    FindingRow,
    ModelDoc,
    PillarRow,
    ServiceRow,
    Snapshot,
)

PauseHook = Callable[[], None]


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
            document=model_document(model.model),
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


Row = tuple[Any, ...]
_AREA_COLUMNS = ("pillar_id", "achieved", "required", "potential", "gaps", "unmet")
_GAPS = _AREA_COLUMNS.index("gaps")


class _Areas:
    """Column values of the area results of one write, computed once per distinct
    AreaResult (rung.assess.levels.AreaCache shares them between services; each is
    kept here with its values, so its id is never reused while the write runs)."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[AreaResult, Row, dict[str, Override]]] = {}

    def _get(self, r: AreaResult) -> tuple[AreaResult, Row, dict[str, Override]]:
        found = self._seen.get(id(r))
        if found is None or found[0] is not r:
            values = {
                "pillar_id": r.pillar,
                "achieved": r.achieved,
                "required": r.required,
                "potential": r.potential,
                "gaps": len(r.gaps),
                "unmet": len(r.unmet),
            }
            overrides = {e.id: e.override for e in r.expectations if e.override is not None}
            found = self._seen[id(r)] = (r, tuple(values[c] for c in _AREA_COLUMNS), overrides)
        return found

    def judge(self, a: ServiceAssessment) -> _Judged:
        """The area columns of `a` (after each area's key, in the order of _AREA_COLUMNS),
        the overrides in force (overrides_in_force(a)) and its number of gaps."""
        rows: list[tuple[str, Row]] = []
        overrides: dict[str, Override] = {}
        gaps = 0
        for area_id, r in a.areas.items():
            _, row, forced = self._get(r)
            rows.append((area_id, row))
            if forced:
                overrides.update(forced)
            gaps += row[_GAPS]
        return _Judged(rows, overrides, gaps)


class _Judged(NamedTuple):
    areas: list[tuple[str, Row]]
    overrides: dict[str, Override]
    gaps: int


@dataclass(frozen=True)
class _Source:
    """The stored row (`pk`, of snapshot `snapshot_id`) that a new row takes its findings
    from but the `replaced` ones (copied in SQL); `written` are the findings to write as
    values (those replaced, and any new one)."""

    snapshot_id: int
    pk: int
    replaced: tuple[str, ...]
    written: Mapping[str, Finding]


def _source(a: ServiceAssessment, previous: PreviousScans | None) -> _Source | None:
    """The stored row `a`'s scan comes from: the one it says (ServiceScan.stored, set by
    rung.incremental.reuse: its findings but the replaced ones are the row's), else the
    one of `previous` (Store.previous_scans) with the same service and cache key, the
    findings compared; None when there is none."""
    scan = a.scan
    ref = scan.stored
    if ref is not None:
        new = scan.findings
        written = {cid: new[cid] for cid in ref.replaced if cid in new}
        return _Source(ref.snapshot_id, ref.pk, ref.replaced, written)
    if previous is None or previous.snapshot_id is None:
        return None
    old, pk = previous.get(a.name), previous.rows.get(a.name)
    if old is None or pk is None or not scan.cache_key or old.cache_key != scan.cache_key:
        return None
    found, stored = dict(scan.findings), old.findings
    replaced = tuple(cid for cid, f in stored.items() if found.get(cid) != f)
    written = {cid: f for cid, f in found.items() if cid not in stored or cid in replaced}
    return _Source(previous.snapshot_id, pk, replaced, written)


def _service_values(snapshot_id: int, a: ServiceAssessment, judged: _Judged) -> dict[str, Any]:
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
        "git": git_to_blob(scan.git),
        "profile": a.profile,
        "achieved": a.achieved,
        "required": a.required,
        "potential": a.potential,
        "computed_level": a.risk.computed_level,
        "points": a.risk.points,
        "pinned": a.risk.pinned,
        "pin_reason": a.risk.pin_reason,
        "risk": codec.risk_to_json(a.risk),
        "overrides": codec.overrides_to_json(judged.overrides),
        "gaps": judged.gaps,
    }


def _finding_rows(pk: int, findings: Mapping[str, Finding]) -> list[Row]:
    return [(pk, *row) for row in finding_rows(findings)]


# the child tables' columns, in the order of the rows made here
_COLUMNS: dict[type[Base], tuple[str, ...]] = {
    FindingRow: ("service_pk", "check_id", "status", "message", "evidence"),
    AreaRow: ("service_pk", "area_id", *_AREA_COLUMNS),
    PillarRow: ("service_pk", "pillar_id", "achieved"),
}


def _child_rows(pk: int, a: ServiceAssessment, judged: _Judged) -> tuple[list[Row], list[Row]]:
    area_rows = [(pk, area_id, *row) for area_id, row in judged.areas]
    pillars = [(pk, pid, lvl) for pid, lvl in a.pillars.items()]
    return area_rows, pillars


def _insert_rows(conn: Connection, table: type[Base], rows: list[Row]) -> None:
    """One executemany of plain tuples straight to the driver (the rows are plain text
    and integers: nothing for SQLAlchemy to convert, and its per-row work is most of
    the cost of a snapshot's 80,000 child rows)."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    columns = _COLUMNS[table]
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table.__tablename__),
        ", ".join(quote(c) for c in columns),
        ", ".join([mark] * len(columns)),
    )
    conn.exec_driver_sql(sql, rows)


def _copyable(conn: Connection, sources: list[tuple[str, str, _Source]]) -> set[int]:
    """The stored rows of `sources` (name, cache key, source) still there as they were
    read: in their snapshot, with that name and cache key (the write lock keeps them so
    until the copy)."""
    if not sources:
        return set()
    want = {src.pk: (src.snapshot_id, name, key) for name, key, src in sources}
    rows = conn.execute(
        select(ServiceRow.id, ServiceRow.snapshot_id, ServiceRow.name)
        .add_columns(ServiceRow.cache_key)
        .where(ServiceRow.id.in_(list(want)))
    )
    return {pk for pk, sid, name, key in rows if want[pk] == (sid, name, key)}


def _copy_findings(replaced: tuple[str, ...]) -> Insert:
    """INSERT .. SELECT of a stored row's findings (`old`) for a new row (`new`), but for
    the `replaced` check ids (those are written as values)."""
    src = FindingRow.__table__
    query = select(
        bindparam("new", type_=Integer), src.c.check_id, src.c.status, src.c.message
    ).add_columns(src.c.evidence)
    query = query.where(src.c.service_pk == bindparam("old", type_=Integer))
    for i, cid in enumerate(replaced):
        query = query.where(src.c.check_id != bindparam(f"replaced_{i}", cid, type_=String))
    columns = ["service_pk", "check_id", "status", "message", "evidence"]
    return insert(FindingRow).from_select(columns, query)


BATCH = 100  # services written per round of inserts


def _insert_services(
    conn: Connection,
    snapshot_id: int,
    batch: list[ServiceAssessment],
    areas: _Areas,
    previous: PreviousScans | None,
) -> None:
    if not batch:
        return
    stmt = insert(ServiceRow).returning(ServiceRow.id, sort_by_parameter_order=True)
    sources = [_source(a, previous) for a in batch]
    judged = [areas.judge(a) for a in batch]
    values = [_service_values(snapshot_id, a, j) for a, j in zip(batch, judged, strict=True)]
    pks = [int(pk) for pk in conn.execute(stmt, values).scalars()]
    copyable = _copyable(
        conn,
        [(a.name, a.scan.cache_key, s) for a, s in zip(batch, sources, strict=True) if s],
    )
    findings: list[Row] = []
    copies: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    rows: tuple[list[Row], list[Row]] = ([], [])
    for pk, a, j, source in zip(pks, batch, judged, sources, strict=True):
        if source is not None and source.pk in copyable:
            copies.setdefault(source.replaced, []).append({"new": pk, "old": source.pk})
            findings += _finding_rows(pk, source.written)
        else:
            findings += _finding_rows(pk, a.scan.findings)
        for acc, new in zip(rows, _child_rows(pk, a, j), strict=True):
            acc.extend(new)
    for replaced, params in copies.items():
        conn.execute(_copy_findings(replaced), params)
    for table, child in zip((FindingRow, AreaRow, PillarRow), (findings, *rows), strict=True):
        _insert_rows(conn, table, child)


def save_snapshot(
    engine: Engine,
    result: ScanResult,
    *,
    profile: str | None,
    full: bool,
    lock_timeout: float,
    pause: PauseHook | None = None,
    previous: PreviousScans | None = None,
) -> int:
    """Store `result` as one complete snapshot; returns its id.

    `previous`, the scans an incremental scan started from (Store.previous_scans), lets
    a service whose scan is unchanged take its stored findings and commit history from
    its previous row (copied in SQL) instead of encoding them again.

    `pause`, when given, is called inside the open transaction once half of the
    services are written (tests use it to kill a scan in the middle of writing).
    """
    suite = check_suite(result.model)
    with write_transaction(engine, lock_timeout=lock_timeout) as conn:
        snapshot_id = _insert_snapshot(conn, result, profile=profile, full=full, suite=suite)
        half = len(result.assessments) // 2
        batch: list[ServiceAssessment] = []
        areas = _Areas()
        for i, a in enumerate(result.assessments):  # one batch in memory at a time
            if pause is not None and i == half:
                pause()
            batch.append(a)
            if len(batch) == BATCH:
                _insert_services(conn, snapshot_id, batch, areas, previous)
                batch = []
        _insert_services(conn, snapshot_id, batch, areas, previous)
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
