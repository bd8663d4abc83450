"""Terminal reports (Rich): the portfolio and one service, readable at 80 columns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from rung.assess.levels import ExpState
from rung.assess.service import ServiceAssessment
from rung.model.schema import Model

if TYPE_CHECKING:
    from rich.console import Console


def level_style(achieved: int, required: int) -> str:
    if achieved >= required:
        return "green"
    if achieved == required - 1:
        return "yellow"
    return "bold red"


def pillar_abbrev(name: str) -> str:
    words = [w for w in name.replace(",", " ").replace("&", " ").split() if w[0].isupper()]
    if len(words) == 1:
        return words[0][:3]
    return "".join(w[0] for w in words)


def print_portfolio(
    console: Console, model: Model, assessments: Sequence[ServiceAssessment], title: str
) -> None:
    from rich.box import SIMPLE_HEAD
    from rich.markup import escape
    from rich.table import Table

    pillars = model.pillars
    # no vertical rules, names cut with an ellipsis rather than folded: a portfolio of a
    # few hundred services stays one line per service in an 80-column terminal
    table = Table(
        title=title,
        title_justify="left",
        header_style="bold",
        pad_edge=False,
        box=SIMPLE_HEAD,
        collapse_padding=True,
    )
    table.add_column("Service", no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("Owner", no_wrap=True, overflow="ellipsis", style="dim", max_width=14)
    table.add_column("Req", justify="right", no_wrap=True, min_width=3)
    table.add_column("Lvl", justify="right", no_wrap=True, min_width=3)
    table.add_column("Gaps", justify="right", no_wrap=True, min_width=4)
    for p in pillars:
        abbrev = pillar_abbrev(p.name)
        table.add_column(abbrev, justify="right", no_wrap=True, min_width=len(abbrev))
    for a in assessments:
        gaps = sum(len(r.gaps) for r in a.areas.values())
        row = [
            escape(a.name) + (" *" if a.scan.service.critical_path else ""),
            escape(a.scan.service.owner or "-"),
            str(a.required) + ("p" if a.risk.pinned is not None else ""),
            f"[{level_style(a.achieved, a.required)}]{a.achieved}[/]"
            + (f"[dim]→{a.potential}[/]" if a.potential > a.achieved else ""),
            f"[{'red' if gaps else 'green'}]{gaps}[/]",
        ]
        for p in pillars:
            lvl = a.pillars.get(p.id, 0)
            row.append(f"[{level_style(lvl, a.required)}]{lvl}[/]")
        table.add_row(*row)
    console.print(table)
    legend = "  ".join(f"{pillar_abbrev(p.name)}={p.name}" for p in pillars)
    console.print(
        "[dim]Req=required level (p=pinned)  Lvl=achieved (→ with pending attestations)"
        f"  * critical path\n{legend}[/]"
    )
    print_summary(console, assessments)
    print_roadmap_preview(console, model, assessments)


def print_roadmap_preview(
    console: Console, model: Model, assessments: Sequence[ServiceAssessment], top: int = 5
) -> None:
    """The first items of the platform roadmap: what to build next, and for whom."""
    from rich.markup import escape

    from rung.assess.roadmap import roadmap

    items = roadmap(list(assessments), model, top=top)
    if not items:
        return
    console.print("\n[bold]Build next[/] (platform roadmap, by risk-weighted gaps):")
    for i, it in enumerate(items, 1):
        console.print(
            f" {i}. [bold]{escape(it.expectation)}[/] (L{it.level}) score {it.score}: "
            f"{len(it.services)} services, {len(it.teams)} teams"
        )
        if it.support:
            console.print(f"    [cyan]support:[/] {escape(it.support)}", highlight=False)


class _Levels(Protocol):
    @property
    def achieved(self) -> int: ...

    @property
    def required(self) -> int: ...


def print_summary(console: Console, assessments: Sequence[_Levels]) -> None:
    n = len(assessments)
    if not n:
        console.print("No services found.")
        return
    below = sum(1 for a in assessments if a.achieved < a.required)
    by_level = Counter(a.achieved for a in assessments)
    req_level = Counter(a.required for a in assessments)
    levels = sorted(set(by_level) | set(req_level))
    dist = ", ".join(f"L{lv}: {by_level.get(lv, 0)}/{req_level.get(lv, 0)}" for lv in levels)
    console.print(
        f"{n} services; [bold]{below}[/] below their required level. "
        f"Achieved/required per level: {dist}."
    )


def print_service(console: Console, model: Model, a: ServiceAssessment) -> None:
    from rich.markup import escape
    from rich.table import Table

    svc = a.scan.service
    console.print(
        f"[bold]{escape(svc.name)}[/]  owner {escape(svc.owner or '-')}  "
        f"repo {escape(svc.repo_name)}:{escape(svc.root)}"
    )
    req = f"required level {a.required}"
    if a.risk.pinned is not None:
        req += f" (pinned: {escape(a.risk.pin_reason or 'no reason given')})"
    style = level_style(a.achieved, a.required)
    console.print(f"[{style}]achieved level {a.achieved}[/], {req}, risk points {a.risk.points}")
    console.print(
        "  "
        + "; ".join(
            f"{fp.factor} {fp.signal}={fp.value} -> {fp.points}" for fp in a.risk.explanation
        )
    )
    if a.potential > a.achieved:
        console.print(f"  would reach level {a.potential} once pending attestations are made")
    table = Table(header_style="bold", pad_edge=False)
    for col, just in (("Area", "left"), ("Lvl", "right"), ("Req", "right"), ("Gaps", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for _pillar, area in model.areas():
        r = a.areas[area.id]
        table.add_row(
            area.name,
            f"[{level_style(r.achieved, r.required)}]{r.achieved}[/]",
            str(r.required),
            str(len(r.gaps)) if r.gaps else "",
        )
    console.print(table)
    _print_gaps(console, model, a)
    for note in a.scan.notes[:10]:
        console.print(f"[dim]note: {escape(note)}[/]", highlight=False)


def _print_gaps(console: Console, model: Model, a: ServiceAssessment) -> None:
    from rich.markup import escape

    texts = {f"{area.id}/{e.id}": e for area, _lvl, e in model.expectations()}
    for r in a.areas.values():
        for g in r.gaps:
            exp = texts[g.id]
            tag = {ExpState.AWAITING: "awaiting attestation", ExpState.UNKNOWN: "unknown"}.get(
                g.state, "unmet"
            )
            console.print(
                f"\n[bold]L{g.level} {escape(g.id)}[/] ({tag}): {escape(exp.expectation)}"
            )
            for cid in (*g.failing, *g.unknown):
                f = a.scan.findings.get(cid)
                if f is None:
                    continue
                where = ", ".join(e.path + (f":{e.line}" if e.line else "") for e in f.evidence[:3])
                msg = escape(f.message + (f" ({where})" if where else ""))
                console.print(f"  [red]{cid}[/] {f.status}: {msg}")
            if exp.support:
                console.print(f"  [cyan]support:[/] {escape(exp.support)}")
