"""The JSON twins of the pages (read-only; writes are in routes_write)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rung.web.context import WebContext, context_of
from rung.web.views import MAX_PER_PAGE, PER_PAGE, HeatmapQuery

ERR: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such service, team, goal or profile"},
    503: {"description": "The database holds no snapshot yet"},
}
EXPECTATION_ID = r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$"

router = APIRouter(prefix="/api", tags=["dashboard"], responses=ERR)

Sort = Literal["gap_weight", "name", "level"]
Text = Annotated[str | None, Query(max_length=300)]


def heatmap_query(
    team: Text = None,
    system: Text = None,
    pillar: Text = None,
    profile: Text = None,
    lifecycle: Text = None,
    q: Annotated[str | None, Query(max_length=300, description="Part of the name")] = None,
    sort: Sort = "gap_weight",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = PER_PAGE,
) -> HeatmapQuery:
    return HeatmapQuery(team, system, pillar, profile, lifecycle, q, sort, page, per_page)


HeatmapParams = Annotated[HeatmapQuery, Depends(heatmap_query)]
Ctx = Annotated[WebContext, Depends(context_of)]


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@router.get("/services", summary="Portfolio heatmap: services x areas", response_model=None)
def api_services(ctx: Ctx, query: HeatmapParams) -> Response:
    """Each service's achieved level per area and colour (meets / below1 / below2 /
    above its required level), filtered, sorted and paginated; counts per level over the
    whole filtered set; drift flags."""
    from rung.web.views import heatmap

    sid = ctx.portfolio().snapshot.id
    body = ctx.memo(("heatmap.json", sid, query), lambda: json_bytes(heatmap(ctx, query)))
    return Response(body, media_type="application/json")


@router.get("/services/{name:path}/history", summary="One service over snapshots")
def api_service_history(ctx: Ctx, name: str) -> dict[str, Any]:
    from rung.web.views_history import service_history

    return {"service": name, "points": service_history(ctx, name)}


@router.get("/services/{name:path}", summary="One service")
def api_service(ctx: Ctx, name: str) -> dict[str, Any]:
    """Per area achieved vs required, unmet expectations with their evidence and platform
    support, the required level's explanation, attestations and waivers in force."""
    from rung.web.views import service
    from rung.web.views_history import service_history

    data = service(ctx, name)
    data["history"] = service_history(ctx, name)
    return data


@router.get("/teams", summary="Every team")
def api_teams(ctx: Ctx) -> dict[str, Any]:
    from rung.web.views_plan import teams_list

    return teams_list(ctx)


@router.get("/teams/{name:path}", summary="One team: services, gaps, top-3 next, goals")
def api_team(ctx: Ctx, name: str) -> dict[str, Any]:
    from rung.web.views_goals import team_goals
    from rung.web.views_plan import team

    return team(ctx, name, team_goals(ctx, name))


@router.get("/roadmap", summary="The ranked platform roadmap")
def api_roadmap(
    ctx: Ctx,
    by: Literal["expectation", "area"] = "expectation",
    top: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> dict[str, Any]:
    from rung.web.views_plan import roadmap_view

    return roadmap_view(ctx, by, top)


@router.get("/roadmap/what-if", summary="The portfolio were these expectations met")
def api_what_if(
    ctx: Ctx,
    expectation: Annotated[
        list[Annotated[str, Query(pattern=EXPECTATION_ID, max_length=300)]],
        Query(min_length=1, max_length=200, description="Expectation ids (404: unknown)"),
    ],
) -> dict[str, Any]:
    from rung.web.views_plan import what_if_view

    return what_if_view(ctx, expectation)


@router.get("/goals", summary="Goals with progress over snapshots")
def api_goals(ctx: Ctx) -> dict[str, Any]:
    from rung.web.views_goals import goals

    return goals(ctx)


@router.get("/trends", summary="Portfolio levels and gap weight over snapshots")
def api_trends(ctx: Ctx) -> dict[str, Any]:
    from rung.web.views_history import trends

    return trends(ctx)


@router.get("/model", summary="The maturity model as the level table")
def api_model(ctx: Ctx, profile: Text = None) -> dict[str, Any]:
    from rung.web.views_plan import model_view

    return model_view(ctx, profile)


@router.get("/audit", summary="The audit trail: every write with its actor, newest first")
def api_audit(ctx: Ctx, limit: Annotated[int, Query(ge=1, le=10_000)] = 200) -> dict[str, Any]:
    from rung.web.views import audit

    return audit(ctx, limit)


@router.get("/snapshots", summary="Stored snapshots, newest first; periodic rescans")
def api_snapshots(ctx: Ctx) -> dict[str, Any]:
    from rung.web.views import snapshots

    return snapshots(ctx)
