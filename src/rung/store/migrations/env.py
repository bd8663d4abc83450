"""Alembic environment of the snapshot store, configured programmatically by
rung.store.migrate: the connection arrives in `config.attributes["connection"]`, already
inside the single-writer transaction, so migrations commit with it or not at all."""

from __future__ import annotations

from alembic import context

from rung.store.migrate import VERSION_TABLE
from rung.store.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("rung migrations run online only, through `rung db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,  # SQLite cannot ALTER most things: batch mode rebuilds tables
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
