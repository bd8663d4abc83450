"""Gaps, the platform roadmap, what-if and team goals (product.md §4) as tables and JSON.

Every report here is a pair: tables (for the terminal, CSV and Markdown) and a JSON
document, both built from the same rung.assess.roadmap values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rung.assess.roadmap import AreaItem, Gap, RoadmapItem, TeamView, WhatIf
from rung.model.schema import Model
from rung.report.tabular import Table


@dataclass(frozen=True)
class Report:
    tables: tuple[Table, ...]
    doc: dict[str, Any]


def _support(model: Model) -> dict[str, tuple[str, str]]:
    return {f"{a.id}/{e.id}": (e.expectation, e.support) for a, _l, e in model.expectations()}


def _reach(item: RoadmapItem) -> str:
    return ", ".join(f"{s}→{item.would_reach[s]}" for s in item.services)


# ----- gaps ------------------------------------------------------------------------------


def gaps_report(gaps: Sequence[Gap], model: Model, snapshot: dict[str, Any]) -> Report:
    texts = _support(model)
    rows = tuple(
        (g.service, g.team, g.expectation, g.level, g.required, str(g.state), g.weight)
        for g in gaps
    )
    headers = ("service", "team", "expectation", "level", "required", "state", "weight")
    doc = {
        "snapshot": snapshot,
        "gaps": [
            {
                "service": g.service,
                "team": g.team,
                "expectation": g.expectation,
                "area": g.area,
                "level": g.level,
                "required": g.required,
                "state": str(g.state),
                "weight": g.weight,
                "text": texts[g.expectation][0],
                "support": texts[g.expectation][1],
            }
            for g in gaps
        ],
    }
    return Report((Table(f"Gaps ({len(gaps)})", headers, rows),), doc)


# ----- the roadmap ---------------------------------------------------------------------------


def item_json(item: RoadmapItem) -> dict[str, Any]:
    return {
        "expectation": item.expectation,
        "area": item.area,
        "level": item.level,
        "text": item.text,
        "support": item.support,
        "score": item.score,
        "services": list(item.services),
        "teams": list(item.teams),
        "would_reach": dict(item.would_reach),
    }


def roadmap_report(items: Sequence[RoadmapItem], snapshot: dict[str, Any]) -> Report:
    rows = tuple(
        (
            i,
            it.expectation,
            it.level,
            it.score,
            len(it.services),
            ", ".join(it.teams),
            _reach(it),
            it.support,
        )
        for i, it in enumerate(items, 1)
    )
    headers = ("#", "expectation", "level", "score", "services", "teams", "would reach", "support")
    doc = {"snapshot": snapshot, "by": "expectation", "items": [item_json(it) for it in items]}
    return Report((Table("Platform roadmap", headers, rows),), doc)


def area_report(items: Sequence[AreaItem], snapshot: dict[str, Any]) -> Report:
    rows = tuple(
        (
            i,
            it.area,
            it.pillar,
            it.score,
            len(it.services),
            ", ".join(it.teams),
            ", ".join(it.expectations[:3]),
        )
        for i, it in enumerate(items, 1)
    )
    headers = ("#", "area", "pillar", "score", "services", "teams", "top expectations")
    doc = {
        "snapshot": snapshot,
        "by": "area",
        "items": [
            {
                "area": it.area,
                "pillar": it.pillar,
                "name": it.name,
                "score": it.score,
                "expectations": list(it.expectations),
                "services": list(it.services),
                "teams": list(it.teams),
            }
            for it in items
        ],
    }
    return Report((Table("Platform roadmap by area", headers, rows),), doc)


def what_if_report(w: WhatIf, snapshot: dict[str, Any]) -> Report:
    levels = sorted(set(w.before) | set(w.after))
    spread = Table(
        f"What if {', '.join(w.expectations)} were met everywhere",
        ("level", "services before", "services after"),
        tuple((lvl, w.before.get(lvl, 0), w.after.get(lvl, 0)) for lvl in levels),
    )
    weight = Table(
        "Gap weight",
        ("before", "removed", "after"),
        ((w.weight_before, w.weight_removed, w.weight_after),),
    )
    moved = Table("Services that move", ("service", "before", "after"), w.moved)
    doc = {
        "snapshot": snapshot,
        "expectations": list(w.expectations),
        "before": {str(k): v for k, v in sorted(w.before.items())},
        "after": {str(k): v for k, v in sorted(w.after.items())},
        "weight_before": w.weight_before,
        "weight_removed": w.weight_removed,
        "weight_after": w.weight_after,
        "moved": [{"service": s, "before": b, "after": a} for s, b, a in w.moved],
    }
    return Report((spread, weight, moved), doc)


# ----- team goals ------------------------------------------------------------------------


def team_json(view: TeamView) -> dict[str, Any]:
    return {
        "team": view.team,
        "gaps": view.gaps,
        "weight": view.weight,
        "services": [
            {
                "name": s.name,
                "achieved": s.achieved,
                "required": s.required,
                "gaps": s.gaps,
                "weight": s.weight,
            }
            for s in view.services
        ],
        "next": [item_json(it) for it in view.top],
    }


def teams_report(views: Sequence[TeamView], snapshot: dict[str, Any], detail: bool) -> Report:
    summary = Table(
        "Teams",
        ("team", "services", "gaps", "weight", "next"),
        tuple(
            (
                v.team,
                len(v.services),
                v.gaps,
                v.weight,
                "; ".join(it.expectation for it in v.top),
            )
            for v in views
        ),
    )
    tables = [summary]
    if detail:
        for v in views:
            tables.append(
                Table(
                    f"{v.team}: services",
                    ("service", "achieved", "required", "gaps", "weight"),
                    tuple((s.name, s.achieved, s.required, s.gaps, s.weight) for s in v.services),
                )
            )
            tables.append(
                Table(
                    f"{v.team}: next",
                    ("#", "expectation", "level", "score", "would reach", "support"),
                    tuple(
                        (i, it.expectation, it.level, it.score, _reach(it), it.support)
                        for i, it in enumerate(v.top, 1)
                    ),
                )
            )
    doc = {"snapshot": snapshot, "teams": [team_json(v) for v in views]}
    return Report(tuple(tables), doc)
