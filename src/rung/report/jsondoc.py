"""The JSON contract (product.md §8): extend it, never rename or drop a key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rung import __version__
from rung.assess.explain import (
    Explained,
    ReportContext,
    change_json,
    critical_json,
    stability_json,
)
from rung.assess.levels import ExpState
from rung.assess.service import ServiceAssessment
from rung.model.loader import LoadedModel


def iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _overrides_json(a: ServiceAssessment, explained: Explained | None) -> dict[str, Any]:
    in_force = [
        {
            "expectation": e.id,
            "kind": str(e.override.kind),
            "id": e.override.id,
            "by": e.override.by,
            "note": e.override.note,
            "evidence": e.override.evidence,
            "expires": e.override.expires,
        }
        for r in a.areas.values()
        for e in r.expectations
        if e.override is not None
    ]
    expired = [r.to_json() for r in explained.expired] if explained is not None else []
    return {"in_force": in_force, "expired": expired}


def service_json(a: ServiceAssessment, explained: Explained | None = None) -> dict[str, Any]:
    svc = a.scan.service
    areas: dict[str, Any] = {}
    for area_id, r in a.areas.items():
        areas[area_id] = {
            "achieved": r.achieved,
            "required": r.required,
            "unmet": r.unmet,
            "pillar": r.pillar,
            "potential": r.potential,
            "gaps": [g.id for g in r.gaps],
            "awaiting_attestation": [e.id for e in r.expectations if e.state is ExpState.AWAITING],
            "waived": [e.id for e in r.expectations if e.state is ExpState.WAIVED],
            "attested": [e.id for e in r.expectations if e.state is ExpState.ATTESTED],
            "unknown": {
                e.id: list(e.unknown) for e in r.expectations if e.state is ExpState.UNKNOWN
            },
        }
    pinned = (
        {"level": a.risk.pinned, "reason": a.risk.pin_reason} if a.risk.pinned is not None else None
    )
    return {
        "name": svc.name,
        "repository": {
            "root": svc.repo_name,
            "url": svc.repo_url,
            "head": a.scan.head,
            "path": svc.root,
        },
        "owner": svc.owner,
        "system": svc.system,
        "lifecycle": svc.lifecycle,
        "critical_path": bool(svc.critical_path),
        "profile": a.profile,
        "source": str(svc.source),
        "signals": dict(a.scan.signals),
        "stack": dict(a.scan.stack),
        "checks": {cid: f.to_json() for cid, f in sorted(a.scan.findings.items())},
        "areas": areas,
        "pillars": dict(a.pillars),
        "level": {
            "achieved": a.achieved,
            "required": a.required,
            "potential": a.potential,
            "explanation": [fp.to_json() for fp in a.risk.explanation],
            "pinned": pinned,
            "points": a.risk.points,
            "computed": a.risk.computed_level,
            "raw": a.risk.raw_level,
            "stable": a.risk.stable_level,
            "stability": stability_json(a.risk),
            "critical_path": critical_json(a.risk),
            "change": change_json(explained.change if explained is not None else None),
        },
        "notes": list(a.scan.notes),
        "drift": [
            {"kind": str(d.kind), "message": d.message}
            for d in (explained.drift if explained is not None else ())
        ],
        "overrides": _overrides_json(a, explained),
    }


def portfolio_json(
    model: LoadedModel,
    assessments: Sequence[ServiceAssessment],
    *,
    snapshot: Mapping[str, Any],
    warnings: Sequence[str] = (),
    context: ReportContext | None = None,
) -> dict[str, Any]:
    ctx = context or ReportContext()
    return {
        "rung_version": __version__,
        "model": {"id": model.model.id, "version": model.model.version, "hash": model.hash},
        "snapshot": dict(snapshot),
        "services": [service_json(a, ctx.explain(a)) for a in assessments],
        "warnings": list(warnings),
    }
