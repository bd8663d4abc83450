"""`rung gaps [NAME]`: unmet expectations at or below each service's required level."""

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
@click.argument("name", required=False)
@snapshot_option
@format_option()
@out_option
@config_option
@db_option
def gaps(
    name: str | None,
    snapshot_id: int | None,
    fmt: str,
    out: str | None,
    config: str | None,
    db_url: str | None,
) -> int:
    """Gaps of every service (or of service NAME): unmet expectations at or below its
    required level, each with its §4 weight (risk points x focus factor x (required -
    level + 1)). Attested and waived expectations are met. From the latest snapshot."""
    from rung.assess.roadmap import all_gaps, service_gaps
    from rung.cli.workspace_opts import emit_report, load_stored, snapshot_ref
    from rung.errors import UsageError
    from rung.report.planning import gaps_report

    stored = load_stored(db_url, snapshot_id, config)
    model = stored.result.model.model
    assessments = list(stored.result.assessments)
    if name is None:
        found = all_gaps(assessments, model)
    else:
        match = [a for a in assessments if a.name == name]
        if not match:
            raise UsageError(f"no service named {name!r} in snapshot {stored.id}")
        found = service_gaps(match[0], model)
    emit_report(gaps_report(found, model, snapshot_ref(stored)), fmt, out)
    return 0
