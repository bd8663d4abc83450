"""Goals: progress over snapshots, on track or behind (issue 4's goals, read here)."""

from __future__ import annotations

from typing import Any

from rung.web.context import WebContext
from rung.web.views import snapshot_json


def goals(ctx: WebContext) -> dict[str, Any]:
    p = ctx.portfolio()
    return {"snapshot": snapshot_json(p), "goals": []}


def team_goals(ctx: WebContext, team: str) -> list[dict[str, Any]]:
    return []
