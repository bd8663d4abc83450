"""`rung attest`, `rung waive` (record, list, revoke) and `rung audit`.

`rung attest SERVICE EXPECTATION ...` records; `rung attest list` and `rung attest revoke
ID` manage. Every write lands in the append-only audit trail (`rung audit`).
"""

from __future__ import annotations

from typing import Any

import click

from rung.cli.db_options import db_option
from rung.cli.options import AS_OF
from rung.cli.workspace_opts import actor_option, format_option, out_option

EXPIRES_HELP = "When it expires: a number of days (90d) or an ISO date (00:00 UTC)."
COUNTS = "counts from the next `rung scan` until it expires"


class DefaultGroup(click.Group):
    """A group whose unknown first argument means its `add` command."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["add", *args]
        return super().resolve_command(ctx, args)


def _kind(name: str) -> Any:
    from rung.assess.overrides import OverrideKind

    return OverrideKind(name)


def _done(record: Any, verb: str) -> None:
    from datetime import UTC, datetime

    from rung.assess.overrides import OverrideStatus, iso
    from rung.cli.options import console

    click.echo(
        f"{record.kind} #{record.id} {verb}: {record.service} {record.expectation}, "
        f"expires {iso(record.expires_at)}; {COUNTS}"
    )
    if record.status(datetime.now(UTC)) is OverrideStatus.EXPIRED:
        console(err=True).print(
            "[yellow]warning:[/] it has already expired: it counts only for scans "
            "--as-of before its expiry"
        )


# ----- rung attest -------------------------------------------------------------------------


@click.group("attest", cls=DefaultGroup)
def attest_group() -> None:
    """Attestations: a person states that an `attest: true` expectation (one no machine
    can check) is met, with evidence and an expiry.

    \b
    rung attest SERVICE EXPECTATION --by WHO --evidence URL --expires DATE|90d [--note T]
    rung attest list [--service NAME]
    rung attest revoke ID [--reason TEXT]

    Machine-checked expectations cannot be attested: waive them (`rung waive`)."""


@attest_group.command("add")
@click.argument("service")
@click.argument("expectation")
@click.option("--by", "by", required=True, metavar="WHO", help="Who attests.")
@click.option("--evidence", required=True, metavar="URL", help="Link to the evidence.")
@click.option("--expires", required=True, metavar="DATE|90d", help=EXPIRES_HELP)
@click.option("--note", default="", metavar="TEXT", help="A note shown with it.")
@actor_option
@db_option
def attest_add(
    service: str,
    expectation: str,
    by: str,
    evidence: str,
    expires: str,
    note: str,
    actor: str | None,
    db_url: str | None,
) -> int:
    """Record an attestation of EXPECTATION (<area>/<slug>) for SERVICE."""
    from rung.cli.db_options import open_store
    from rung.cli.workspace_opts import actor_name

    with open_store(db_url, must_exist=True) as store:
        record = store.attest(
            service,
            expectation,
            by=by,
            evidence=evidence,
            expires=expires,
            note=note,
            actor=actor_name(actor),
        )
    _done(record, "recorded")
    return 0


def _list(kind_name: str, service: str | None, at: Any, fmt: str, out: str | None, db: Any) -> int:
    from datetime import UTC, datetime

    from rung.cli.db_options import open_store
    from rung.cli.workspace_opts import emit_report
    from rung.report.ledger_text import overrides_report

    kind = _kind(kind_name)
    with open_store(db, must_exist=True) as store:
        records = store.overrides(kind, service)
    emit_report(overrides_report(records, kind, at or datetime.now(UTC)), fmt, out)
    return 0


def _revoke(kind_name: str, override_id: int, reason: str, actor: str | None, db: Any) -> int:
    from rung.cli.db_options import open_store
    from rung.cli.workspace_opts import actor_name

    with open_store(db, must_exist=True) as store:
        record = store.revoke(_kind(kind_name), override_id, actor=actor_name(actor), reason=reason)
    click.echo(
        f"{record.kind} #{record.id} revoked ({record.service} {record.expectation}): "
        "it stops counting at the next `rung scan`"
    )
    return 0


LIST_OPTIONS = (
    click.option("--service", metavar="NAME", help="Only this service's."),
    click.option("--as-of", "at", type=AS_OF, help="Mark expired ones as of DATE [default: now]."),
    format_option(),
    out_option,
    db_option,
)


def _list_options(func: Any) -> Any:
    for option in reversed(LIST_OPTIONS):
        func = option(func)
    return func


@attest_group.command("list")
@_list_options
def attest_list(service: str | None, at: Any, fmt: str, out: str | None, db_url: str | None) -> int:
    """Every attestation ever recorded, with its status: active, expired or revoked."""
    return _list("attestation", service, at, fmt, out, db_url)


@attest_group.command("revoke")
@click.argument("override_id", metavar="ID", type=int)
@click.option("--reason", default="", metavar="TEXT", help="Why it is revoked.")
@actor_option
@db_option
def attest_revoke(override_id: int, reason: str, actor: str | None, db_url: str | None) -> int:
    """Revoke attestation ID (kept, marked revoked; it stops counting at the next scan)."""
    return _revoke("attestation", override_id, reason, actor, db_url)


# ----- rung waive ---------------------------------------------------------------------------


@click.group("waive", cls=DefaultGroup)
def waive_group() -> None:
    """Waivers: an accepted exception for any expectation, with a reason, an approver
    and an expiry. A waived expectation counts as met and shows as waived everywhere.

    \b
    rung waive SERVICE EXPECTATION --reason TEXT --approver WHO --expires DATE|90d
    rung waive list [--service NAME]
    rung waive revoke ID [--reason TEXT]"""


@waive_group.command("add")
@click.argument("service")
@click.argument("expectation")
@click.option("--reason", required=True, metavar="TEXT", help="Why the exception is accepted.")
@click.option("--approver", required=True, metavar="WHO", help="Who accepted it.")
@click.option("--expires", required=True, metavar="DATE|90d", help=EXPIRES_HELP)
@actor_option
@db_option
def waive_add(
    service: str,
    expectation: str,
    reason: str,
    approver: str,
    expires: str,
    actor: str | None,
    db_url: str | None,
) -> int:
    """Record a waiver of EXPECTATION (<area>/<slug>) for SERVICE."""
    from rung.cli.db_options import open_store
    from rung.cli.workspace_opts import actor_name

    with open_store(db_url, must_exist=True) as store:
        record = store.waive(
            service,
            expectation,
            reason=reason,
            approver=approver,
            expires=expires,
            actor=actor_name(actor),
        )
    _done(record, "recorded")
    return 0


@waive_group.command("list")
@_list_options
def waive_list(service: str | None, at: Any, fmt: str, out: str | None, db_url: str | None) -> int:
    """Every waiver ever recorded, with its status: active, expired or revoked."""
    return _list("waiver", service, at, fmt, out, db_url)


@waive_group.command("revoke")
@click.argument("override_id", metavar="ID", type=int)
@click.option("--reason", default="", metavar="TEXT", help="Why it is revoked.")
@actor_option
@db_option
def waive_revoke(override_id: int, reason: str, actor: str | None, db_url: str | None) -> int:
    """Revoke waiver ID (kept, marked revoked; it stops counting at the next scan)."""
    return _revoke("waiver", override_id, reason, actor, db_url)


# ----- rung audit ---------------------------------------------------------------------------


@click.command("audit")
@click.option(
    "--entity",
    type=click.Choice(["attestation", "waiver", "goal"]),
    help="Only writes to this kind of record.",
)
@click.option("--id", "entity_id", type=int, metavar="ID", help="Only writes to record ID.")
@format_option()
@out_option
@db_option
def audit(
    entity: str | None, entity_id: int | None, fmt: str, out: str | None, db_url: str | None
) -> int:
    """The append-only audit trail: every attestation, waiver, revocation and goal
    recorded, with who ran it, when, and the values it set."""
    from rung.cli.db_options import open_store
    from rung.cli.workspace_opts import emit_report
    from rung.report.ledger_text import audit_report

    with open_store(db_url, must_exist=True) as store:
        entries = store.audit_trail(entity, entity_id)
    emit_report(audit_report(entries), fmt, out)
    return 0
