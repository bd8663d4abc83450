"""Docs generated from code must not drift from it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from rung.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


def test_check_reference_is_current() -> None:
    out = CliRunner().invoke(cli, ["checks", "list", "--format", "markdown"])
    assert out.exit_code == 0
    committed = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == out.output, (
        "regenerate: rung checks list --format markdown > docs/checks.md"
    )


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = cli
    missing = [f"rung {name}" for name in group.commands if f"rung {name}" not in readme]
    assert missing == []
