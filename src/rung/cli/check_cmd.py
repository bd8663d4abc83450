"""`rung check`: the CI gate for one service (or every service of one repository)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from rung.cli.db_options import ENV_VAR
from rung.cli.options import AS_OF
from rung.cli.workspace_opts import config_option, out_option

if TYPE_CHECKING:
    from rung.model.schema import Model
    from rung.report.gate import Verdict

FORMATS = ("table", "json", "sarif", "junit")


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--service", "service_name", help="Gate this service of the repository only.")
@click.option(
    "--min-level",
    type=click.IntRange(min=0),
    help="Gate on this level instead of the service's required level.",
)
@click.option("--model", "model_ref", help="Built-in model id or a model YAML file.")
@click.option("--catalog", type=click.Path(dir_okay=False), help="Central catalog file.")
@click.option("--as-of", "as_of", type=AS_OF, help="Fix 'now' (ISO date).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@out_option
@click.option("--no-live", is_flag=True, help="Skip live endpoint probes.")
@click.option(
    "--db",
    "db_url",
    envvar=ENV_VAR,
    show_envvar=True,
    metavar="URL",
    help="Count the attestations and waivers recorded in this database (none without it).",
)
@config_option
def check(
    path: str,
    service_name: str | None,
    min_level: int | None,
    model_ref: str | None,
    catalog: str | None,
    as_of: datetime | None,
    fmt: str,
    out: str | None,
    no_live: bool,
    db_url: str | None,
    config: str | None,
) -> int:
    """Gate a build on maturity: scan the repository at PATH (nothing is stored) and exit 1
    when a service is below its required level (or --min-level). Prints the gaps that keep
    it there as a table, JSON, SARIF 2.1.0 (code scanning) or JUnit XML (test reports)."""
    from rung.assess.portfolio import effective_policy
    from rung.cli.workspace_opts import load_ws, write_text
    from rung.errors import ExitCode, UsageError
    from rung.model.loader import load_model
    from rung.report import gate
    from rung.scanner import Prior, run_scan

    ws = load_ws(config)
    model = load_model(model_ref or ws.model or "microservices")
    overrides = None
    if db_url:
        from rung.cli.db_options import open_store

        with open_store(db_url, must_exist=True) as store:
            overrides = store.overrides_in_force(as_of or datetime.now().astimezone())
    result = run_scan(
        [path],
        model,
        catalog=catalog,
        as_of=as_of,
        profile=ws.profile,
        jobs=1,
        live=not no_live,
        policy=effective_policy(model.model, ws),
        prior=Prior(overrides=overrides),
    )
    chosen = list(result.assessments)
    if service_name is not None:
        chosen = [a for a in chosen if a.name == service_name]
        if not chosen:
            names = ", ".join(a.name for a in result.assessments) or "none"
            raise UsageError(f"no service named {service_name!r} at {path} (found: {names})")
    if not chosen:
        raise UsageError(f"no service found at {path}")
    verdicts = [gate.Verdict(a, a.required if min_level is None else min_level) for a in chosen]
    if fmt == "table":
        _print(verdicts, model.model, out)
    elif fmt == "json":
        import json

        write_text(json.dumps(gate.verdict_json(verdicts, model.model), indent=2) + "\n", out)
    else:
        write_text((gate.sarif if fmt == "sarif" else gate.junit)(verdicts, model.model), out)
    return ExitCode.OK if all(v.passed for v in verdicts) else ExitCode.GATE_FAILED


def _print(verdicts: list[Verdict], model: Model, out: str | None) -> None:
    from rich.console import Console
    from rich.markup import escape

    from rung.cli.options import console
    from rung.report.gate import verdict_json

    fh = open(out, "w", encoding="utf-8") if out else None  # noqa: SIM115
    con = Console(file=fh, width=100, no_color=True) if fh else console()
    doc = verdict_json(verdicts, model)
    for svc in doc["services"]:
        mark = "[green]PASS[/]" if svc["passed"] else "[bold red]FAIL[/]"
        con.print(
            f"{mark} {escape(svc['name'])}: level {svc['achieved']}, gate {svc['gate']} "
            f"(required {svc['required']}), {len(svc['gaps'])} gaps"
        )
        for g in svc["gaps"]:
            con.print(f"  L{g['level']} [bold]{escape(g['expectation'])}[/]: {escape(g['why'])}")
            if g["support"]:
                con.print(f"     [cyan]support:[/] {escape(g['support'])}", highlight=False)
    if fh:
        fh.close()
