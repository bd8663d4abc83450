"""Shared option parsing for commands."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console


class AsOf(click.ParamType[datetime]):
    """An ISO date or date-time; a date means midnight UTC; a naive time means UTC."""

    name = "DATE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value).strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not an ISO date (2026-11-26 or 2026-11-26T10:00:00Z)")
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        return dt.astimezone(UTC)


AS_OF = AsOf()


def console(err: bool = False, width: int | None = None) -> Console:
    from rich.console import Console

    return Console(stderr=err, width=width, highlight=False)
