"""Shared fixtures: snapshot databases on SQLite and on a real PostgreSQL server.

- Every test session gets its own default database (RUNG_DATABASE_URL points into a
  temporary folder), so `rung scan` in any test never writes `.rung/` in the checkout,
  and its own discovery cache folder (RUNG_CACHE_DIR).
- `db_url` runs a test on both backends: a fresh SQLite file, and a fresh database on a
  session-wide PostgreSQL server. Both are copies of a template migrated once per
  session (Alembic runs once per backend, not once per test).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import pg


@pytest.fixture(scope="session", autouse=True)
def _isolated_default_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("RUNG_DATABASE_URL", "RUNG_CACHE_DIR")}
    path = tmp_path_factory.mktemp("default-db") / "rung.db"
    os.environ["RUNG_DATABASE_URL"] = f"sqlite:///{path}"
    os.environ["RUNG_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))  # discovery cache
    yield
    for key, old in saved.items():
        if old is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = old


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rung.store.api import Store

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    Store.open(f"sqlite:///{path}").close()  # migrates; closing checkpoints the WAL
    return path


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    bin_dir = pg.bindir()
    if bin_dir is None:
        if os.environ.get(pg.REQUIRE_ENV) == "1":
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found on this machine")
    with pg.server(bin_dir) as url:
        yield url


def _admin_execute(admin_url: str, *statements: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for s in statements:
                conn.execute(text(s))
    finally:
        engine.dispose()


def _db(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def pg_template(pg_admin_url: str) -> str:
    from rung.store.api import Store

    _admin_execute(pg_admin_url, 'CREATE DATABASE "rung_template"')
    Store.open(_db(pg_admin_url, "rung_template")).close()
    return "rung_template"


def _fresh_sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "db" / "rung.db"
    path.parent.mkdir()
    shutil.copyfile(template, path)
    yield f"sqlite:///{path}"


def _fresh_pg(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    admin: str = request.getfixturevalue("pg_admin_url")
    template: str = request.getfixturevalue("pg_template")
    name = "t_" + uuid.uuid4().hex[:12]
    _admin_execute(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _db(admin, name)
    finally:
        _admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_BACKENDS = {"sqlite": _fresh_sqlite, "postgresql": _fresh_pg}


@pytest.fixture(params=sorted(_BACKENDS))
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty snapshot database on each backend."""
    yield from _BACKENDS[request.param](request, tmp_path)


@pytest.fixture(params=sorted(_BACKENDS))
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (to test the automatic first migration)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin: str = request.getfixturevalue("pg_admin_url")
    name = "e_" + uuid.uuid4().hex[:12]
    _admin_execute(admin, f'CREATE DATABASE "{name}"')
    try:
        yield _db(admin, name)
    finally:
        _admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
