"""`rung roadmap`: expectations (or areas) ranked by risk-weighted gaps; what-if."""

from __future__ import annotations

import click

from rung.cli.db_options import db_option
from rung.cli.workspace_opts import (
    config_option,
    format_option,
    out_option,
    snapshot_option,
)


@click.command()
@click.option("--top", type=click.IntRange(min=1), metavar="N", help="Only the first N items.")
@click.option(
    "--by",
    type=click.Choice(["expectation", "area"]),
    default="expectation",
    show_default=True,
    help="Rank expectations, or areas.",
)
@click.option(
    "--what-if",
    "what_if",
    multiple=True,
    metavar="EXPECTATION",
    help="Show the portfolio were these expectations met everywhere (repeat, or comma-separate).",
)
@snapshot_option
@format_option()
@out_option
@config_option
@db_option
def roadmap(
    top: int | None,
    by: str,
    what_if: tuple[str, ...],
    snapshot_id: int | None,
    fmt: str,
    out: str | None,
    config: str | None,
    db_url: str | None,
) -> int:
    """The platform roadmap (product.md §4): expectations ranked by the sum of their gap
    weights over the portfolio (ties by id), each with the services and teams it unblocks,
    the platform support that helps, and the level each service would reach were it met.
    --by area ranks areas. --what-if shows services per level before/after and the gap
    weight removed. Deterministic; from the latest snapshot."""
    from rung.assess.roadmap import roadmap as rank
    from rung.assess.roadmap import roadmap_by_area
    from rung.assess.roadmap import what_if as simulate
    from rung.cli.workspace_opts import emit_report, load_stored, snapshot_ref
    from rung.report.planning import area_report, roadmap_report, what_if_report

    stored = load_stored(db_url, snapshot_id, config)
    model = stored.result.model.model
    assessments = list(stored.result.assessments)
    ref = snapshot_ref(stored)
    ids = [p.strip() for arg in what_if for p in arg.split(",") if p.strip()]
    if ids:
        report = what_if_report(simulate(assessments, model, ids), ref)
    elif by == "area":
        report = area_report(roadmap_by_area(assessments, model, top), ref)
    else:
        report = roadmap_report(rank(assessments, model, top), ref)
    emit_report(report, fmt, out)
    return 0
