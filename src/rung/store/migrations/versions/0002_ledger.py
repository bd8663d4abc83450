"""attestations, waivers, goals and the append-only audit trail (issue 4)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:10:00

Triggers keep the audit trail append-only (no UPDATE, no DELETE) and forbid deleting
attestations, waivers and goals (revoking marks them), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# (trigger name, table, event) -> refused
GUARDS = (
    ("audit_log_no_update", "audit_log", "UPDATE"),
    ("audit_log_no_delete", "audit_log", "DELETE"),
    ("overrides_no_delete", "overrides", "DELETE"),
    ("goals_no_delete", "goals", "DELETE"),
)

PG_FUNCTION = """
CREATE FUNCTION rung_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'rung: % on % refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql
"""


def _create_guards() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
    for name, table, event in GUARDS:
        if dialect == "sqlite":
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, 'rung: {event} on {table} refused: the audit trail "
                "is append-only'); END"
            )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION rung_append_only()"
            )


def _drop_guards() -> None:
    dialect = op.get_bind().dialect.name
    for name, table, _event in GUARDS:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS rung_append_only()")


def upgrade() -> None:
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=300), nullable=False),
        sa.Column("expectation", sa.String(length=300), nullable=False),
        sa.Column("by", sa.String(length=300), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=300), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overrides")),
    )
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overrides_service"), ["service"], unique=False)

    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("filter", sa.Text(), nullable=False),
        sa.Column("areas", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("due", sa.DateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.UniqueConstraint("name", name=op.f("uq_goals_name")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
    op.drop_table("audit_log")
    op.drop_table("goals")
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overrides_service"))
    op.drop_table("overrides")
