"""Schema migrations (Alembic, shipped inside the package, configured in code).

Opening a database checks its revision cheaply (one query, no Alembic import): a fresh
database is upgraded automatically; one newer than this rung is refused; an older one
asks for `rung db upgrade`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, inspect, text

from rung.errors import StorageError
from rung.store.engine import read_connection, safe_url, write_transaction

VERSION_TABLE = "rung_alembic_version"
# Every revision this code knows, oldest first (a test keeps it equal to versions/).
REVISIONS = ("0001", "0002")
HEAD = REVISIONS[-1]


@dataclass(frozen=True)
class Upgrade:
    before: str | None
    after: str


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return rows[0] if rows else None


def _refuse_newer(engine: Engine, rev: str | None) -> None:
    if rev is not None and rev not in REVISIONS:
        raise StorageError(
            f"database {safe_url(engine)} has schema revision {rev!r}, newer than this "
            f"rung knows (up to {HEAD!r}): upgrade rung to use it"
        )


def ensure_current(engine: Engine, *, lock_timeout: float) -> None:
    """Make the database usable by this code, or refuse with a clear message."""
    with read_connection(engine) as conn:
        rev = current_revision(conn)
    if rev == HEAD:
        return
    _refuse_newer(engine, rev)
    if rev is None:
        upgrade(engine, lock_timeout=lock_timeout)
        return
    raise StorageError(
        f"database {safe_url(engine)} has schema revision {rev!r}; this rung needs "
        f"{HEAD!r}: run `rung db upgrade` first"
    )


def upgrade(engine: Engine, *, lock_timeout: float) -> Upgrade:
    """Apply every pending migration in one transaction under the writer lock."""
    from alembic import command
    from alembic.config import Config

    with write_transaction(engine, lock_timeout=lock_timeout) as conn:
        before = current_revision(conn)  # re-read under the lock: another may have won
        _refuse_newer(engine, before)
        if before != HEAD:
            cfg = Config()
            cfg.set_main_option("script_location", "rung.store:migrations")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return Upgrade(before, HEAD)


def script_revisions() -> list[str]:
    """The revisions of the shipped migration scripts, oldest first (for tests)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", "rung.store:migrations")
    scripts = ScriptDirectory.from_config(cfg)
    return [s.revision for s in reversed(list(scripts.walk_revisions()))]
