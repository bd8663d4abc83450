"""`rung demo`: build a realistic synthetic portfolio, scan it, show the report."""

from __future__ import annotations

from pathlib import Path

import click

from rung.cli.options import console


@click.command()
@click.option(
    "--dir",
    "dest",
    type=click.Path(file_okay=False),
    default="rung-demo",
    show_default=True,
    help="Folder for the synthetic repositories and reports.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option("--services", type=click.IntRange(min=5), default=48, show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Parallel workers.")
def demo(dest: str, seed: int, services: int, jobs: int | None) -> int:
    """Generate a synthetic portfolio (git repositories with histories), scan it and
    print the portfolio report. Deterministic for a given --seed."""
    from rung.cli.scan_cmd import emit, execute_scan
    from rung.demo.generator import generate_portfolio
    from rung.model.loader import load_model
    from rung.report.html import write_html_report

    root = Path(dest).resolve()
    err = console(err=True)
    err.print(f"Generating {services} services in {root} (seed {seed}) ...")
    portfolio = generate_portfolio(root / "repos", seed=seed, services=services)
    model = load_model("microservices")
    from datetime import UTC, datetime

    as_of = datetime(2026, 11, 26, tzinfo=UTC)
    result = execute_scan([str(portfolio.root)], model, as_of=as_of, jobs=jobs, live=False)
    emit(result, fmt="table", out=None, service_name=None)
    emit(result, fmt="json", out=str(root / "report.json"), service_name=None)
    html = write_html_report(result, root / "report.html")
    worst = sorted(result.assessments, key=lambda a: (a.achieved - a.required, a.name))[:1]
    con = console()
    con.print(f"\nHTML report: {html}\nJSON report: {root / 'report.json'}")
    if worst:
        con.print(f"Try: rung scan {portfolio.root} --as-of 2026-11-26 --service {worst[0].name}")
    return 0
