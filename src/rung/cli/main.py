"""`rung` command line: the edge. Heavy imports happen inside commands only."""

from __future__ import annotations

import sys
import traceback

import click

from rung import __version__
from rung.cli.attest_cmd import attest_group, audit, waive_group
from rung.cli.check_cmd import check
from rung.cli.checks_cmd import checks_group
from rung.cli.db_cmd import db_group
from rung.cli.demo_cmd import demo
from rung.cli.gaps_cmd import gaps
from rung.cli.goal_cmd import goal_group
from rung.cli.history_cmd import history
from rung.cli.model_cmd import model_group
from rung.cli.report_cmd import report, service, snapshots
from rung.cli.risk_cmd import risk_group
from rung.cli.roadmap_cmd import roadmap
from rung.cli.scan_cmd import scan
from rung.cli.serve_cmd import serve
from rung.cli.stack_cmd import stack
from rung.cli.teams_cmd import teams
from rung.errors import ExitCode, RungError

EPILOG = """Exit codes: 0 ok; 1 below the required level (gates); 2 bad configuration or
usage; 3 internal error."""


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rung")
def cli() -> None:
    """rung: which engineering practices each service must meet given its risk,
    which it meets today, and what to build next."""


cli.add_command(scan)
cli.add_command(demo)
cli.add_command(model_group)
cli.add_command(checks_group)
cli.add_command(report)
cli.add_command(service)
cli.add_command(history)
cli.add_command(snapshots)
cli.add_command(db_group)
cli.add_command(serve)
for command in (
    risk_group,
    gaps,
    roadmap,
    teams,
    attest_group,
    waive_group,
    goal_group,
    audit,
    stack,
    check,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: one place for fatal errors and exit codes."""
    try:
        rv = cli.main(args=argv, prog_name="rung", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.USAGE)
    except RungError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception:
        traceback.print_exc()
        click.echo("internal error: please report it with the trace above", err=True)
        sys.exit(ExitCode.INTERNAL)
    sys.exit(rv if isinstance(rv, int) else ExitCode.OK)
