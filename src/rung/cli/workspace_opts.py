"""Options shared by the risk, roadmap, goal, attestation and report commands (issue 4):
`--config` (the workspace file), `--actor` (who records a write), `--snapshot`, `--format`,
and loading a stored snapshot with its report context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from rung.assess.explain import ReportContext
    from rung.model.workspace import Workspace
    from rung.report.planning import Report
    from rung.scanner import ScanResult

F = TypeVar("F", bound=Callable[..., object])

ACTOR_ENV = "RUNG_ACTOR"
TABULAR = ("table", "json", "csv", "markdown")


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Workspace file (risk policy, stability, default model and profile) "
        "[default: rung.yaml in the current folder, when present].",
    )(func)


def actor_option(func: F) -> F:
    return click.option(
        "--actor",
        envvar=ACTOR_ENV,
        show_envvar=True,
        metavar="WHO",
        help="Who records this, for the audit trail [default: the login name].",
    )(func)


def snapshot_option(func: F) -> F:
    return click.option(
        "--snapshot", "snapshot_id", type=int, metavar="ID", help="Snapshot id [default: latest]."
    )(func)


def format_option(choices: tuple[str, ...] = TABULAR) -> Callable[[F], F]:
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default="table", show_default=True
    )


def out_option(func: F) -> F:
    return click.option("--out", type=click.Path(dir_okay=False), help="Write the report to FILE.")(
        func
    )


def actor_name(actor: str | None) -> str:
    if actor:
        return actor
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def load_ws(config: str | None) -> Workspace:
    """The workspace in force; its warnings (unknown keys) go to stderr."""
    from rung.cli.options import console
    from rung.model.workspace import load_workspace

    ws = load_workspace(config)
    for w in ws.warnings:
        console(err=True).print(f"[yellow]warning:[/] {w}", highlight=False, markup=True)
    return ws


@dataclass(frozen=True)
class Stored:
    id: int
    result: ScanResult
    context: ReportContext
    workspace: Workspace


def load_stored(db_url: str | None, snapshot_id: int | None, config: str | None = None) -> Stored:
    """A stored snapshot re-assessed (overrides as in force then) with its report context."""
    from rung.cli.db_options import open_store

    ws = load_ws(config)
    with open_store(db_url, must_exist=True) as store:
        sid, result = store.result(snapshot_id)
        context = store.report_context(
            sid, as_of=result.as_of, recorded_by=result.finished_at, stability=ws.stability
        )
    return Stored(sid, result, context, ws)


def write_text(text: str, out: str | None) -> None:
    from pathlib import Path

    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


def snapshot_ref(stored: Stored) -> dict[str, object]:
    from rung.report.jsondoc import iso

    return {"id": stored.id, "as_of": iso(stored.result.as_of)}


def emit_report(report: Report, fmt: str, out: str | None) -> None:
    """A planning report as terminal tables, JSON, CSV (its first table) or Markdown."""
    import json

    from rung.report.tabular import RENDERERS

    if fmt == "json":
        write_text(json.dumps(report.doc, indent=2, ensure_ascii=False) + "\n", out)
    elif fmt == "table":
        from rich.console import Console

        from rung.cli.options import console
        from rung.report.tabular import print_table

        if out:
            with open(out, "w", encoding="utf-8") as fh:
                con = Console(file=fh, width=120, no_color=True, highlight=False)
                for t in report.tables:
                    print_table(con, t)
        else:
            con = console()
            for t in report.tables:
                print_table(con, t)
    else:
        write_text(RENDERERS[fmt](list(report.tables)), out)
