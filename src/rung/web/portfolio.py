"""One stored snapshot, assessed once and indexed for the dashboard (pure, no I/O).

A `Portfolio` is built when a new snapshot appears and shared (read-only) by every
request until the next one: the heatmap of 1,000 services only filters and slices it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rung.assess.drift import Drift, Levels, portfolio_drift
from rung.assess.roadmap import Gap, service_gaps, team_of
from rung.assess.service import ServiceAssessment
from rung.model.schema import Area, Model, Pillar
from rung.report.html import cell_class
from rung.scanner import ScanResult
from rung.store.read import SnapshotInfo


@dataclass(frozen=True)
class Row:
    """One service of the heatmap."""

    name: str
    team: str
    system: str
    lifecycle: str
    profile: str
    critical_path: bool
    achieved: int
    required: int
    potential: int
    gaps: int
    gap_weight: int
    areas: dict[str, int]  # area id -> achieved level
    colours: dict[str, str]  # area id -> meets / below1 / below2 / above
    drift: tuple[str, ...]

    def to_json(self, area_ids: Sequence[str]) -> dict[str, Any]:
        return {
            "name": self.name,
            "team": self.team,
            "system": self.system or None,
            "lifecycle": self.lifecycle or None,
            "profile": self.profile or None,
            "critical_path": self.critical_path,
            "achieved": self.achieved,
            "required": self.required,
            "potential": self.potential,
            "gaps": self.gaps,
            "gap_weight": self.gap_weight,
            "areas": {
                a: {"achieved": self.areas[a], "colour": self.colours[a]}
                for a in area_ids
                if a in self.areas
            },
            "drift": list(self.drift),
        }


@dataclass(frozen=True)
class Portfolio:
    snapshot: SnapshotInfo
    result: ScanResult
    previous: SnapshotInfo | None
    by_name: dict[str, ServiceAssessment]
    rows: tuple[Row, ...]  # by name
    gaps: dict[str, list[Gap]]
    drift: dict[str, list[Drift]] = field(default_factory=dict)

    @property
    def model(self) -> Model:
        return self.result.model.model

    @property
    def assessments(self) -> Sequence[ServiceAssessment]:
        return self.result.assessments

    def areas(self) -> list[tuple[Pillar, Area]]:
        return self.model.areas()

    def values(self, attr: str) -> list[str]:
        """The distinct non-empty values of a row attribute (filter options)."""
        return sorted({str(getattr(r, attr)) for r in self.rows if getattr(r, attr)})


def _row(a: ServiceAssessment, gaps: list[Gap], drift: list[Drift]) -> Row:
    svc = a.scan.service
    return Row(
        name=a.name,
        team=team_of(a),
        system=svc.system or "",
        lifecycle=svc.lifecycle or "",
        profile=a.profile or "",
        critical_path=bool(svc.critical_path) or bool(a.risk.critical_chain),
        achieved=a.achieved,
        required=a.required,
        potential=a.potential,
        gaps=len(gaps),
        gap_weight=sum(g.weight for g in gaps),
        areas={k: r.achieved for k, r in a.areas.items()},
        colours={k: cell_class(r.achieved, a.required) for k, r in a.areas.items()},
        drift=tuple(str(d.kind) for d in drift),
    )


def build_portfolio(
    snapshot: SnapshotInfo,
    result: ScanResult,
    previous: SnapshotInfo | None = None,
    before: Mapping[str, Levels] | None = None,
) -> Portfolio:
    """Index a snapshot: gaps and weights per service, drift flags against `before` (the
    previous snapshot's levels by service name)."""
    model = result.model.model
    by_name = {a.name: a for a in result.assessments}
    gaps = {name: service_gaps(a, model) for name, a in by_name.items()}
    flags: dict[str, list[Drift]] = {}
    for d in portfolio_drift({n: Levels.of(a) for n, a in by_name.items()}, before or {}):
        flags.setdefault(d.service, []).append(d)
    rows = tuple(_row(by_name[n], gaps[n], flags.get(n, [])) for n in sorted(by_name))
    return Portfolio(snapshot, result, previous, by_name, rows, gaps, flags)
