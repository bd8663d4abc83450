"""`rung serve`: the web dashboard, REST API and /metrics; optional periodic rescans."""

from __future__ import annotations

import click

from rung.cli.db_options import db_option, resolve_url

TOKEN_ENV = "RUNG_API_TOKEN"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@db_option
@click.option(
    "--rescan-every",
    metavar="DURATION",
    help="Rescan periodically (30m, 6h, 1d), one scan at a time; needs --rescan-path.",
)
@click.option(
    "--rescan-path",
    "rescan_paths",
    multiple=True,
    type=click.Path(),
    help="What a rescan scans (repeatable); enables 'rescan now' for token holders.",
)
@click.option("--model", "model_ref", help="Model of the rescans [default: microservices].")
@click.option("--catalog", type=click.Path(dir_okay=False), help="Central catalog of rescans.")
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="info",
    show_default=True,
)
def serve(
    host: str,
    port: int,
    db_url: str | None,
    rescan_every: str | None,
    rescan_paths: tuple[str, ...],
    model_ref: str | None,
    catalog: str | None,
    log_level: str,
) -> int:
    """Serve the dashboard: heatmap, services, teams, roadmap, goals, trends, model and
    snapshots, each with a JSON twin under /api (OpenAPI at /openapi.json, reference at
    /docs), and /metrics for Prometheus. Writes (attest, waive, revoke, goals, rescan)
    need a bearer token: set RUNG_API_TOKEN (NAME:SECRET, comma-separated for several);
    without it the server is read-only."""
    import logging
    import os

    import uvicorn

    from rung.errors import UsageError
    from rung.web.app import create_app
    from rung.web.rescan import Rescanner, parse_every, run_command, scan_command

    if rescan_every and not rescan_paths:
        raise UsageError("--rescan-every needs at least one --rescan-path")
    url = resolve_url(db_url)
    rescanner = None
    if rescan_paths:
        cmd = scan_command(rescan_paths, url, model=model_ref, catalog=catalog)
        rescanner = Rescanner(lambda: run_command(cmd))
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    app = create_app(url, token=os.environ.get(TOKEN_ENV) or None, rescan=rescanner)
    if rescanner is not None and rescan_every:
        rescanner.start_periodic(parse_every(rescan_every))
    click.echo(f"rung dashboard on http://{host}:{port}/ (database {app.state.ctx.store.url})")
    uvicorn.run(app, host=host, port=port, log_level=log_level)
    return 0
