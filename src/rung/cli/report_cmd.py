"""`rung report`, `rung service`, `rung snapshots`: reading stored snapshots."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from rung.cli.db_options import db_option, open_store
from rung.cli.options import console
from rung.cli.workspace_opts import Stored, config_option, load_stored

SNAPSHOT = click.option(
    "--snapshot", "snapshot_id", type=int, metavar="ID", help="Snapshot id [default: latest]."
)
OUT = click.option("--out", type=click.Path(dir_okay=False), help="Write the report to FILE.")


def write_text(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def _report_table(stored: Stored, out: str | None) -> None:
    from rich.console import Console

    from rung.cli.scan_cmd import emit
    from rung.report.tabular import print_table, teams_table

    result, sid = stored.result, stored.id
    emit(result, fmt="table", out=out, service_name=None, snapshot_id=sid, context=stored.context)
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            print_table(Console(file=fh, width=100, no_color=True), teams_table(result.assessments))
    else:
        print_table(console(), teams_table(result.assessments))


def _report_json(stored: Stored, out: str | None) -> None:
    from rung.cli.scan_cmd import emit

    emit(
        stored.result,
        fmt="json",
        out=out,
        service_name=None,
        snapshot_id=stored.id,
        context=stored.context,
    )


def _report_tabular(fmt: str) -> Callable[[Stored, str | None], None]:
    def render(stored: Stored, out: str | None) -> None:
        from rung.report.tabular import RENDERERS, portfolio_tables

        result = stored.result
        write_text(RENDERERS[fmt](portfolio_tables(result.model.model, result.assessments)), out)

    return render


REPORTS: dict[str, Callable[[Stored, str | None], None]] = {
    "table": _report_table,
    "json": _report_json,
    "csv": _report_tabular("csv"),
    "markdown": _report_tabular("markdown"),
}


@click.command()
@SNAPSHOT
@click.option(
    "--format", "fmt", type=click.Choice(list(REPORTS)), default="table", show_default=True
)
@OUT
@config_option
@db_option
def report(
    snapshot_id: int | None, fmt: str, out: str | None, config: str | None, db_url: str | None
) -> int:
    """The portfolio from a stored snapshot: services x areas (achieved vs required),
    per pillar and per team, drift (risk outpacing maturity, over-investment), waivers
    and expired attestations. JSON is the same document `rung scan --format json` printed."""
    REPORTS[fmt](load_stored(db_url, snapshot_id, config), out)
    return 0


@click.command()
@click.argument("name")
@SNAPSHOT
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@OUT
@config_option
@db_option
def service(
    name: str,
    snapshot_id: int | None,
    fmt: str,
    out: str | None,
    config: str | None,
    db_url: str | None,
) -> int:
    """One service from a stored snapshot: per-area achieved vs required, each unmet
    expectation with its evidence and the platform support that helps; the required
    level explained (raw and stable, critical-path chain, change since the snapshot
    before) and its attestations and waivers."""
    from rung.cli.scan_cmd import emit

    stored = load_stored(db_url, snapshot_id, config)
    return emit(
        stored.result,
        fmt=fmt,
        out=out,
        service_name=name,
        snapshot_id=stored.id,
        context=stored.context,
    )


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@db_option
def snapshots(fmt: str, db_url: str | None) -> int:
    """List the stored snapshots, oldest first."""
    with open_store(db_url, must_exist=True) as store:
        infos = store.snapshots()
    if fmt == "json":
        click.echo(json.dumps([s.to_json() for s in infos], indent=2))
        return 0
    from rung.cli.history_cmd import day
    from rung.report.tabular import Table, print_table

    rows = tuple(
        (
            s.id,
            f"{s.finished_at:%Y-%m-%d %H:%M}",
            day(s.as_of),
            f"{s.model_id} v{s.model_version} {s.model_hash.removeprefix('sha256:')[:8]}",
            s.services,
            s.reused,
            "full" if s.full or not s.reused else "incremental",
            s.rung_version,
        )
        for s in infos
    )
    headers = ("id", "finished", "as of", "model", "services", "reused", "scan")
    print_table(console(), Table("Snapshots", (*headers, "rung"), rows))
    return 0
