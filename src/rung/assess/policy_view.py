"""The risk policy in force and where each part of it comes from (`rung risk show`):
the model, the built-in default (a model without `risk:`), or rung.yaml (file:line)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rung.assess.portfolio import effective_policy
from rung.assess.service import DEFAULT_POLICY
from rung.model.schema import Model, RiskPolicy, Threshold
from rung.model.workspace import StabilitySettings, Workspace
from rung.model.yamlpos import Path as NodePath


@dataclass(frozen=True)
class FactorView:
    name: str
    signal: str
    points: Mapping[Threshold, int]
    description: str
    source: str


@dataclass(frozen=True)
class PolicyView:
    model: str
    workspace: str | None
    factors: tuple[FactorView, ...]
    removed: tuple[tuple[str, str], ...]  # (factor, source)
    bands: Mapping[int, int]
    bands_source: str
    stability: StabilitySettings
    stability_source: str
    policy: RiskPolicy

    def to_json(self) -> dict[str, object]:
        return {
            "model": self.model,
            "workspace": self.workspace,
            "factors": [
                {
                    "name": f.name,
                    "signal": f.signal,
                    "points": [[_key(k), v] for k, v in f.points.items()],
                    "description": f.description,
                    "source": f.source,
                }
                for f in self.factors
            ],
            "removed": [{"name": n, "source": s} for n, s in self.removed],
            "levels": [[pts, lvl] for pts, lvl in sorted(self.bands.items())],
            "levels_source": self.bands_source,
            "stability": {
                "margin": self.stability.margin,
                "snapshots": self.stability.snapshots,
                "source": self.stability_source,
            },
        }


def _key(k: Threshold) -> Threshold:
    return int(k) if isinstance(k, float) and k.is_integer() else k


def _where(ws: Workspace, path: NodePath) -> str:
    line = ws.located.line_of(path) if ws.located is not None else None
    return f"{ws.source}:{line}" if line else str(ws.source)


def policy_view(model: Model, ws: Workspace) -> PolicyView:
    """What `effective_policy(model, ws)` is made of, part by part."""
    policy = effective_policy(model, ws)
    base_source = "model" if model.risk is not None else "built-in default"
    base = set((model.risk or DEFAULT_POLICY).factors)
    given = ws.config.risk.factors
    factors = []
    for name, f in policy.factors.items():
        if name in given:
            how = "overrides the model" if name in base else "added"
            source = f"{_where(ws, ('risk', 'factors', name))} ({how})"
        else:
            source = base_source
        factors.append(FactorView(name, f.signal, f.points, f.description, source))
    removed = tuple(
        (name, _where(ws, ("risk", "factors", name)))
        for name, spec in given.items()
        if spec is None and name in base
    )
    bands_source = (
        _where(ws, ("risk", "levels")) if ws.config.risk.levels is not None else base_source
    )
    stab_source = (
        _where(ws, ("stability",)) if "stability" in ws.config.model_fields_set else "default"
    )
    return PolicyView(
        model=model.id,
        workspace=ws.source,
        factors=tuple(factors),
        removed=removed,
        bands=dict(sorted(policy.levels.items())),
        bands_source=bands_source,
        stability=ws.stability,
        stability_source=stab_source,
        policy=policy,
    )
