"""`rung checks list`: the check registry."""

from __future__ import annotations

import click


@click.group("checks")
def checks_group() -> None:
    """The evidence vocabulary: built-in and plugin checks."""


@checks_group.command("list")
@click.option("--model", "model_ref", help="Also list the model's declarative checks.")
def checks_list(model_ref: str | None) -> int:
    """List every registered check id with its kind and summary."""
    from rung.checks.registry import default_registry

    registry = default_registry()
    if model_ref:
        from rung.checks.custom import custom_checks
        from rung.model.loader import load_model

        registry = registry.with_checks(custom_checks(load_model(model_ref).model.checks))
    for spec in registry:
        click.echo(f"{spec.id:32} {spec.kind:8} {spec.summary}")
    return 0
