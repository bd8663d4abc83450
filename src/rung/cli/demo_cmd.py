"""`rung demo`: build a realistic synthetic portfolio, scan it, show the report."""

from __future__ import annotations

from pathlib import Path

import click

from rung.cli.db_options import db_option
from rung.cli.options import console

DEMO_AS_OF = "2026-11-26"  # the generator's fixed "now": the demo output is stable


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
@db_option
@click.pass_context
def demo(
    ctx: click.Context, dest: str, seed: int, services: int, jobs: int | None, db_url: str | None
) -> int:
    """Generate a synthetic portfolio (git repositories with dated histories by several
    authors, monorepos, several languages, maturity from none to level 4), scan it, store
    the snapshot and print the portfolio report. Deterministic for a given --seed."""
    from rung.cli.db_options import open_store
    from rung.cli.options import AS_OF
    from rung.cli.scan_cmd import scan
    from rung.demo.generator import generate_portfolio
    from rung.report.html import write_html_report
    from rung.report.jsondoc import iso, portfolio_json

    root = Path(dest).resolve()
    err = console(err=True)
    err.print(f"Generating {services} services in {root} (seed {seed}) ...")
    portfolio = generate_portfolio(root / "repos", seed=seed, services=services)
    ctx.invoke(
        scan,
        paths=(str(portfolio.root),),
        as_of=AS_OF.convert(DEMO_AS_OF, None, None),
        jobs=jobs,
        no_live=True,
        db_url=db_url,
    )
    with open_store(db_url, must_exist=True) as store:
        sid, result = store.result()
    import json

    doc = portfolio_json(
        result.model,
        result.assessments,
        snapshot={
            "id": sid,
            "as_of": iso(result.as_of),
            "started_at": iso(result.started_at),
            "finished_at": iso(result.finished_at),
        },
        warnings=result.warnings,
    )
    (root / "report.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    html = write_html_report(result, root / "report.html")
    worst = sorted(result.assessments, key=lambda a: (a.achieved - a.required, a.name))[:1]
    con = console()
    con.print(f"\nHTML report: {html}\nJSON report: {root / 'report.json'}")
    con.print("Next:")
    if worst:
        con.print(f"  rung service {worst[0].name}      # gaps, evidence and platform support")
    con.print("  rung report --format markdown   # the stored snapshot, per pillar and team")
    con.print("  rung history                    # levels over snapshots")
    return 0
