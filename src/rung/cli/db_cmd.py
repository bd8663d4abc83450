"""`rung db upgrade|status|prune`: the snapshot database itself."""

from __future__ import annotations

import click

from rung.cli.db_options import db_option, open_store
from rung.cli.options import console


@click.group("db")
def db_group() -> None:
    """The snapshot database (SQLite by default, PostgreSQL by URL)."""


@db_group.command("upgrade")
@db_option
def upgrade(db_url: str | None) -> int:
    """Apply the database migrations (creates the database when missing)."""
    with open_store(db_url, migrate=False) as store:
        done = store.upgrade()
        where = store.url
    if done.before == done.after:
        console(err=True).print(f"{where}: already at revision {done.after}")
    else:
        console(err=True).print(f"{where}: upgraded {done.before or 'empty'} -> {done.after}")
    return 0


@db_group.command("status")
@db_option
def status(db_url: str | None) -> int:
    """Show the database, its schema revision and how many snapshots it holds."""
    from rung.store.migrate import HEAD

    with open_store(db_url, must_exist=True, migrate=False) as store:
        rev = store.revision()
        count = len(store.snapshots()) if rev == HEAD else None
        where = store.url
    click.echo(f"database: {where}")
    click.echo(f"revision: {rev or 'none (empty)'} (this rung: {HEAD})")
    if count is not None:
        click.echo(f"snapshots: {count}")
    return 0


@db_group.command("prune")
@click.option(
    "--keep", type=click.IntRange(min=1), required=True, help="Snapshots to keep (the newest)."
)
@db_option
def prune(keep: int, db_url: str | None) -> int:
    """Delete all but the KEEP newest snapshots."""
    with open_store(db_url, must_exist=True) as store:
        gone = store.prune(keep)
    ids = ", ".join(map(str, gone)) if gone else "none"
    console(err=True).print(f"deleted {len(gone)} snapshot(s): {ids}")
    return 0
