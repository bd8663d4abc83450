"""The HTML pages: each renders the dictionary its JSON twin returns."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from rung.web.context import WebContext, context_of
from rung.web.render import render
from rung.web.routes_api import HeatmapParams, Text

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
Ctx = Annotated[WebContext, Depends(context_of)]


@router.get("/")
def page_heatmap(request: Request, ctx: Ctx, query: HeatmapParams) -> HTMLResponse:
    from rung.web.views import heatmap

    sid = ctx.portfolio().snapshot.id
    body = ctx.memo(
        ("heatmap.html", sid, query),
        lambda: bytes(render(request, "heatmap.html", heatmap(ctx, query)).body),
    )
    return HTMLResponse(body)


@router.get("/services/{name:path}")
def page_service(request: Request, ctx: Ctx, name: str) -> HTMLResponse:
    from rung.web.views import service
    from rung.web.views_history import service_history

    data = service(ctx, name)
    data["history"] = service_history(ctx, name)
    data["max_level"] = ctx.portfolio().model.max_level()
    return render(request, "service.html", data)


@router.get("/teams")
def page_teams(request: Request, ctx: Ctx) -> HTMLResponse:
    from rung.web.views_plan import teams_list

    return render(request, "teams.html", teams_list(ctx))


@router.get("/teams/{name:path}")
def page_team(request: Request, ctx: Ctx, name: str) -> HTMLResponse:
    from rung.web.views_goals import team_goals
    from rung.web.views_plan import team

    return render(request, "team.html", team(ctx, name, team_goals(ctx, name)))


@router.get("/roadmap")
def page_roadmap(
    request: Request,
    ctx: Ctx,
    by: Literal["expectation", "area"] = "expectation",
    what_if: Annotated[list[str] | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    from rung.web.views_plan import expectation_choices, roadmap_view, what_if_view

    data: dict[str, Any] = dict(roadmap_view(ctx, by))  # a copy: the view is shared
    chosen = [w for w in what_if or [] if w]
    data["what_if"] = what_if_view(ctx, chosen) if chosen else None
    data["choices"] = expectation_choices(ctx)
    return render(request, "roadmap.html", data)


@router.get("/goals")
def page_goals(request: Request, ctx: Ctx, edit: int | None = None) -> HTMLResponse:
    from rung.web.views_goals import goals

    data = goals(ctx)
    data["editing"] = next((g for g in data["goals"] if g["id"] == edit), None)
    data["areas"] = [{"id": a.id, "name": a.name} for _, a in ctx.portfolio().areas()]
    data["max_level"] = ctx.portfolio().model.max_level()
    return render(request, "goals.html", data)


@router.get("/trends")
def page_trends(request: Request, ctx: Ctx) -> HTMLResponse:
    from rung.web.views_history import trends

    data = dict(trends(ctx))  # a copy: the view is shared
    data["max_level"] = ctx.portfolio().model.max_level()
    return render(request, "trends.html", data)


@router.get("/model")
def page_model(request: Request, ctx: Ctx, profile: Text = None) -> HTMLResponse:
    from rung.web.views_plan import model_view

    return render(request, "model.html", model_view(ctx, profile or None))


@router.get("/snapshots")
def page_snapshots(request: Request, ctx: Ctx) -> HTMLResponse:
    from rung.web.views import snapshots

    return render(request, "snapshots.html", snapshots(ctx))


@router.get("/audit")
def page_audit(request: Request, ctx: Ctx) -> HTMLResponse:
    from rung.web.views import audit

    return render(request, "audit.html", audit(ctx))


@router.get("/docs")
def page_docs(request: Request) -> HTMLResponse:
    """The API reference, rendered here from /openapi.json (no CDN scripts)."""
    schema = request.app.openapi()
    ops = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "parameters": [
                {
                    "name": prm["name"],
                    "in": prm["in"],
                    "required": prm.get("required", False),
                    "description": prm.get("description", ""),
                }
                for prm in op.get("parameters", [])
            ],
            "body": "requestBody" in op,
        }
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return render(request, "docs.html", {"info": schema.get("info", {}), "operations": ops})
