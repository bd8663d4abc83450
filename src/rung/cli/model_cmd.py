"""`rung model list|show|validate|schema`."""

from __future__ import annotations

import json

import click

from rung.cli.options import console


@click.group("model")
def model_group() -> None:
    """Maturity models: built-in and your own."""


@model_group.command("list")
def model_list() -> int:
    """List the built-in models."""
    from rung.model.loader import builtin_ids, load_model

    for mid in builtin_ids():
        m = load_model(mid).model
        n = len(m.expectations())
        click.echo(f"{mid:16} {m.name} (v{m.version}; {len(m.areas())} areas, {n} expectations)")
    return 0


@model_group.command("show")
@click.argument("ref")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--profile", help="Mark the focus areas of this profile.")
def model_show(ref: str, fmt: str, profile: str | None) -> int:
    """Show a model (a built-in id or a YAML file)."""
    from rung.model.loader import load_model

    loaded = load_model(ref)
    m = loaded.model
    if fmt == "json":
        click.echo(
            json.dumps(m.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2)
        )
        return 0
    from rich.markup import escape
    from rich.table import Table

    focus = set(m.profiles[profile].focus) if profile and profile in m.profiles else set()
    con = console()
    con.print(f"[bold]{escape(m.name)}[/] ({m.id} v{m.version}, {loaded.hash[:19]})")
    for pillar in m.pillars:
        table = Table(title=escape(pillar.name), title_justify="left", show_lines=True)
        table.add_column("Area", max_width=18)
        for ld in m.levels:
            table.add_column(f"{ld.level} {escape(ld.name)}")
        for area in pillar.areas:
            cells = []
            for ld in m.levels:
                exps = area.levels.get(ld.level, [])
                cells.append(
                    "\n".join(
                        f"• {escape(e.expectation)}"
                        + (" [dim](attest)[/]" if e.evidence.attest else "")
                        for e in exps
                    )
                )
            name = escape(area.name) + (" [bold magenta]★[/]" if area.id in focus else "")
            table.add_row(name, *cells)
        con.print(table)
    return 0


@model_group.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def model_validate(file: str) -> int:
    """Validate a model file; errors name file, line and path."""
    from rung.model.loader import load_model

    loaded = load_model(file)
    for w in loaded.warnings:
        click.echo(f"warning: {w}", err=True)
    m = loaded.model
    click.echo(
        f"{file}: ok ({m.id} v{m.version}, {len(m.areas())} areas, "
        f"{len(m.expectations())} expectations, {loaded.hash})"
    )
    return 0


@model_group.command("schema")
def model_schema() -> int:
    """Print the JSON Schema of model files (for editors)."""
    from rung.model.schema import Model

    schema = Model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "rung maturity model"
    click.echo(json.dumps(schema, indent=2))
    return 0
