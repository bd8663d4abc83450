"""`rung history [NAME]`: levels, required levels and gaps over snapshots."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import click

from rung.cli.db_options import db_option, open_store
from rung.cli.options import console
from rung.cli.workspace_opts import config_option

if TYPE_CHECKING:
    from rung.report.tabular import Table
    from rung.store.history import PortfolioPoint, ServicePoint

FORMATS = ("table", "json", "csv", "markdown")


def day(dt: datetime) -> str:
    return (
        f"{dt:%Y-%m-%d}" if (dt.hour, dt.minute, dt.second) == (0, 0, 0) else f"{dt:%Y-%m-%d %H:%M}"
    )


def _levels(dist: dict[int, int]) -> str:
    return " ".join(f"L{k}:{v}" for k, v in sorted(dist.items()))


def _drift(point: PortfolioPoint) -> str:
    """`outpacing: carts, orders; over-invested: users` (issue 4)."""
    from rung.assess.drift import DriftKind

    parts = []
    for kind, label in ((DriftKind.OUTPACING, "outpacing"), (DriftKind.OVER_INVESTED, "over")):
        names = [d.service for d in point.drift if d.kind is kind]
        if names:
            parts.append(f"{label}: {', '.join(names)}")
    return "; ".join(parts)


def portfolio_table(points: Sequence[PortfolioPoint]) -> Table:
    from rung.report.tabular import Table

    rows = tuple(
        (
            p.snapshot.id,
            day(p.snapshot.as_of),
            p.snapshot.model_hash.removeprefix("sha256:")[:8],
            p.services,
            p.below,
            p.gaps,
            _levels(p.achieved),
            _levels(p.required),
            _drift(p),
        )
        for p in points
    )
    headers = ("id", "as of", "model", "services", "below", "gaps")
    return Table("Portfolio history", (*headers, "achieved", "required", "drift"), rows)


def _changes(p: ServicePoint) -> str:
    return "; ".join(f"{c.check_id} {c.before or '-'} -> {c.after or '-'}" for c in p.changes)


def service_table(name: str, points: Sequence[ServicePoint]) -> Table:
    from rung.report.tabular import Table

    rows = tuple(
        (
            p.snapshot.id,
            day(p.snapshot.as_of),
            (p.head or "")[:8],
            p.achieved,
            p.required,
            p.gaps,
            ",".join(p.causes),
            _changes(p),
            p.required_change,
            "; ".join(d.message for d in p.drift),
        )
        for p in points
    )
    headers = ("id", "as of", "head", "lvl", "req", "gaps")
    return Table(f"History of {name}", (*headers, "cause", "changed checks", "why", "drift"), rows)


@click.command()
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the history to FILE.")
@config_option
@db_option
def history(
    name: str | None, fmt: str, out: str | None, config: str | None, db_url: str | None
) -> int:
    """Levels, required levels and gaps per snapshot; for one service NAME also which
    checks changed between snapshots and why (cause: service = its HEAD changed, model =
    the model changed, catalog = its catalog entry changed, rung = the check suite
    changed, live = only live probes differ), why its required level changed, and drift
    flags (risk outpacing maturity: required rose, achieved did not; over-invested:
    achieved above required)."""
    from rung.cli.report_cmd import write_text
    from rung.cli.workspace_opts import load_ws
    from rung.errors import UsageError
    from rung.report.tabular import RENDERERS, print_table

    with open_store(db_url, must_exist=True) as store:
        points: Sequence[PortfolioPoint] | Sequence[ServicePoint]
        if name is None:
            points = store.portfolio_history()
            table = portfolio_table(points)
        else:
            points = store.service_history(name, load_ws(config).stability)
            if not points:
                raise UsageError(f"no service named {name!r} in any snapshot")
            table = service_table(name, points)
    if fmt == "json":
        doc: dict[str, object] = {"snapshots": [p.to_json() for p in points]}
        if name is not None:
            doc = {"service": name, **doc}
        write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", out)
    elif fmt == "table" and not out:
        print_table(console(), table)
    else:
        write_text(RENDERERS.get(fmt, RENDERERS["markdown"])([table]), out)
    return 0
