"""`rung stack` as tables and JSON (one Report pair, like the planning reports)."""

from __future__ import annotations

from typing import Any

from rung.assess.stack import CATEGORIES, StackInventory
from rung.report.planning import Report
from rung.report.tabular import Table


def _shown(names: tuple[str, ...], limit: int = 3) -> str:
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" (+{more})" if more > 0 else "")


def stack_report(
    inv: StackInventory, snapshot: dict[str, Any], categories: tuple[str, ...] = CATEGORIES
) -> Report:
    tables = []
    for cat in categories:
        items = inv.category(cat)
        rows = tuple(
            (
                i.name,
                i.count,
                f"{100 * i.count / inv.services:.0f}%" if inv.services else "-",
                len(i.teams),
                "long tail" if i.count <= inv.long_tail else "",
                _shown(i.services),
            )
            for i in items
        )
        title = f"{cat.capitalize()}: {len(items)} in use, {len(inv.tail(cat))} in the long tail"
        tables.append(Table(title, ("item", "services", "share", "teams", "", "used by"), rows))
    doc = {
        "snapshot": snapshot,
        "services": inv.services,
        "long_tail": inv.long_tail,
        "categories": {
            cat: [
                {
                    "name": i.name,
                    "services": list(i.services),
                    "teams": list(i.teams),
                    "count": i.count,
                    "bytes": i.bytes,
                    "long_tail": i.count <= inv.long_tail,
                }
                for i in inv.category(cat)
            ]
            for cat in categories
        },
    }
    return Report(tuple(tables), doc)
