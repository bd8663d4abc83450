"""Prioritisation (product.md §4): gaps, the platform roadmap, what-if, team goals.

For each gap (service s, expectation e at level l <= R, s requires R, e unmet: unmet,
unknown or awaiting attestation; attested and waived ones are met):

    weight = max(risk points of s, 1) x focus factor of e's area for s's profile x (R - l + 1)

The focus factor is the profile's `focus_factor` (default 2) when the area is in the
profile's focus list, else 1. The roadmap ranks expectations by the sum of their gap
weights (ties by expectation id); the same ranking over one owner's services gives that
team's goals. Everything here is a pure function of assessments and the model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rung.assess.levels import AreaCache, AreaResult, ExpState, Override, rollup
from rung.assess.service import ServiceAssessment
from rung.errors import UsageError
from rung.model.schema import Area, Expectation, Model, Pillar

UNOWNED = "unowned"
TEAM_TOP = 3


@dataclass(frozen=True, slots=True)
class Gap:
    service: str
    team: str
    expectation: str
    area: str
    level: int
    required: int
    state: ExpState
    weight: int


def team_of(a: ServiceAssessment) -> str:
    return a.scan.service.owner or UNOWNED


def focus_factor(model: Model, profile: str | None, area: str) -> int:
    prof = model.profiles.get(profile) if profile else None
    return prof.focus_factor if prof is not None and area in prof.focus else 1


def gap_weight(points: int, focus: int, required: int, level: int) -> int:
    return max(points, 1) * focus * (required - level + 1)


def service_gaps(a: ServiceAssessment, model: Model) -> list[Gap]:
    """The gaps of one service in model order."""
    return [
        Gap(
            a.name,
            team_of(a),
            e.id,
            area.area,
            e.level,
            area.required,
            e.state,
            gap_weight(
                a.risk.points, focus_factor(model, a.profile, area.area), area.required, e.level
            ),
        )
        for area in a.areas.values()
        for e in area.gaps
    ]


def all_gaps(assessments: Iterable[ServiceAssessment], model: Model) -> list[Gap]:
    return [g for a in sorted(assessments, key=lambda x: x.name) for g in service_gaps(a, model)]


# ----- what a service would reach ------------------------------------------------------------


class _Index:
    """Areas and expectations of the model by id."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.cache = AreaCache(model)  # what-if results repeat across services
        self.areas: dict[str, tuple[Pillar, Area]] = {a.id: (p, a) for p, a in model.areas()}
        self.expectations: dict[str, tuple[Area, int, Expectation]] = {
            f"{a.id}/{e.id}": (a, lvl, e) for a, lvl, e in model.expectations()
        }


def _overrides(a: ServiceAssessment) -> dict[str, Override]:
    return {
        e.id: e.override
        for area in a.areas.values()
        for e in area.expectations
        if e.override is not None
    }


def reach_if_met(a: ServiceAssessment, index: _Index, expectation_ids: Iterable[str]) -> int:
    """The overall achieved level of `a` were these expectations met, recomputed with the
    levels functions (the expectations forced met as attested)."""
    ids = set(expectation_ids)
    forced = {**_overrides(a), **{i: Override(ExpState.ATTESTED, note="what-if") for i in ids}}
    areas: dict[str, AreaResult] = dict(a.areas)
    for area_id in sorted({i.split("/", 1)[0] for i in ids} & set(areas)):
        areas[area_id] = index.cache.area(area_id, a.scan.findings, forced, areas[area_id].required)
    return rollup(areas)[0]


# ----- the roadmap -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoadmapItem:
    expectation: str
    area: str
    level: int
    text: str
    support: str
    score: int
    services: tuple[str, ...]
    teams: tuple[str, ...]
    would_reach: dict[str, int]  # service -> overall achieved level were this met


def _rank(scores: dict[str, int]) -> list[str]:
    return sorted(scores, key=lambda k: (-scores[k], k))


def _items(assessments: Sequence[ServiceAssessment], model: Model) -> list[RoadmapItem]:
    index = _Index(model)
    by_name = {a.name: a for a in assessments}
    gaps_by_exp: dict[str, list[Gap]] = defaultdict(list)
    for g in all_gaps(assessments, model):
        gaps_by_exp[g.expectation].append(g)
    scores = {eid: sum(g.weight for g in gs) for eid, gs in gaps_by_exp.items()}
    out = []
    for eid in _rank(scores):
        gs = gaps_by_exp[eid]
        area, level, exp = index.expectations[eid]
        services = tuple(sorted({g.service for g in gs}))
        out.append(
            RoadmapItem(
                expectation=eid,
                area=area.id,
                level=level,
                text=exp.expectation,
                support=exp.support,
                score=scores[eid],
                services=services,
                teams=tuple(sorted({g.team for g in gs})),
                would_reach={s: reach_if_met(by_name[s], index, [eid]) for s in services},
            )
        )
    return out


def roadmap(
    assessments: Sequence[ServiceAssessment], model: Model, top: int | None = None
) -> list[RoadmapItem]:
    """Expectations ranked by summed gap weight (desc), ties by expectation id."""
    items = _items(assessments, model)
    return items[:top] if top is not None else items


@dataclass(frozen=True)
class AreaItem:
    area: str
    pillar: str
    name: str
    score: int
    expectations: tuple[str, ...]  # this area's roadmap items, ranked
    services: tuple[str, ...]
    teams: tuple[str, ...]


def roadmap_by_area(
    assessments: Sequence[ServiceAssessment], model: Model, top: int | None = None
) -> list[AreaItem]:
    """Areas ranked by the summed weight of their gaps (desc), ties by area id."""
    index = _Index(model)
    by_area: dict[str, list[Gap]] = defaultdict(list)
    for g in all_gaps(assessments, model):
        by_area[g.area].append(g)
    scores = {aid: sum(g.weight for g in gs) for aid, gs in by_area.items()}
    out = []
    for aid in _rank(scores):
        gs = by_area[aid]
        exp_scores: dict[str, int] = defaultdict(int)
        for g in gs:
            exp_scores[g.expectation] += g.weight
        pillar, area = index.areas[aid]
        out.append(
            AreaItem(
                area=aid,
                pillar=pillar.id,
                name=area.name,
                score=scores[aid],
                expectations=tuple(_rank(dict(exp_scores))),
                services=tuple(sorted({g.service for g in gs})),
                teams=tuple(sorted({g.team for g in gs})),
            )
        )
    return out[:top] if top is not None else out


# ----- what if -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WhatIf:
    expectations: tuple[str, ...]
    before: dict[int, int]  # achieved level -> number of services
    after: dict[int, int]
    weight_before: int  # total gap weight of the portfolio
    weight_removed: int
    moved: tuple[tuple[str, int, int], ...]  # (service, level before, level after)

    @property
    def weight_after(self) -> int:
        return self.weight_before - self.weight_removed


def _spread(levels: Iterable[int], top: int) -> dict[int, int]:
    out = dict.fromkeys(range(top + 1), 0)
    for lvl in levels:
        out[lvl] = out.get(lvl, 0) + 1
    return out


def what_if(
    assessments: Sequence[ServiceAssessment], model: Model, expectation_ids: Sequence[str]
) -> WhatIf:
    """The portfolio were these expectations met by every service."""
    index = _Index(model)
    unknown = sorted(set(expectation_ids) - set(index.expectations))
    if unknown:
        raise UsageError(f"unknown expectation {', '.join(unknown)}")
    ids = tuple(sorted(set(expectation_ids)))
    ordered = sorted(assessments, key=lambda x: x.name)
    after = {a.name: reach_if_met(a, index, ids) for a in ordered}
    gaps = all_gaps(ordered, model)
    return WhatIf(
        expectations=ids,
        before=_spread((a.achieved for a in ordered), model.max_level()),
        after=_spread(after.values(), model.max_level()),
        weight_before=sum(g.weight for g in gaps),
        weight_removed=sum(g.weight for g in gaps if g.expectation in ids),
        moved=tuple(
            (a.name, a.achieved, after[a.name]) for a in ordered if after[a.name] != a.achieved
        ),
    )


# ----- team goals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamService:
    name: str
    achieved: int
    required: int
    gaps: int
    weight: int


@dataclass(frozen=True)
class TeamView:
    team: str
    services: tuple[TeamService, ...]
    top: tuple[RoadmapItem, ...]  # the highest-weight expectations for this team

    @property
    def gaps(self) -> int:
        return sum(s.gaps for s in self.services)

    @property
    def weight(self) -> int:
        return sum(s.weight for s in self.services)


def team_view(
    assessments: Sequence[ServiceAssessment], model: Model, team: str, top: int = TEAM_TOP
) -> TeamView:
    """One owner's services, their gaps, and its `top` expectations (the roadmap ranking
    restricted to its services). An unknown team has no services."""
    mine = sorted((a for a in assessments if team_of(a) == team), key=lambda x: x.name)
    services = []
    for a in mine:
        gaps = service_gaps(a, model)
        services.append(
            TeamService(a.name, a.achieved, a.required, len(gaps), sum(g.weight for g in gaps))
        )
    return TeamView(team, tuple(services), tuple(roadmap(mine, model, top)))


def teams(
    assessments: Sequence[ServiceAssessment], model: Model, top: int = TEAM_TOP
) -> list[TeamView]:
    """Every owner's view, by team name (services without an owner: `unowned`)."""
    return [
        team_view(assessments, model, t, top) for t in sorted({team_of(a) for a in assessments})
    ]
