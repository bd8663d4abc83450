"""Writes: the API (bearer token) and the HTML forms (token field, same origin).

Both call the same actions in rung.web.writes, which record the token's name as the
actor in the audit trail. See rung.web.auth for why the forms are CSRF-safe.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from rung.web.auth import Refused, authorise, bearer, same_origin
from rung.web.context import WebContext, context_of
from rung.web.writes import FORM_ACTIONS, AttestBody, GoalBody, RevokeBody, WaiveBody

WRITE_ERR: dict[int | str, dict[str, Any]] = {
    400: {"description": "Invalid write (unknown service, expectation, area...)"},
    401: {"description": "Missing or invalid bearer token"},
    403: {"description": "Read-only server (no RUNG_API_TOKEN set)"},
    404: {"description": "No such attestation, waiver or goal"},
    409: {"description": "A rescan is already running"},
}
router = APIRouter(tags=["writes"], responses=WRITE_ERR)
Ctx = Annotated[WebContext, Depends(context_of)]
MAX_FORM = 64 * 1024


def api_actor(request: Request, ctx: Ctx) -> str:
    """The name of the bearer token of an API write (a FastAPI dependency)."""
    return authorise(ctx.tokens, bearer(request.headers))


Actor = Annotated[str, Depends(api_actor)]


@router.post("/api/rescan", status_code=202, summary="Rescan now (in the background)")
def api_rescan(ctx: Ctx, actor: Actor) -> dict[str, Any]:
    from rung.web.writes import rescan_now

    return rescan_now(ctx, actor)


@router.post("/api/attestations", status_code=201, summary="Attest an expectation")
def api_attest(ctx: Ctx, actor: Actor, body: AttestBody) -> dict[str, Any]:
    from rung.web.writes import attest

    return attest(ctx, actor, body)


@router.post("/api/waivers", status_code=201, summary="Waive an expectation")
def api_waive(ctx: Ctx, actor: Actor, body: WaiveBody) -> dict[str, Any]:
    from rung.web.writes import waive

    return waive(ctx, actor, body)


@router.post("/api/overrides/{override_id}/revoke", summary="Revoke an attestation or waiver")
def api_revoke(ctx: Ctx, actor: Actor, override_id: int, body: RevokeBody) -> dict[str, Any]:
    from rung.web.writes import revoke

    return revoke(ctx, actor, override_id, body)


@router.post("/api/goals", status_code=201, summary="Create a goal")
def api_goal_create(ctx: Ctx, actor: Actor, body: GoalBody) -> dict[str, Any]:
    from rung.web.writes import goal_save

    return goal_save(ctx, actor, body, None)


@router.put("/api/goals/{goal_id}", summary="Edit a goal")
def api_goal_edit(ctx: Ctx, actor: Actor, goal_id: int, body: GoalBody) -> dict[str, Any]:
    from rung.web.writes import goal_save

    return goal_save(ctx, actor, body, goal_id)


@router.post("/forms/{action}", include_in_schema=False)
async def form_write(request: Request, action: str) -> RedirectResponse:
    """An HTML form's write: its fields, the token typed into it, then back to `next`."""
    ctx: WebContext = request.app.state.ctx
    raw = await request.body()
    if len(raw) > MAX_FORM:
        raise Refused(400, "form too large")
    fields = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    if not same_origin(request.headers):
        raise Refused(403, "cross-origin form post refused")
    handler = FORM_ACTIONS.get(action)
    if handler is None:
        raise Refused(404, f"no form action {action!r}")
    actor = authorise(ctx.tokens, fields.pop("token", None) or bearer(request.headers))
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(handler, ctx, actor, fields)
    target = fields.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return RedirectResponse(target, status_code=303)
