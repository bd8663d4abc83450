"""The `--db URL` option every database-using command takes, and opening the store.

The environment (`RUNG_DATABASE_URL`) is read here, at the edge, through Click.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from rung.store.api import Store

F = TypeVar("F", bound=Callable[..., object])

ENV_VAR = "RUNG_DATABASE_URL"
PAUSE_ENV = "RUNG_TEST_PAUSE_IN_WRITE"  # tests: seconds to sleep inside the write transaction


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_url",
        envvar=ENV_VAR,
        show_envvar=True,
        metavar="URL",
        help="Database: sqlite:///FILE, postgresql+psycopg://USER@HOST/DB, or a file path "
        "[default: .rung/rung.db in the current folder].",
    )(func)


def resolve_url(db_url: str | None) -> str:
    from rung.store.url import default_url

    return db_url or default_url()


def open_store(db_url: str | None, *, must_exist: bool = False, migrate: bool = True) -> Store:
    from rung.store.api import Store

    return Store.open(resolve_url(db_url), must_exist=must_exist, migrate=migrate)


def pause_hook() -> Callable[[], None] | None:
    """A hook that stalls the snapshot write (for the crash test), from the environment."""
    import os

    seconds = os.environ.get(PAUSE_ENV)
    if not seconds:
        return None

    def pause() -> None:
        import sys
        import time

        sys.stderr.write("rung: paused inside the snapshot write transaction\n")
        sys.stderr.flush()
        time.sleep(float(seconds))

    return pause
