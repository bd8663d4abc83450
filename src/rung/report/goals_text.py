"""Goals and their progress over snapshots as tables and JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rung.assess.goals import GoalPoint, GoalProgress
from rung.assess.levels import ExpectationResult
from rung.assess.overrides import iso
from rung.report.planning import Report
from rung.report.tabular import Table


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{round(value * 100)}%"


def point_json(p: GoalPoint) -> dict[str, Any]:
    return {
        "snapshot": p.snapshot,
        "as_of": iso(p.as_of),
        "meeting": len(p.meeting),
        "total": p.total,
        "share": round(p.share, 4),
        "missing": list(p.missing),
    }


def progress_json(gp: GoalProgress) -> dict[str, Any]:
    g = gp.goal
    latest = gp.latest
    return {
        "name": g.name,
        "services": g.services.text,
        "areas": list(g.areas),
        "level": g.level,
        "due": iso(g.due),
        "description": g.description,
        "status": str(gp.status),
        "projected": None if gp.projected is None else round(gp.projected, 4),
        "meeting": len(latest.meeting) if latest else 0,
        "total": latest.total if latest else 0,
        "progress": [point_json(p) for p in gp.points],
    }


def goals_report(progress: Sequence[GoalProgress]) -> Report:
    rows = tuple(
        (
            gp.goal.name,
            gp.goal.services.text,
            ", ".join(gp.goal.areas),
            gp.goal.level,
            (iso(gp.goal.due) or "")[:10],
            f"{len(gp.latest.meeting)}/{gp.latest.total}" if gp.latest else "-",
            " ".join(f"#{p.snapshot}:{len(p.meeting)}/{p.total}" for p in gp.points),
            str(gp.status),
            _pct(gp.projected),
        )
        for gp in progress
    )
    headers = ("goal", "services", "areas", "level", "due", "meeting", "per snapshot")
    table = Table("Goals", (*headers, "status", "projected at due"), rows)
    return Report((table,), {"goals": [progress_json(gp) for gp in progress]})


def goal_report(gp: GoalProgress, gaps: Mapping[str, Sequence[ExpectationResult]]) -> Report:
    g = gp.goal
    title = (
        f"Goal {g.name}: {g.services.text} reach level {g.level} in {', '.join(g.areas)} by "
        f"{(iso(g.due) or '')[:10]}: {gp.status}"
        + (f" (projected {_pct(gp.projected)} at due)" if gp.projected is not None else "")
    )
    per = Table(
        title,
        ("snapshot", "as of", "meeting", "total", "share", "missing"),
        tuple(
            (
                p.snapshot,
                (iso(p.as_of) or "")[:10],
                len(p.meeting),
                p.total,
                _pct(p.share),
                ", ".join(p.missing),
            )
            for p in gp.points
        ),
    )
    missing = Table(
        "Still missing (latest snapshot): gaps in the goal's areas",
        ("service", "expectation", "level", "state"),
        tuple(
            (svc, e.id, e.level, str(e.state)) for svc, exps in sorted(gaps.items()) for e in exps
        ),
    )
    doc = progress_json(gp)
    doc["missing"] = {
        svc: [{"expectation": e.id, "level": e.level, "state": str(e.state)} for e in exps]
        for svc, exps in sorted(gaps.items())
    }
    return Report((per, missing), doc)
