"""The FastAPI application: `create_app(store_url, token=..., rescan=...)`.

Pages are server-rendered (Jinja2, autoescape on) from the same view functions their
JSON twins under /api/ return. No CDN, font or script is loaded from anywhere: the one
stylesheet is served from the package, charts are inline SVG, and /docs is rendered on
the server from the OpenAPI document (Swagger UI would load scripts from a CDN).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from rung import __version__
from rung.errors import UsageError
from rung.web.auth import Refused, parse_tokens
from rung.web.context import NoSnapshot, WebContext
from rung.web.views import NotFound

if TYPE_CHECKING:
    from rung.web.rescan import Rescanner

log = logging.getLogger("rung.web")
STATIC = Path(__file__).parent / "static"
API_PREFIX = "/api/"

# exception -> (status, title); the API answers JSON, pages answer an HTML page
ERRORS: dict[type[Exception], tuple[int, str]] = {
    NotFound: (404, "Not found"),
    NoSnapshot: (503, "No snapshot yet"),
    UsageError: (400, "Bad request"),
}


def create_app(
    store_url: str,
    *,
    token: str | None = None,
    rescan: Rescanner | Callable[[], object] | None = None,
    warm_up: bool = True,
) -> FastAPI:
    """The dashboard over the database at `store_url`. `token`: the RUNG_API_TOKEN value
    (None: read-only server). `rescan`: a Rescanner, or a callable that runs one scan
    (it is wrapped in a Rescanner: one at a time, failures kept). `warm_up`: assess the
    latest snapshot, its roadmap and team views in a thread at start-up (and after each
    successful rescan)."""
    from rung.store.api import Store
    from rung.web.rescan import Rescanner

    store = Store.open(store_url)
    if rescan is not None and not isinstance(rescan, Rescanner):
        rescan = Rescanner(rescan)
    ctx = WebContext(store=store, tokens=parse_tokens(token), rescanner=rescan, warm_up=warm_up)
    if rescan is not None:
        rescan.on_done = ctx.rescanned
    app = FastAPI(
        title="rung",
        version=__version__,
        description="Risk-driven maturity levels for a fleet of services: every dashboard "
        "page's data as JSON. Writes need `Authorization: Bearer <RUNG_API_TOKEN>`.",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(ctx),
    )
    app.state.ctx = ctx
    _install_errors(app)
    from rung.web.metrics import metrics_route
    from rung.web.routes_api import router as api_router
    from rung.web.routes_pages import router as pages_router
    from rung.web.routes_write import router as write_router

    app.include_router(api_router)
    app.include_router(write_router)
    app.include_router(pages_router)
    app.add_api_route("/metrics", metrics_route(ctx), include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)
    return app


def warm(ctx: WebContext) -> None:
    """Assess the latest snapshot, its roadmap and team views before a visitor asks."""
    from rung.web.views_plan import roadmap_view, teams_list

    try:
        ctx.portfolio()
        roadmap_view(ctx)
        teams_list(ctx)
    except Exception as exc:  # no snapshot yet, or a database error: the pages will say
        log.info("nothing to warm up: %s", exc)


def _lifespan(ctx: WebContext) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Stop the rescan scheduler and close the database when the server stops."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if ctx.warm_up:
            threading.Thread(target=warm, args=(ctx,), name="rung-warm", daemon=True).start()
        try:
            yield
        finally:
            if ctx.rescanner is not None:
                ctx.rescanner.stop()
            ctx.store.close()

    return lifespan


def _error_response(request: Request, status: int, title: str, detail: str) -> Response:
    if request.url.path.startswith(API_PREFIX):
        return JSONResponse({"detail": detail}, status_code=status)
    from rung.web.render import render

    return render(
        request, "error.html", {"status": status, "title": title, "detail": detail}, status
    )


def _install_errors(app: FastAPI) -> None:
    for exc_type, (status, title) in ERRORS.items():

        def handler(
            request: Request, exc: Exception, status: int = status, title: str = title
        ) -> Response:
            return _error_response(request, status, title, str(exc))

        app.add_exception_handler(exc_type, handler)

    def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        resp = _error_response(request, exc.status, "Write refused", exc.reason)
        if exc.status == 401:
            resp.headers["WWW-Authenticate"] = 'Bearer realm="rung"'
        return resp

    app.add_exception_handler(Refused, refused)
