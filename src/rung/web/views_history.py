"""Pages over time: a service's levels over snapshots, portfolio trends, "did it work?"."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from rung.web.context import WebContext
from rung.web.portfolio import Portfolio
from rung.web.views import snapshot_json

TREND_WEIGHTS = 12  # snapshots whose total gap weight is computed (each is re-assessed once)
MOVER_PERIODS = 6  # consecutive snapshot pairs listed in "did it work?"


def service_history(ctx: WebContext, name: str) -> list[dict[str, Any]]:
    """The service in every snapshot that holds it, with what changed and why."""
    return [
        {
            "snapshot": pt.snapshot.id,
            "as_of": pt.snapshot.to_json()["as_of"],
            "achieved": pt.achieved,
            "required": pt.required,
            "potential": pt.potential,
            "gaps": pt.gaps,
            "causes": list(pt.causes),
            "changed_checks": [c.to_json() for c in pt.changes],
            "required_change": pt.required_change,
        }
        for pt in ctx.store.service_history(name)
    ]


def _weight_of(ctx: WebContext, sid: int) -> int:
    from rung.assess.roadmap import all_gaps

    if ctx.portfolio().snapshot.id == sid:
        p = ctx.portfolio()
        return sum(sum(g.weight for g in gs) for gs in p.gaps.values())
    _, result = ctx.store.result(sid)
    return sum(g.weight for g in all_gaps(result.assessments, result.model.model))


def _movers(ctx: WebContext, ids: list[int]) -> list[dict[str, Any]]:
    from rung.store.web_queries import levels_by_snapshot

    pairs = list(pairwise(ids))[-MOVER_PERIODS:]
    levels = levels_by_snapshot(ctx.store, sorted({i for pair in pairs for i in pair}))
    out = []
    for old, new in reversed(pairs):
        before, after = levels[old], levels[new]
        common = sorted(set(before) & set(after))
        up = [n for n in common if after[n].achieved > before[n].achieved]
        down = [n for n in common if after[n].achieved < before[n].achieved]
        out.append(
            {
                "from": old,
                "to": new,
                "up": [
                    {"service": n, "from": before[n].achieved, "to": after[n].achieved} for n in up
                ],
                "down": [
                    {"service": n, "from": before[n].achieved, "to": after[n].achieved}
                    for n in down
                ],
                "new": sorted(set(after) - set(before)),
                "gone": sorted(set(before) - set(after)),
            }
        )
    return out


def trends(ctx: WebContext) -> dict[str, Any]:
    """Portfolio levels and gaps over every snapshot; gap weight over the last
    TREND_WEIGHTS; services that moved up or down between consecutive snapshots."""
    p = ctx.portfolio()
    return ctx.memo(("trends", p.snapshot.id), lambda: _trends(ctx, p))


def _trends(ctx: WebContext, p: Portfolio) -> dict[str, Any]:
    history = ctx.store.portfolio_history()
    weighted = {pt.snapshot.id for pt in history[-TREND_WEIGHTS:]}
    points = []
    for pt in history:
        item = pt.to_json()
        sid = pt.snapshot.id
        item["gap_weight"] = (
            ctx.snapshot_weight(sid, lambda s: _weight_of(ctx, s)) if sid in weighted else None
        )
        item["mean_achieved"] = _mean(pt.achieved)
        item["mean_required"] = _mean(pt.required)
        points.append(item)
    return {
        "snapshot": snapshot_json(p),
        "points": points,
        "periods": _movers(ctx, [pt.snapshot.id for pt in history]),
    }


def _mean(dist: dict[int, int]) -> float:
    n = sum(dist.values())
    return round(sum(k * v for k, v in dist.items()) / n, 2) if n else 0.0
