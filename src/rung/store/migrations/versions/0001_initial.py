"""initial snapshot store

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 06:35:36.878958
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=100), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_models")),
        sa.UniqueConstraint("hash", name=op.f("uq_models_hash")),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("model_pk", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.Column("rung_version", sa.String(length=64), nullable=False),
        sa.Column("check_suite", sa.String(length=100), nullable=False),
        sa.Column("profile", sa.String(length=200), nullable=True),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("reused", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.Column("repositories", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_pk"], ["models.id"], name=op.f("fk_snapshots_model_pk_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
    )
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshots_model_pk"), ["model_pk"], unique=False)
        batch_op.create_index("ix_snapshots_status_id", ["status", "id"], unique=False)

    op.create_table(
        "snapshot_services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=300), nullable=True),
        sa.Column("repo_name", sa.String(length=300), nullable=False),
        sa.Column("root", sa.Text(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=True),
        sa.Column("cache_key", sa.String(length=100), nullable=False),
        sa.Column("reused", sa.Boolean(), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("signals", sa.Text(), nullable=False),
        sa.Column("stack", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("git", sa.LargeBinary(), nullable=True),
        sa.Column("profile", sa.String(length=200), nullable=True),
        sa.Column("achieved", sa.Integer(), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("potential", sa.Integer(), nullable=False),
        sa.Column("computed_level", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("pinned", sa.Integer(), nullable=True),
        sa.Column("pin_reason", sa.Text(), nullable=True),
        sa.Column("risk", sa.Text(), nullable=False),
        sa.Column("overrides", sa.Text(), nullable=False),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_snapshot_services_snapshot_id_snapshots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_services")),
        sa.UniqueConstraint("snapshot_id", "name", name=op.f("uq_snapshot_services_snapshot_id")),
    )
    with op.batch_alter_table("snapshot_services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_services_name"), ["name"], unique=False)

    op.create_table(
        "snapshot_areas",
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.String(length=200), nullable=False),
        sa.Column("pillar_id", sa.String(length=200), nullable=False),
        sa.Column("achieved", sa.Integer(), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("potential", sa.Integer(), nullable=False),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.Column("unmet", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_pk"],
            ["snapshot_services.id"],
            name=op.f("fk_snapshot_areas_service_pk_snapshot_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_pk", "area_id", name=op.f("pk_snapshot_areas")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "snapshot_findings",
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_pk"],
            ["snapshot_services.id"],
            name=op.f("fk_snapshot_findings_service_pk_snapshot_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_pk", "check_id", name=op.f("pk_snapshot_findings")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "snapshot_pillars",
        sa.Column("service_pk", sa.Integer(), nullable=False),
        sa.Column("pillar_id", sa.String(length=200), nullable=False),
        sa.Column("achieved", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_pk"],
            ["snapshot_services.id"],
            name=op.f("fk_snapshot_pillars_service_pk_snapshot_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_pk", "pillar_id", name=op.f("pk_snapshot_pillars")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:

    op.drop_table("snapshot_pillars")
    op.drop_table("snapshot_findings")
    op.drop_table("snapshot_areas")
    with op.batch_alter_table("snapshot_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_services_name"))

    op.drop_table("snapshot_services")
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_snapshots_status_id")
        batch_op.drop_index(batch_op.f("ix_snapshots_model_pk"))

    op.drop_table("snapshots")
    op.drop_table("models")
