"""Tables of the snapshot store (SQLAlchemy 2, typed declarative models).

A snapshot is one scan of the portfolio. Facts a scan learns (catalog entry, HEAD,
signals, stack, notes, commit history, findings with evidence) are stored exactly, so a
stored scan can be re-assessed and reused; the assessment (levels per area, pillar and
service, required level with its explanation) is stored as columns for history queries.

JSON is kept in TEXT columns written by rung itself (not JSONB): key order is part of
the output contract and must survive the round trip on every backend.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ModelDoc(Base):
    """A maturity model document, by hash: old snapshots re-render with their model."""

    __tablename__ = "models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[str] = mapped_column(String(100), unique=True)
    model_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    document: Mapped[str] = mapped_column(Text)  # YAML of the validated model


class Snapshot(Base):
    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # "writing" until the commit, "complete"
    model_pk: Mapped[int] = mapped_column(ForeignKey("models.id"), index=True)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rung_version: Mapped[str] = mapped_column(String(64))
    check_suite: Mapped[str] = mapped_column(String(100))
    profile: Mapped[str | None] = mapped_column(String(200))
    full: Mapped[bool] = mapped_column(Boolean)  # --full: the cache was ignored
    services: Mapped[int] = mapped_column(Integer)
    reused: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[str] = mapped_column(Text)  # JSON array
    repositories: Mapped[str] = mapped_column(Text)  # JSON array


class ServiceRow(Base):
    """One service in one snapshot: what the scan learnt and the assessment."""

    __tablename__ = "snapshot_services"
    __table_args__ = (UniqueConstraint("snapshot_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300), index=True)
    owner: Mapped[str | None] = mapped_column(String(300))
    repo_name: Mapped[str] = mapped_column(String(300))
    root: Mapped[str] = mapped_column(Text)
    head: Mapped[str | None] = mapped_column(String(64))
    cache_key: Mapped[str] = mapped_column(String(100))
    reused: Mapped[bool] = mapped_column(Boolean)
    service: Mapped[str] = mapped_column(Text)  # JSON of the catalog entry (Service)
    signals: Mapped[str] = mapped_column(Text)  # JSON object
    stack: Mapped[str] = mapped_column(Text)  # JSON object
    notes: Mapped[str] = mapped_column(Text)  # JSON array
    git: Mapped[bytes | None] = mapped_column(LargeBinary)  # compact commit history
    # the assessment, for history queries
    profile: Mapped[str | None] = mapped_column(String(200))
    achieved: Mapped[int] = mapped_column(Integer)
    required: Mapped[int] = mapped_column(Integer)
    potential: Mapped[int] = mapped_column(Integer)
    computed_level: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    pinned: Mapped[int | None] = mapped_column(Integer)
    pin_reason: Mapped[str | None] = mapped_column(Text)
    risk: Mapped[str] = mapped_column(Text)  # JSON: the RiskResult (explanation, stability)
    overrides: Mapped[str] = mapped_column(Text)  # JSON: attestations/waivers in force
    gaps: Mapped[int] = mapped_column(Integer)


# Child tables keyed by (service, id): on SQLite stored WITHOUT ROWID, so the primary key
# is the table itself instead of a second copy of every key in an index.
NO_ROWID = {"sqlite_with_rowid": False}


class FindingRow(Base):
    __tablename__ = "snapshot_findings"
    __table_args__ = NO_ROWID

    service_pk: Mapped[int] = mapped_column(
        ForeignKey("snapshot_services.id", ondelete="CASCADE"), primary_key=True
    )
    check_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)  # JSON array of [path, line, message]


class AreaRow(Base):
    __tablename__ = "snapshot_areas"
    __table_args__ = NO_ROWID

    service_pk: Mapped[int] = mapped_column(
        ForeignKey("snapshot_services.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    pillar_id: Mapped[str] = mapped_column(String(200))
    achieved: Mapped[int] = mapped_column(Integer)
    required: Mapped[int] = mapped_column(Integer)
    potential: Mapped[int] = mapped_column(Integer)
    gaps: Mapped[int] = mapped_column(Integer)
    unmet: Mapped[int] = mapped_column(Integer)


class PillarRow(Base):
    __tablename__ = "snapshot_pillars"
    __table_args__ = NO_ROWID

    service_pk: Mapped[int] = mapped_column(
        ForeignKey("snapshot_services.id", ondelete="CASCADE"), primary_key=True
    )
    pillar_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    achieved: Mapped[int] = mapped_column(Integer)


Index("ix_snapshots_status_id", Snapshot.status, Snapshot.id)


# ----- attestations, waivers, goals and their audit trail (issue 4, migration 0002) -----
#
# Nothing here is ever deleted: a revoked attestation or waiver keeps its row with
# `revoked_at` set; every write appends a row to `audit_log` (triggers refuse UPDATE and
# DELETE on it, and DELETE on the other two tables).


class OverrideRow(Base):
    """An attestation (`kind = "attestation"`) or a waiver (`kind = "waiver"`)."""

    __tablename__ = "overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(300), index=True)
    expectation: Mapped[str] = mapped_column(String(300))
    by: Mapped[str] = mapped_column(String(300))  # who attests / who approved the waiver
    evidence: Mapped[str] = mapped_column(Text)  # attestation: evidence URL
    note: Mapped[str] = mapped_column(Text)  # attestation: note; waiver: reason
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(300))  # who ran the command
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(String(300))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class GoalRow(Base):
    """A goal: the services matching `filter` reach `level` in `areas` by `due`."""

    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    filter: Mapped[str] = mapped_column(Text)
    areas: Mapped[str] = mapped_column(Text)  # JSON array of area ids
    level: Mapped[int] = mapped_column(Integer)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(300))


class AuditRow(Base):
    """One write, append-only: who, when, what, and the values it changed."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(64))  # attest, waive, revoke, goal.add
    entity: Mapped[str] = mapped_column(String(32))  # attestation, waiver, goal
    entity_id: Mapped[int] = mapped_column(Integer)
    changes: Mapped[str] = mapped_column(Text)  # JSON {field: [before, after]}


Index("ix_audit_log_entity", AuditRow.entity, AuditRow.entity_id)
