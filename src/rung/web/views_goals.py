"""Goals: progress over snapshots, on track or behind (issue 4's goals, read here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rung.report.jsondoc import iso
from rung.web.context import WebContext
from rung.web.views import snapshot_json

if TYPE_CHECKING:
    from rung.assess.goals import GoalProgress
    from rung.store.ledger import GoalRecord

MISSING_SHOWN = 50


def goal_json(record: GoalRecord, gp: GoalProgress) -> dict[str, Any]:
    latest = gp.latest
    return {
        **record.to_json(),
        "status": str(gp.status),
        "projected": None if gp.projected is None else round(gp.projected, 4),
        "points": [
            {
                "snapshot": p.snapshot,
                "as_of": iso(p.as_of),
                "meeting": len(p.meeting),
                "total": p.total,
                "percent": round(100 * p.share, 1),
            }
            for p in gp.points
        ],
        "latest": None
        if latest is None
        else {
            "snapshot": latest.snapshot,
            "meeting": len(latest.meeting),
            "total": latest.total,
            "missing": list(latest.missing[:MISSING_SHOWN]),
        },
    }


def _progress(ctx: WebContext) -> list[tuple[GoalRecord, GoalProgress, set[str]]]:
    from rung.assess.goals import progress

    records = ctx.store.goals()
    if not records:
        return []
    snaps = ctx.goal_snapshots()
    out = []
    for record in records:
        gp = progress(record.goal, snaps)
        names = set(gp.latest.meeting + gp.latest.missing) if gp.latest else set()
        out.append((record, gp, names))
    return out


def goals(ctx: WebContext) -> dict[str, Any]:
    p = ctx.portfolio()
    return {
        "snapshot": snapshot_json(p),
        "goals": [goal_json(r, gp) for r, gp, _ in _progress(ctx)],
    }


def team_goals(ctx: WebContext, team: str) -> list[dict[str, Any]]:
    """The goals that select at least one of the team's services in the latest snapshot."""
    mine = {r.name for r in ctx.portfolio().rows if r.team == team}
    return [goal_json(r, gp) for r, gp, names in _progress(ctx) if names & mine]
