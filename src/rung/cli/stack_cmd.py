"""`rung stack`: tech-stack proliferation across the portfolio."""

from __future__ import annotations

import click

from rung.cli.db_options import db_option
from rung.cli.workspace_opts import config_option, format_option, out_option, snapshot_option

CATEGORY_CHOICES = ("languages", "frameworks", "datastores", "infrastructure")


@click.command()
@click.option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice(CATEGORY_CHOICES),
    help="Only this category (repeatable) [default: all].",
)
@click.option(
    "--long-tail",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="An item used by at most this many services is in the long tail.",
)
@snapshot_option
@format_option()
@out_option
@config_option
@db_option
def stack(
    categories: tuple[str, ...],
    long_tail: int,
    snapshot_id: int | None,
    fmt: str,
    out: str | None,
    config: str | None,
    db_url: str | None,
) -> int:
    """Languages, frameworks, datastores and infrastructure in use: services and teams per
    item, most used first, and the long tail that makes a platform hard to support."""
    from rung.assess.stack import stack_inventory
    from rung.cli.workspace_opts import emit_report, load_stored, snapshot_ref
    from rung.report.stack_report import stack_report

    stored = load_stored(db_url, snapshot_id, config)
    inv = stack_inventory(list(stored.result.assessments), long_tail=long_tail)
    chosen = categories or CATEGORY_CHOICES
    emit_report(stack_report(inv, snapshot_ref(stored), chosen), fmt, out)
    return 0
