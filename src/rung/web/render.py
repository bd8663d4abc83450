"""Jinja2 rendering for the pages: autoescape always on, URLs built by helpers.

Every repository-supplied string (service, team, path, message) goes through
autoescaping; the only `|safe` inserts are SVG produced by rung.web.svg, which escapes
its own texts.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from rung import __version__
from rung.web import svg

NAV = (
    ("/", "Heatmap"),
    ("/teams", "Teams"),
    ("/roadmap", "Roadmap"),
    ("/goals", "Goals"),
    ("/trends", "Trends"),
    ("/model", "Model"),
    ("/snapshots", "Snapshots"),
    ("/audit", "Audit"),
    ("/docs", "API"),
)


def path_part(value: object) -> str:
    """A path segment: every reserved character escaped (service names may hold `/`)."""
    return quote(str(value), safe="")


def query(base: dict[str, Any], **changes: Any) -> str:
    """`?a=1&b=2` from `base` with `changes` applied, empty values dropped."""
    merged = {**base, **changes}
    items = [(k, v) for k, v in merged.items() if v not in (None, "")]
    return "?" + urlencode(items, doseq=True) if items else ""


def _markup(chart: Callable[..., str]) -> Callable[..., Markup]:
    """SVG from rung.web.svg (which escapes its texts) marked safe for the templates."""

    def wrapped(*args: Any, **kwargs: Any) -> Markup:
        return Markup(chart(*args, **kwargs))  # svg.py escapes every text

    return wrapped


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("rung.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["part"] = path_part
    env.globals["query"] = query
    env.globals["nav"] = NAV
    env.globals["version"] = __version__
    env.globals["line_chart"] = _markup(svg.line_chart)
    env.globals["level_bars"] = _markup(svg.level_bars)
    return env


def render(
    request: Request, template: str, data: dict[str, Any], status: int = 200
) -> HTMLResponse:
    ctx = request.app.state.ctx
    body = (
        environment()
        .get_template(template)
        .render(
            d=data,
            path=request.url.path,
            read_only=ctx.read_only,
        )
    )
    return HTMLResponse(body, status_code=status)
