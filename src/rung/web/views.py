"""The data of each page: one function per page, returning what its JSON twin returns.

The HTML pages render exactly these dictionaries (datasette's rule: the page is a view
of the API's data). Nothing here does I/O except through the `WebContext`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rung.assess.critical import chain_text
from rung.assess.levels import ExpectationResult, ExpState
from rung.assess.service import ServiceAssessment
from rung.report.html import cell_class
from rung.web.context import WebContext
from rung.web.portfolio import Portfolio, Row

PER_PAGE = 100
MAX_PER_PAGE = 1000
COLOURS = ("meets", "below1", "below2", "above")


class NotFound(LookupError):
    """A named thing (service, team, goal) that the latest snapshot does not hold."""


def snapshot_json(p: Portfolio) -> dict[str, Any]:
    return p.snapshot.to_json()


# ----- heatmap ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatmapQuery:
    team: str | None = None
    system: str | None = None
    pillar: str | None = None
    profile: str | None = None
    lifecycle: str | None = None
    q: str | None = None  # part of the service name
    sort: str = "gap_weight"
    page: int = 1
    per_page: int = PER_PAGE

    def filters(self) -> dict[str, str | None]:
        return {
            "team": self.team,
            "system": self.system,
            "pillar": self.pillar,
            "profile": self.profile,
            "lifecycle": self.lifecycle,
            "q": self.q,
        }


SORTS: dict[str, Callable[[Row], tuple[Any, ...]]] = {
    "gap_weight": lambda r: (-r.gap_weight, r.name),
    "name": lambda r: (r.name,),
    "level": lambda r: (r.achieved - r.required, r.name),
}
ROW_FILTERS = ("team", "system", "profile", "lifecycle")


def _matches(row: Row, query: HeatmapQuery) -> bool:
    for attr in ROW_FILTERS:
        wanted = getattr(query, attr)
        if wanted and getattr(row, attr) != wanted:
            return False
    return not query.q or query.q.lower() in row.name.lower()


def heatmap(ctx: WebContext, query: HeatmapQuery) -> dict[str, Any]:
    """Services x areas, filtered, sorted and paginated on the server (computed once per
    snapshot and query: many people look at the same page)."""
    p = ctx.portfolio()
    return ctx.memo(("heatmap", p.snapshot.id, query), lambda: _heatmap(p, query))


def _heatmap(p: Portfolio, query: HeatmapQuery) -> dict[str, Any]:
    rows = sorted((r for r in p.rows if _matches(r, query)), key=SORTS[query.sort])
    areas = [
        {"id": a.id, "name": a.name, "pillar": pl.id}
        for pl, a in p.areas()
        if not query.pillar or pl.id == query.pillar
    ]
    area_ids = [a["id"] for a in areas]
    per_page = max(1, min(query.per_page, MAX_PER_PAGE))
    pages = max(1, -(-len(rows) // per_page))
    page = max(1, min(query.page, pages))
    shown = rows[(page - 1) * per_page : page * per_page]
    cells = Counter(r.colours[a] for r in rows for a in area_ids)
    levels = range(p.model.max_level() + 1)
    return {
        "snapshot": snapshot_json(p),
        "filters": query.filters(),
        "sort": query.sort,
        "options": {
            "team": p.values("team"),
            "system": p.values("system"),
            "pillar": [pl.id for pl in p.model.pillars],
            "profile": p.values("profile"),
            "lifecycle": p.values("lifecycle"),
            "sort": list(SORTS),
        },
        "areas": areas,
        "total": len(rows),
        "page": page,
        "per_page": per_page,
        "pages": pages,
        "counts": {
            "achieved": {str(lv): sum(1 for r in rows if r.achieved == lv) for lv in levels},
            "required": {str(lv): sum(1 for r in rows if r.required == lv) for lv in levels},
            "cells": {c: cells.get(c, 0) for c in COLOURS},
            "drift": dict(Counter(d for r in rows for d in r.drift)),
        },
        "services": [r.to_json(area_ids) for r in shown],
    }


# ----- one service ---------------------------------------------------------------------


def _expectation(p: Portfolio, a: ServiceAssessment, e: ExpectationResult) -> dict[str, Any]:
    area = p.model.area(e.area)
    exp = next(x for x in area.levels[e.level] if f"{area.id}/{x.id}" == e.id)
    checks = []
    for cid in (*e.failing, *e.unknown):
        f = a.scan.findings.get(cid)
        checks.append(
            {
                "check": cid,
                "status": str(f.status) if f else "missing",
                "message": f.message if f else "",
                "evidence": [ev.to_json() for ev in f.evidence] if f else [],
            }
        )
    return {
        "id": e.id,
        "level": e.level,
        "state": str(e.state),
        "gap": e.level <= a.required,
        "expectation": exp.expectation,
        "support": exp.support,
        "attest": exp.evidence.attest,
        "checks": checks,
    }


def _override(e: ExpectationResult) -> dict[str, Any]:
    ov = e.override
    assert ov is not None
    kind = "attestation" if ov.kind is ExpState.ATTESTED else "waiver"
    return {"expectation": e.id, "kind": kind, "by": ov.by, "note": ov.note, "expires": ov.expires}


def _required(a: ServiceAssessment) -> dict[str, Any]:
    risk = a.risk
    return {
        "level": risk.level,
        "computed": risk.computed_level,
        "points": risk.points,
        "explanation": [fp.to_json() for fp in risk.explanation],
        "pinned": risk.pinned,
        "pin_reason": risk.pin_reason,
        "critical_chain": chain_text(risk.critical_chain) if risk.critical_chain else None,
    }


def service(ctx: WebContext, name: str) -> dict[str, Any]:
    p = ctx.portfolio()
    a = p.by_name.get(name)
    if a is None:
        raise NotFound(f"no service named {name!r} in snapshot {p.snapshot.id}")
    svc = a.scan.service
    row = next(r for r in p.rows if r.name == name)
    areas = []
    for pillar, area in p.areas():
        r = a.areas[area.id]
        areas.append(
            {
                "id": area.id,
                "name": area.name,
                "pillar": pillar.id,
                "achieved": r.achieved,
                "required": r.required,
                "potential": r.potential,
                "colour": cell_class(r.achieved, r.required),
                "unmet": [_expectation(p, a, e) for e in r.expectations if not e.state.met],
            }
        )
    overrides = [
        _override(e) for r in a.areas.values() for e in r.expectations if e.override is not None
    ]
    return {
        "snapshot": snapshot_json(p),
        "name": name,
        "team": row.team,
        "system": svc.system,
        "lifecycle": svc.lifecycle,
        "profile": a.profile,
        "critical_path": row.critical_path,
        "repository": {"root": svc.repo_name, "path": svc.root, "head": a.scan.head},
        "achieved": a.achieved,
        "required": _required(a),
        "potential": a.potential,
        "gaps": row.gaps,
        "gap_weight": row.gap_weight,
        "drift": [d.message for d in p.drift.get(name, [])],
        "areas": areas,
        "overrides": overrides,
        "ledger": _ledger(ctx, name),
        "notes": list(a.scan.notes),
    }


def _ledger(ctx: WebContext, name: str) -> list[dict[str, Any]]:
    """Every attestation and waiver ever recorded for the service, newest first, with
    its status now (active, expired, revoked)."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return [r.to_json(now) for r in reversed(ctx.store.overrides(service=name))]


def audit(ctx: WebContext, limit: int = 200) -> dict[str, Any]:
    """The newest `limit` entries of the audit trail (every write, with its actor)."""
    entries = ctx.store.audit_trail()
    return {"total": len(entries), "entries": [e.to_json() for e in reversed(entries[-limit:])]}


# ----- snapshots ---------------------------------------------------------------------------


def snapshots(ctx: WebContext) -> dict[str, Any]:
    infos = ctx.store.snapshots()
    out = []
    prev_hash = None
    for info in infos:
        item = info.to_json()
        item["model_changed"] = prev_hash is not None and info.model_hash != prev_hash
        prev_hash = info.model_hash
        out.append(item)
    rescans = ctx.rescanner.status() if ctx.rescanner is not None else None
    return {"snapshots": list(reversed(out)), "rescans": rescans}
