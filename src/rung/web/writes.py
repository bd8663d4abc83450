"""Write actions shared by the API and the forms; each names its actor (the token's name).

Attestations, waivers, revocations and new goals go through the store's ledger methods
(issue 4), which validate them and append to the audit trail; editing a goal and "rescan
now" go through rung.store.web_queries, which appends to the same trail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from rung.errors import UsageError
from rung.web.auth import Refused
from rung.web.context import WebContext
from rung.web.views import NotFound

Short = Field(min_length=1, max_length=300)
Long = Field(default="", max_length=4000)


class AttestBody(BaseModel):
    service: str = Short
    expectation: str = Short
    by: str = Short
    evidence: str = Long
    note: str = Long
    expires: str = Field(default="90d", max_length=40, description="`90d` or an ISO date")


class WaiveBody(BaseModel):
    service: str = Short
    expectation: str = Short
    by: str = Field(min_length=1, max_length=300, description="Who approved the waiver")
    reason: str = Field(min_length=1, max_length=4000)
    expires: str = Field(default="90d", max_length=40, description="`90d` or an ISO date")


class RevokeBody(BaseModel):
    reason: str = Long


class GoalBody(BaseModel):
    name: str = Short
    services: str = Field(
        min_length=1, max_length=1000, description="Filter: `team=payments,critical=true` or all"
    )
    areas: list[str] = Field(min_length=1, max_length=100)
    level: int = Field(ge=1, le=10)
    due: str = Field(min_length=1, max_length=40, description="ISO date")
    description: str = Long


def rescan_now(ctx: WebContext, actor: str) -> dict[str, Any]:
    if ctx.rescanner is None:
        raise UsageError("this server has no rescan configured (rung serve --rescan-path)")
    if not ctx.rescanner.trigger(actor):
        raise Refused(409, "a rescan is already running")
    return {"accepted": True, "actor": actor}


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def attest(ctx: WebContext, actor: str, body: AttestBody) -> dict[str, Any]:
    """Record an attestation (it counts from the next scan, until it expires)."""
    record = ctx.store.attest(
        body.service,
        body.expectation,
        by=body.by,
        evidence=body.evidence,
        expires=body.expires,
        actor=actor,
        note=body.note,
    )
    return record.to_json(_now())


def waive(ctx: WebContext, actor: str, body: WaiveBody) -> dict[str, Any]:
    """Record a waiver (it counts from the next scan, until it expires)."""
    record = ctx.store.waive(
        body.service,
        body.expectation,
        reason=body.reason,
        approver=body.by,
        expires=body.expires,
        actor=actor,
    )
    return record.to_json(_now())


def revoke(ctx: WebContext, actor: str, override_id: int, body: RevokeBody) -> dict[str, Any]:
    found = next((r for r in ctx.store.overrides() if r.id == override_id), None)
    if found is None:
        raise NotFound(f"no attestation or waiver #{override_id}")
    record = ctx.store.revoke(found.kind, override_id, actor=actor, reason=body.reason)
    return record.to_json(_now())


def goal_save(ctx: WebContext, actor: str, body: GoalBody, goal_id: int | None) -> dict[str, Any]:
    """Create a goal, or edit goal `goal_id`; both checked against the latest model."""
    if goal_id is None:
        record = ctx.store.add_goal(
            body.name,
            body.services,
            body.areas,
            body.level,
            body.due,
            actor=actor,
            description=body.description,
        )
        return record.to_json()
    from rung.assess.goals import Goal, check_goal, parse_filter
    from rung.assess.overrides import parse_expiry
    from rung.store.web_queries import edit_goal

    now = _now()
    goal = Goal(
        name=body.name.strip(),
        services=parse_filter(body.services),
        areas=tuple(dict.fromkeys(a.strip() for a in body.areas if a.strip())),
        level=body.level,
        due=parse_expiry(body.due, now, "due"),
        description=body.description.strip(),
    )
    model = ctx.portfolio().model
    check_goal(goal, [a.id for _, a in model.areas()], model.max_level())
    try:
        edit_goal(ctx.store, goal_id, goal, actor=actor, now=now)
    except LookupError as exc:
        raise NotFound(str(exc)) from exc
    return next(g.to_json() for g in ctx.store.goals() if g.id == goal_id)


# ----- the forms: flat string fields -> the same actions ----------------------------------


def _validated(model: type[BaseModel], fields: Mapping[str, str], **extra: Any) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate({**fields, **extra})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{where}: {first['msg']}") from exc


def _form_goal(ctx: WebContext, actor: str, f: Mapping[str, str]) -> object:
    areas = [a.strip() for a in f.get("areas", "").split(",") if a.strip()]
    body = _validated(GoalBody, f, areas=areas)
    goal_id = int(f["goal_id"]) if f.get("goal_id", "").isdigit() else None
    return goal_save(ctx, actor, body, goal_id)


def _form_revoke(ctx: WebContext, actor: str, f: Mapping[str, str]) -> object:
    if not f.get("id", "").isdigit():
        raise UsageError("id: an attestation or waiver id is required")
    return revoke(ctx, actor, int(f["id"]), _validated(RevokeBody, f))


FORM_ACTIONS: dict[str, Callable[[WebContext, str, Mapping[str, str]], object]] = {
    "attest": lambda ctx, actor, f: attest(ctx, actor, _validated(AttestBody, f)),
    "waive": lambda ctx, actor, f: waive(ctx, actor, _validated(WaiveBody, f)),
    "revoke": _form_revoke,
    "goal": _form_goal,
    "rescan": lambda ctx, actor, f: rescan_now(ctx, actor),
}
