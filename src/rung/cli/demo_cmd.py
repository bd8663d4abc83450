"""`rung demo`: build a realistic synthetic portfolio, scan it, show the report."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rung.cli.db_options import db_option
from rung.cli.options import console

if TYPE_CHECKING:
    from rung.demo.generator import DemoService
    from rung.store.api import Store

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
    as_of = AS_OF.convert(DEMO_AS_OF, None, None)
    common = {"paths": (str(portfolio.root),), "as_of": as_of, "jobs": jobs, "no_live": True}
    # A first scan registers the services; the teams of mature services then attest what
    # no machine can see (as a real rollout would), and the second scan counts it.
    ctx.invoke(scan, **common, db_url=db_url, fmt="json", out=os.devnull, quiet=True)
    with open_store(db_url, must_exist=True) as store:
        made = record_demo_attestations(store, portfolio.services, as_of, seed)
    err.print(f"Teams of mature services attested {made} expectations no machine can check.")
    ctx.invoke(scan, **common, db_url=db_url)
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


def record_demo_attestations(
    store: Store, services: Sequence[DemoService], as_of: datetime, seed: int
) -> int:
    """Demo services of tier 2 and above attest most `attest: true` expectations up to
    their tier (valid for 180 days from the demo's date); deterministic for the seed."""
    import random

    rng = random.Random(seed)
    _sid, result = store.result()
    model = result.model.model
    attestable = [
        (f"{area.id}/{exp.id}", lvl)
        for area, lvl, exp in model.expectations()
        if exp.evidence.attest
    ]
    scanned = {a.name for a in result.assessments}
    existing = store.overrides_in_force(as_of)  # a rerun of the demo attests nothing twice
    made = 0
    for svc in services:
        if svc.tier < 2 or svc.name not in scanned:
            continue
        for exp_id, lvl in attestable:
            if lvl > svc.tier or rng.random() < 0.15 or exp_id in existing.get(svc.name, {}):
                continue
            store.attest(
                svc.name,
                exp_id,
                by=f"lead of {svc.owner}",
                evidence=f"https://wiki.example.com/{svc.name}/{exp_id}",
                expires=as_of + timedelta(days=180),
                actor="rung demo",
                now=as_of,
            )
            made += 1
    return made
