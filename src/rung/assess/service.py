"""Assess one service: required level from risk, achieved levels from findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rung.assess.levels import AreaCache, AreaResult, Override, assess_areas, rollup
from rung.assess.risk import RiskResult, required_level
from rung.catalog.entity import Service
from rung.checks.base import Finding
from rung.collect.facts import GitFacts
from rung.model.schema import Model, RiskPolicy
from rung.model.workspace import CATALOG_FIELDS

DEFAULT_POLICY = RiskPolicy.model_validate(
    {
        "factors": {
            "change_frequency": {
                "signal": "git.commits_90d",
                "points": {0: 0, 10: 1, 40: 2, 120: 3},
            },
            "collaborators": {"signal": "git.authors_90d", "points": {0: 0, 3: 1, 8: 2}},
            "age": {"signal": "age_days", "points": {0: 0, 365: 1, 1095: 2}},
            "critical_path": {
                "signal": "catalog.critical_path",
                "points": {False: 0, True: 3},
            },
        },
        "levels": {0: 1, 3: 2, 5: 3, 8: 4},
    }
)


@dataclass(frozen=True)
class StoredRow:
    """The stored row a scan was read from for an incremental scan (rung.store): the
    snapshot and row ids, and the check ids whose findings are no longer the row's
    (`replaced`: live checks re-run with another result). The store copies the rest of
    the row's findings when it writes the reused scan again, so whatever changes other
    findings of such a scan must drop it (`stored=None`) or add them to `replaced`."""

    snapshot_id: int
    pk: int
    replaced: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceScan:
    """What a scan learns about one service (plain data; computed in a worker)."""

    service: Service
    head: str | None
    findings: Mapping[str, Finding]
    signals: Mapping[str, object]
    stack: Mapping[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # files skipped, manifest errors, collection errors
    git: GitFacts | None = None  # commit times and authors: signals are recomputed from it
    cache_key: str = ""  # incremental scans reuse a scan whose key is unchanged
    reused: bool = False  # taken from the previous snapshot (incremental scan)
    stored: StoredRow | None = field(default=None, compare=False, repr=False)  # its row


@dataclass(frozen=True)
class ServiceAssessment:
    scan: ServiceScan
    profile: str | None
    risk: RiskResult
    areas: Mapping[str, AreaResult]
    achieved: int
    potential: int
    pillars: Mapping[str, int]

    @property
    def name(self) -> str:
        return self.scan.service.name

    @property
    def required(self) -> int:
        return self.risk.level


def risk_signals(service: Service, signals: Mapping[str, object]) -> dict[str, object]:
    """Signals the risk policy may read: scan signals plus catalog facts."""
    out = dict(signals)
    out["catalog.critical_path"] = bool(service.critical_path)
    for name in CATALOG_FIELDS:  # every text field of the catalog entry
        value = getattr(service, name)
        out[f"catalog.{name}"] = str(value) if value is not None else None
    for key, value in service.annotations.items():
        out.setdefault(f"catalog.annotations.{key}", value)
    for key, value in service.labels.items():
        out.setdefault(f"catalog.labels.{key}", value)
    return out


def assess_service(
    model: Model,
    scan: ServiceScan,
    *,
    profile: str | None = None,
    overrides: Mapping[str, Override] | None = None,
    policy: RiskPolicy | None = None,
    risk: RiskResult | None = None,
    cache: AreaCache | None = None,
) -> ServiceAssessment:
    """Assess one service; `risk` (from rung.assess.portfolio) replaces the required level
    this function would compute from the service alone; `cache` shares area results
    between the services of a portfolio."""
    svc = scan.service
    if risk is None:
        risk = required_level(
            policy or model.risk or DEFAULT_POLICY,
            risk_signals(svc, scan.signals),
            pin=svc.required_level_pin,
            pin_reason=svc.required_level_reason,
            max_level=model.max_level(),
        )
    required = min(risk.level, model.max_level())
    areas = assess_areas(model, scan.findings, overrides or {}, required, cache)
    achieved, pillars = rollup(areas)
    potential = min((a.potential for a in areas.values()), default=0)
    return ServiceAssessment(
        scan=scan,
        profile=svc.profile or profile or model.default_profile,
        risk=risk,
        areas=areas,
        achieved=achieved,
        potential=potential,
        pillars=pillars,
    )
