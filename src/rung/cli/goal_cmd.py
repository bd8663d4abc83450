"""`rung goal add|list|show`: goals with outcomes, tracked over snapshots."""

from __future__ import annotations

import click

from rung.cli.db_options import db_option
from rung.cli.workspace_opts import actor_option, format_option, out_option

FILTER_HELP = (
    "Which services: comma-separated key=value terms, all must hold; keys team (owner), "
    "system, lifecycle, profile, name (exact or glob: name=pay*), critical=true|false "
    "(declared or inherited); or all."
)


@click.group("goal")
def goal_group() -> None:
    """Goals: "these services reach level L in these areas by DATE", with progress per
    snapshot (services meeting / total) and on track vs behind by a linear projection."""


@goal_group.command("add")
@click.argument("name")
@click.option("--services", "services", required=True, metavar="FILTER", help=FILTER_HELP)
@click.option(
    "--area",
    "areas",
    required=True,
    multiple=True,
    metavar="AREA",
    help="An area id of the model (repeat, or comma-separate).",
)
@click.option("--level", type=int, required=True, metavar="L", help="The level to reach.")
@click.option(
    "--by", "due", required=True, metavar="DATE", help="Due date (ISO date, or 90d from now)."
)
@click.option("--description", default="", metavar="TEXT", help="What the goal is for.")
@actor_option
@db_option
def goal_add(
    name: str,
    services: str,
    areas: tuple[str, ...],
    level: int,
    due: str,
    description: str,
    actor: str | None,
    db_url: str | None,
) -> int:
    """Record goal NAME (checked against the latest snapshot's model)."""
    from rung.assess.overrides import iso
    from rung.cli.db_options import open_store
    from rung.cli.workspace_opts import actor_name

    ids = [a for arg in areas for a in arg.split(",")]
    with open_store(db_url, must_exist=True) as store:
        record = store.add_goal(
            name, services, ids, level, due, actor=actor_name(actor), description=description
        )
        (gp,) = store.goal_progress(record.goal.name)
    latest = gp.latest
    now = f"{len(latest.meeting)}/{latest.total} meet it now" if latest else "no service matches"
    click.echo(f"goal {record.goal.name!r} recorded (due {iso(record.goal.due)}): {now}")
    return 0


@goal_group.command("list")
@format_option()
@out_option
@db_option
def goal_list(fmt: str, out: str | None, db_url: str | None) -> int:
    """Every goal with its progress per snapshot and its status (met, on track, behind,
    overdue, no trend)."""
    from rung.cli.db_options import open_store
    from rung.cli.workspace_opts import emit_report
    from rung.report.goals_text import goals_report

    with open_store(db_url, must_exist=True) as store:
        progress = store.goal_progress()
    emit_report(goals_report(progress), fmt, out)
    return 0


@goal_group.command("show")
@click.argument("name")
@format_option()
@out_option
@db_option
def goal_show(name: str, fmt: str, out: str | None, db_url: str | None) -> int:
    """Goal NAME: progress per snapshot, and the services that still miss it with their
    gaps in the goal's areas (unmet expectations at or below its level)."""
    from rung.assess.goals import goal_gaps
    from rung.cli.db_options import open_store
    from rung.cli.workspace_opts import emit_report, load_stored
    from rung.report.goals_text import goal_report

    with open_store(db_url, must_exist=True) as store:
        (gp,) = store.goal_progress(name)
    latest = load_stored(db_url, None)
    missing = set(gp.latest.missing) if gp.latest else set()
    gaps = {a.name: goal_gaps(gp.goal, a) for a in latest.result.assessments if a.name in missing}
    emit_report(goal_report(gp, gaps), fmt, out)
    return 0
