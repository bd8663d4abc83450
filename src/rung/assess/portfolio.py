"""Assess the whole portfolio: the one entry point from scans to assessments (issue 4).

Per service, in order: the critical path inherited through dependencies, the policy in
force (the model's, or the workspace's override of it), stability against the previous
snapshot's state, the catalog pin, then attestations and waivers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rung.assess.critical import critical_of, critical_paths
from rung.assess.levels import Override
from rung.assess.risk import RiskResult, required_level
from rung.assess.service import (
    DEFAULT_POLICY,
    ServiceAssessment,
    ServiceScan,
    assess_service,
    risk_signals,
)
from rung.assess.stability import DEFAULT_STABILITY, StabilityState
from rung.model.schema import Model, RiskPolicy
from rung.model.workspace import StabilitySettings, Workspace


def effective_policy(model: Model, workspace: Workspace | None = None) -> RiskPolicy:
    """The risk policy in force: the model's (or the built-in default) with the
    workspace's overrides applied and checked against the model."""
    base = model.risk or DEFAULT_POLICY
    return workspace.apply_risk(base, model) if workspace is not None else base


def portfolio_risks(
    model: Model,
    scans: Sequence[ServiceScan],
    *,
    policy: RiskPolicy | None = None,
    previous: Mapping[str, StabilityState] | None = None,
    stability: StabilitySettings = DEFAULT_STABILITY,
) -> dict[str, RiskResult]:
    """The required level of every service, by name."""
    policy = policy or model.risk or DEFAULT_POLICY
    paths = critical_paths(s.service for s in scans)
    previous = previous or {}
    out: dict[str, RiskResult] = {}
    for scan in scans:
        svc = scan.service
        crit = critical_of(paths, svc.name)
        signals = risk_signals(svc, scan.signals)
        signals["catalog.critical_path"] = crit.critical
        out[svc.name] = required_level(
            policy,
            signals,
            pin=svc.required_level_pin,
            pin_reason=svc.required_level_reason,
            max_level=model.max_level(),
            previous=previous.get(svc.name),
            stability=stability,
            critical_chain=crit.chain,
        )
    return out


def assess_portfolio(
    model: Model,
    scans: Sequence[ServiceScan],
    *,
    policy: RiskPolicy | None = None,
    profile: str | None = None,
    overrides: Mapping[str, Mapping[str, Override]] | None = None,
    previous: Mapping[str, StabilityState] | None = None,
    stability: StabilitySettings = DEFAULT_STABILITY,
) -> list[ServiceAssessment]:
    """Every service's assessment, sorted by name. `overrides` are the valid attestations
    and waivers by service name then expectation id; `previous` the stability states of
    the last snapshot by service name."""
    risks = portfolio_risks(model, scans, policy=policy, previous=previous, stability=stability)
    overrides = overrides or {}
    out = [
        assess_service(
            model,
            scan,
            profile=profile,
            overrides=overrides.get(scan.service.name, {}),
            risk=risks[scan.service.name],
        )
        for scan in scans
    ]
    return sorted(out, key=lambda a: a.name)


def stability_states(assessments: Sequence[ServiceAssessment]) -> dict[str, StabilityState]:
    """What to keep from this snapshot for the next one's `previous`."""
    return {a.name: a.risk.stability or StabilityState(a.risk.computed_level) for a in assessments}
