"""Engines and the one-writer transaction.

SQLite: WAL (readers never block the writer), foreign keys on, a busy timeout, and
`BEGIN IMMEDIATE` for writes so that a second writer waits (bounded) instead of failing
half-way. PostgreSQL: the write transaction holds a transaction-level advisory lock.
Either way a transaction is all or nothing: a process killed inside it leaves nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from rung.errors import StorageError
from rung.store.url import is_sqlite, masked, sqlite_path

WRITE_LOCK_KEY = 0x72756E67_0001  # pg advisory lock: one snapshot writer at a time
DEFAULT_LOCK_TIMEOUT = 60.0  # seconds a second writer waits
_WRITE = "rung_write"


def make_engine(url: str, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Engine:
    """An engine for `url`; the SQLite file's folder is created when missing."""
    try:
        if is_sqlite(url):
            return _sqlite_engine(url, lock_timeout)
        return create_engine(url, pool_pre_ping=False)
    except ImportError as exc:
        raise StorageError(
            f"cannot open database {masked(url)}: {exc} (for PostgreSQL: pip install "
            "'rung[postgres]')"
        ) from exc
    except (SQLAlchemyError, ValueError) as exc:
        raise StorageError(f"cannot open database {masked(url)}: {describe(exc, url)}") from exc


def _sqlite_engine(url: str, lock_timeout: float) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": lock_timeout})
    busy_ms = int(lock_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # rung issues BEGIN itself (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: safe against kills
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def write_transaction(engine: Engine, *, lock_timeout: float) -> Iterator[Connection]:
    """A transaction that holds the database's single-writer lock; commits on success."""
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE: True})
            try:
                with conn.begin():
                    if not is_sqlite(str(engine.url)):
                        _pg_lock(conn, lock_timeout)
                    yield conn
            except OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise StorageError(
                        f"another rung process is writing to {safe_url(engine)} "
                        f"(waited {lock_timeout:.0f} s); try again later"
                    ) from exc
                raise
    except SQLAlchemyError as exc:
        raise StorageError(f"database {safe_url(engine)}: {describe(exc, engine)}") from exc


def _pg_lock(conn: Connection, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    query = text("SELECT pg_try_advisory_xact_lock(:key)")
    while not conn.execute(query, {"key": WRITE_LOCK_KEY}).scalar():
        if time.monotonic() >= deadline:
            raise StorageError(
                f"another rung process is writing to {safe_url(conn.engine)} "
                f"(waited {timeout:.0f} s); try again later"
            )
        time.sleep(0.1)


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A read-only view: one transaction, so every query sees the same snapshot set."""
    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    except SQLAlchemyError as exc:
        raise StorageError(f"database {safe_url(engine)}: {describe(exc, engine)}") from exc


def safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def describe(exc: BaseException, where: object) -> str:
    """The first line of a driver error, with any password removed."""
    msg = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = msg[0] if msg else type(exc).__name__
    password = getattr(getattr(where, "url", None), "password", None)
    if isinstance(where, str):
        from sqlalchemy.engine import make_url

        try:
            password = make_url(where).password
        except SQLAlchemyError:
            password = None
    if password:
        first = first.replace(str(password), "***")
    return masked(first)
