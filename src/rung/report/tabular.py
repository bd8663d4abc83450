"""CSV and Markdown renderings of the portfolio and of any table of rows."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rung.assess.service import ServiceAssessment
from rung.model.schema import Model

if TYPE_CHECKING:
    from rich.console import Console

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_csv(tables: Sequence[Table]) -> str:
    """The first table as CSV (a CSV file holds one table)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if tables:
        writer.writerow(tables[0].headers)
        writer.writerows([[_text(c) for c in row] for row in tables[0].rows])
    return buf.getvalue()


def _md_cell(value: Cell) -> str:
    return _text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(tables: Sequence[Table]) -> str:
    parts = []
    for t in tables:
        lines = [f"## {_md_cell(t.title)}", ""] if t.title else []
        lines.append("| " + " | ".join(_md_cell(h) for h in t.headers) + " |")
        lines.append("|" + "|".join("---" for _ in t.headers) + "|")
        lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


RENDERERS: dict[str, Callable[[Sequence[Table]], str]] = {
    "csv": render_csv,
    "markdown": render_markdown,
}


def services_table(model: Model, assessments: Sequence[ServiceAssessment]) -> Table:
    """One row per service: required and achieved levels, per pillar and per area."""
    areas = [area.id for _p, area in model.areas()]
    pillars = [p.id for p in model.pillars]
    headers = (
        "service",
        "owner",
        "critical_path",
        "required",
        "achieved",
        "potential",
        "gaps",
        *(f"pillar:{p}" for p in pillars),
        *(f"area:{a}" for a in areas),
    )
    rows = tuple(
        (
            a.name,
            a.scan.service.owner,
            bool(a.scan.service.critical_path),
            a.required,
            a.achieved,
            a.potential,
            sum(len(r.gaps) for r in a.areas.values()),
            *(a.pillars.get(p, 0) for p in pillars),
            *(a.areas[x].achieved for x in areas),
        )
        for a in assessments
    )
    return Table("Services (achieved level per pillar and area)", headers, rows)


def areas_table(model: Model, assessments: Sequence[ServiceAssessment]) -> Table:
    """Services x areas, each cell "achieved/required"."""
    areas = [area.id for _p, area in model.areas()]
    rows = tuple(
        (a.name, *(f"{a.areas[x].achieved}/{a.areas[x].required}" for x in areas))
        for a in assessments
    )
    return Table("Areas (achieved/required)", ("service", *areas), rows)


def teams_table(assessments: Sequence[ServiceAssessment]) -> Table:
    """Per owner team: services, how many are below their required level, gaps."""
    teams: dict[str, list[ServiceAssessment]] = defaultdict(list)
    for a in assessments:
        teams[a.scan.service.owner or "(no owner)"].append(a)
    rows = tuple(
        (
            team,
            len(items),
            sum(1 for a in items if a.achieved < a.required),
            sum(len(r.gaps) for a in items for r in a.areas.values()),
            min(a.achieved for a in items),
            max(a.required for a in items),
        )
        for team, items in sorted(teams.items())
    )
    headers = ("team", "services", "below", "gaps", "min_level", "max_required")
    return Table("Teams", headers, rows)


def portfolio_tables(model: Model, assessments: Sequence[ServiceAssessment]) -> list[Table]:
    return [
        services_table(model, assessments),
        areas_table(model, assessments),
        teams_table(assessments),
    ]


def print_table(console: Console, table: Table) -> None:
    """A table in the terminal (Rich), escaped."""
    from rich.markup import escape
    from rich.table import Table as RichTable

    out = RichTable(title=table.title or None, title_justify="left", header_style="bold")
    for i, h in enumerate(table.headers):
        short = all(len(_text(row[i])) <= 12 for row in table.rows)  # keep short ones whole
        out.add_column(
            escape(h), overflow="fold", no_wrap=short, min_width=len(h) if short else None
        )
    for row in table.rows:
        out.add_row(*(escape(_text(c)) for c in row))
    console.print(out)
