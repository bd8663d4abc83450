"""`rung risk show|calibrate`: the risk policy in force and how it spreads the portfolio."""

from __future__ import annotations

import click

from rung.cli.db_options import db_option
from rung.cli.workspace_opts import (
    config_option,
    format_option,
    out_option,
    snapshot_option,
)


@click.group("risk")
def risk_group() -> None:
    """The risk policy: signals -> points -> required level (product.md §3)."""


@risk_group.command("show")
@click.option(
    "--model",
    "model_ref",
    help="Built-in model id or a model YAML file [default: the workspace's, else microservices].",
)
@format_option(("table", "json", "markdown"))
@out_option
@config_option
def show(model_ref: str | None, fmt: str, out: str | None, config: str | None) -> int:
    """Print the policy in force: factors, points, bands and stability settings, each with
    where it comes from (the model, the built-in default, or rung.yaml:LINE)."""
    from rung.assess.policy_view import policy_view
    from rung.cli.workspace_opts import emit_report, load_ws
    from rung.model.loader import load_model
    from rung.report.policy_text import policy_report

    ws = load_ws(config)
    model = load_model(model_ref or ws.model or "microservices")
    emit_report(policy_report(policy_view(model.model, ws)), fmt, out)
    return 0


@risk_group.command("calibrate")
@snapshot_option
@format_option(("table", "json", "markdown"))
@out_option
@config_option
@db_option
def calibrate(
    snapshot_id: int | None, fmt: str, out: str | None, config: str | None, db_url: str | None
) -> int:
    """How the policy in force (the snapshot's model with rung.yaml) spreads the latest
    snapshot's services over required levels, and what moving each band edge by one
    point would change. Risk points are recomputed from the stored signals with the
    policy in force; pins and stability are left out (they are not the policy's doing)."""
    from rung.assess.calibrate import calibrate as spread
    from rung.assess.portfolio import effective_policy, portfolio_risks
    from rung.cli.workspace_opts import emit_report, load_stored, snapshot_ref
    from rung.report.policy_text import calibration_report

    stored = load_stored(db_url, snapshot_id, config)
    model = stored.result.model.model
    policy = effective_policy(model, stored.workspace)
    scans = [a.scan for a in stored.result.assessments]
    points = {n: r.points for n, r in portfolio_risks(model, scans, policy=policy).items()}
    cal = spread(points, policy, max_level=model.max_level())
    emit_report(calibration_report(cal, snapshot_ref(stored)), fmt, out)
    return 0
