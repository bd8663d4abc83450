"""Assess the whole portfolio: the one entry point from scans to assessments (issue 4).

Per service, in order: the critical path inherited through dependencies, the policy in
force (the model's, or the workspace's override of it), stability against the previous
snapshot's state, the catalog pin, then attestations and waivers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rung.assess.critical import critical_of, critical_paths
from rung.assess.levels import AreaCache, Override
from rung.assess.risk import RiskResult, required_level
from rung.assess.service import (
    DEFAULT_POLICY,
    ServiceAssessment,
    ServiceScan,
    assess_service,
    risk_signals,
)
from rung.assess.stability import DEFAULT_STABILITY, StabilityState
from rung.catalog.entity import Service
from rung.model.schema import Model, RiskPolicy
from rung.model.workspace import StabilitySettings, Workspace


def effective_policy(model: Model, workspace: Workspace | None = None) -> RiskPolicy:
    """The risk policy in force: the model's (or the built-in default) with the
    workspace's overrides applied and checked against the model."""
    base = model.risk or DEFAULT_POLICY
    return workspace.apply_risk(base, model) if workspace is not None else base


class PortfolioAssessor:
    """Assesses services one at a time, as their scans arrive: what a service's
    assessment needs from the rest of the portfolio (the critical path inherited through
    dependencies) comes from the catalog entries of every service, known before any
    repository is scanned. `overrides` are the valid attestations and waivers by service
    name then expectation id; `previous` the stability states of the last snapshot by
    service name."""

    def __init__(
        self,
        model: Model,
        services: Iterable[Service],
        *,
        policy: RiskPolicy | None = None,
        profile: str | None = None,
        overrides: Mapping[str, Mapping[str, Override]] | None = None,
        previous: Mapping[str, StabilityState] | None = None,
        stability: StabilitySettings = DEFAULT_STABILITY,
    ) -> None:
        self.model = model
        self.policy = policy or model.risk or DEFAULT_POLICY
        self.profile = profile
        self.overrides = overrides or {}
        self.previous = previous or {}
        self.stability = stability
        self.paths = critical_paths(services)
        self.cache = AreaCache(model)

    def risk(self, scan: ServiceScan) -> RiskResult:
        """The required level of the service of `scan`."""
        svc = scan.service
        crit = critical_of(self.paths, svc.name)
        signals = risk_signals(svc, scan.signals)
        signals["catalog.critical_path"] = crit.critical
        return required_level(
            self.policy,
            signals,
            pin=svc.required_level_pin,
            pin_reason=svc.required_level_reason,
            max_level=self.model.max_level(),
            previous=self.previous.get(svc.name),
            stability=self.stability,
            critical_chain=crit.chain,
        )

    def assess(self, scan: ServiceScan) -> ServiceAssessment:
        return assess_service(
            self.model,
            scan,
            profile=self.profile,
            overrides=self.overrides.get(scan.service.name, {}),
            risk=self.risk(scan),
            cache=self.cache,
        )


def portfolio_risks(
    model: Model,
    scans: Sequence[ServiceScan],
    *,
    policy: RiskPolicy | None = None,
    previous: Mapping[str, StabilityState] | None = None,
    stability: StabilitySettings = DEFAULT_STABILITY,
) -> dict[str, RiskResult]:
    """The required level of every service, by name."""
    assessor = PortfolioAssessor(
        model, (s.service for s in scans), policy=policy, previous=previous, stability=stability
    )
    return {scan.service.name: assessor.risk(scan) for scan in scans}


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
    """Every service's assessment, sorted by name (see PortfolioAssessor)."""
    assessor = PortfolioAssessor(
        model,
        (s.service for s in scans),
        policy=policy,
        profile=profile,
        overrides=overrides,
        previous=previous,
        stability=stability,
    )
    return sorted((assessor.assess(scan) for scan in scans), key=lambda a: a.name)


def stability_states(assessments: Sequence[ServiceAssessment]) -> dict[str, StabilityState]:
    """What to keep from this snapshot for the next one's `previous`."""
    return {a.name: a.risk.stability or StabilityState(a.risk.computed_level) for a in assessments}
