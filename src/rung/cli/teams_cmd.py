"""`rung teams [TEAM]`: per owner, its services, their gaps and what to work on next."""

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
@click.argument("team", required=False)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    metavar="N",
    help="Expectations to work on next, per team.",
)
@snapshot_option
@format_option()
@out_option
@config_option
@db_option
def teams(
    team: str | None,
    top: int,
    snapshot_id: int | None,
    fmt: str,
    out: str | None,
    config: str | None,
    db_url: str | None,
) -> int:
    """Team goals: per owner team (services without one: `unowned`), its services, their
    gaps and gap weight, and the N highest-weight expectations to work on next (the
    roadmap ranking restricted to the team's services). From the latest snapshot."""
    from rung.assess.roadmap import team_of, team_view
    from rung.assess.roadmap import teams as all_teams
    from rung.cli.workspace_opts import emit_report, load_stored, snapshot_ref
    from rung.errors import UsageError
    from rung.report.planning import teams_report

    stored = load_stored(db_url, snapshot_id, config)
    model = stored.result.model.model
    assessments = list(stored.result.assessments)
    if team is None:
        views = all_teams(assessments, model, top)
    else:
        known = sorted({team_of(a) for a in assessments})
        if team not in known:
            raise UsageError(
                f"no team {team!r} in snapshot {stored.id} (teams: {', '.join(known)})"
            )
        views = [team_view(assessments, model, team, top)]
    emit_report(teams_report(views, snapshot_ref(stored), detail=True), fmt, out)
    return 0
