"""Pages about what to do next: teams, the roadmap and what-if, the model itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rung.assess.roadmap import AreaItem, roadmap, roadmap_by_area, team_view, teams
from rung.report.planning import item_json
from rung.web.context import WebContext
from rung.web.portfolio import Portfolio
from rung.web.views import NotFound, snapshot_json

ROADMAP_BY = ("expectation", "area")


def _area_item(item: AreaItem) -> dict[str, Any]:
    return {
        "area": item.area,
        "pillar": item.pillar,
        "name": item.name,
        "score": item.score,
        "expectations": list(item.expectations),
        "services": list(item.services),
        "teams": list(item.teams),
    }


def teams_list(ctx: WebContext) -> dict[str, Any]:
    p = ctx.portfolio()
    return ctx.memo(("teams", p.snapshot.id), lambda: _teams_list(p))


def _teams_list(p: Portfolio) -> dict[str, Any]:
    views = teams(p.assessments, p.model)
    return {
        "snapshot": snapshot_json(p),
        "teams": [
            {
                "team": v.team,
                "services": len(v.services),
                "below_required": sum(1 for s in v.services if s.achieved < s.required),
                "gaps": v.gaps,
                "gap_weight": v.weight,
                "top": [t.expectation for t in v.top],
            }
            for v in views
        ],
    }


def team(ctx: WebContext, name: str, goals: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    p = ctx.portfolio()
    view = ctx.memo(("team", p.snapshot.id, name), lambda: team_view(p.assessments, p.model, name))
    if not view.services:
        raise NotFound(f"no team named {name!r} in snapshot {p.snapshot.id}")
    return {
        "snapshot": snapshot_json(p),
        "team": name,
        "gaps": view.gaps,
        "gap_weight": view.weight,
        "services": [
            {
                "name": s.name,
                "achieved": s.achieved,
                "required": s.required,
                "gaps": s.gaps,
                "gap_weight": s.weight,
            }
            for s in view.services
        ],
        "top": [item_json(t) for t in view.top],
        "goals": list(goals),
    }


def roadmap_view(
    ctx: WebContext, by: str = "expectation", top: int | None = None
) -> dict[str, Any]:
    p = ctx.portfolio()
    return ctx.memo(("roadmap", p.snapshot.id, by, top), lambda: _roadmap(p, by, top))


def _roadmap(p: Portfolio, by: str, top: int | None) -> dict[str, Any]:
    if by == "area":
        items = [_area_item(i) for i in roadmap_by_area(p.assessments, p.model, top)]
    else:
        items = [item_json(i) for i in roadmap(p.assessments, p.model, top)]
    return {"snapshot": snapshot_json(p), "by": by, "items": items}


def what_if_view(ctx: WebContext, expectations: Sequence[str]) -> dict[str, Any]:
    """The portfolio were these expectations met everywhere (NotFound: unknown id)."""
    from rung.assess.roadmap import what_if
    from rung.errors import UsageError

    p = ctx.portfolio()
    ids = tuple(sorted(set(expectations)))
    try:
        w = ctx.memo(("what-if", p.snapshot.id, ids), lambda: what_if(p.assessments, p.model, ids))
    except UsageError as exc:
        raise NotFound(str(exc)) from exc
    return {
        "snapshot": snapshot_json(p),
        "expectations": list(w.expectations),
        "before": {str(k): v for k, v in sorted(w.before.items())},
        "after": {str(k): v for k, v in sorted(w.after.items())},
        "weight_before": w.weight_before,
        "weight_removed": w.weight_removed,
        "weight_after": w.weight_after,
        "moved": [{"service": s, "before": b, "after": a} for s, b, a in w.moved],
    }


def expectation_choices(ctx: WebContext) -> list[dict[str, Any]]:
    p = ctx.portfolio()
    return [
        {"id": f"{a.id}/{e.id}", "level": lvl, "text": e.expectation}
        for a, lvl, e in p.model.expectations()
    ]


def model_view(ctx: WebContext, profile: str | None = None) -> dict[str, Any]:
    """The model as the talk's table: per pillar, areas x levels, each cell its
    expectations with their platform support; the profile's focus areas marked."""
    p = ctx.portfolio()
    m = p.model
    prof = m.profiles.get(profile) if profile else None
    if profile and prof is None:
        raise NotFound(f"no profile {profile!r} in model {m.id}")
    focus = set(prof.focus) if prof else set()
    return {
        "snapshot": snapshot_json(p),
        "model": {"id": m.id, "name": m.name, "version": m.version, "hash": p.result.model.hash},
        "levels": [{"level": ld.level, "name": ld.name, "summary": ld.summary} for ld in m.levels],
        "profiles": sorted(m.profiles),
        "profile": profile,
        "focus_factor": prof.focus_factor if prof else 1,
        "pillars": [
            {
                "id": pl.id,
                "name": pl.name,
                "areas": [
                    {
                        "id": a.id,
                        "name": a.name,
                        "focus": a.id in focus,
                        "cells": {
                            str(ld.level): [
                                {
                                    "id": f"{a.id}/{e.id}",
                                    "expectation": e.expectation,
                                    "support": e.support,
                                    "evidence": e.evidence.check_ids(),
                                    "attest": e.evidence.attest,
                                }
                                for e in a.levels.get(ld.level, [])
                            ]
                            for ld in m.levels
                        },
                    }
                    for a in pl.areas
                ],
            }
            for pl in m.pillars
        ],
    }
