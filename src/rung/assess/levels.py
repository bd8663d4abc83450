"""Achieved levels per area, pillar and service (product.md §1): pure policy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter

from rung.assess.rules import RuleState, evaluate
from rung.checks.base import Finding
from rung.model.schema import Area, Expectation, Model


class ExpState(StrEnum):
    MET = "met"  # evidence proves it
    ATTESTED = "attested"  # a person attested, not expired
    WAIVED = "waived"  # an accepted exception, not expired
    UNMET = "unmet"  # evidence shows it is not met
    UNKNOWN = "unknown"  # a check could not decide: not met
    AWAITING = "awaiting_attestation"  # attest: true and no valid attestation

    @property
    def met(self) -> bool:
        return self in (ExpState.MET, ExpState.ATTESTED, ExpState.WAIVED)


@dataclass(frozen=True, slots=True)
class Override:
    """A valid attestation or waiver of one expectation for one service."""

    kind: ExpState  # ATTESTED or WAIVED
    by: str = ""
    note: str = ""
    expires: str | None = None
    evidence: str = ""  # an attestation's evidence link
    id: int | None = None  # the stored record (rung attest/waive list)


@dataclass(frozen=True, slots=True)
class ExpectationResult:
    id: str  # "<area>/<slug>"
    area: str
    level: int
    state: ExpState
    failing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    override: Override | None = None


@dataclass(frozen=True)
class AreaResult:
    area: str
    pillar: str
    achieved: int
    potential: int  # achieved once pending attestations are made
    required: int
    expectations: tuple[ExpectationResult, ...] = field(default=())

    @property
    def unmet(self) -> list[str]:
        return [e.id for e in self.expectations if not e.state.met]

    @property
    def gaps(self) -> list[ExpectationResult]:
        return [e for e in self.expectations if not e.state.met and e.level <= self.required]


def expectation_result(
    area: Area,
    level: int,
    exp: Expectation,
    findings: Mapping[str, Finding],
    overrides: Mapping[str, Override],
) -> ExpectationResult:
    eid = f"{area.id}/{exp.id}"
    ov = overrides.get(eid)
    outcome = evaluate(exp.evidence, findings)
    if outcome.state is RuleState.MET:
        state = ExpState.MET
    elif ov is not None:
        state = ov.kind
    elif outcome.state is RuleState.ATTEST:
        state = ExpState.AWAITING
    elif outcome.state is RuleState.UNKNOWN:
        state = ExpState.UNKNOWN
    else:
        state = ExpState.UNMET
    return ExpectationResult(
        eid,
        area.id,
        level,
        state,
        outcome.failing,
        outcome.unknown,
        ov if ov is not None and state is ov.kind else None,
    )


def _achieved(results: list[ExpectationResult], levels: list[int], pending_ok: bool) -> int:
    achieved = 0
    for lvl in levels:
        ok = all(
            r.state.met or (pending_ok and r.state is ExpState.AWAITING)
            for r in results
            if r.level == lvl
        )
        if not ok:
            break
        achieved = lvl
    return achieved


def assess_area(
    model: Model,
    pillar_id: str,
    area: Area,
    findings: Mapping[str, Finding],
    overrides: Mapping[str, Override],
    required: int,
) -> AreaResult:
    levels = sorted(ld.level for ld in model.levels)
    results = [
        expectation_result(area, lvl, exp, findings, overrides)
        for lvl in sorted(area.levels)
        for exp in area.levels[lvl]
    ]
    return AreaResult(
        area=area.id,
        pillar=pillar_id,
        achieved=_achieved(results, levels, pending_ok=False),
        potential=_achieved(results, levels, pending_ok=True),
        required=required,
        expectations=tuple(results),
    )


def assess_areas(
    model: Model,
    findings: Mapping[str, Finding],
    overrides: Mapping[str, Override],
    required: int,
    cache: AreaCache | None = None,
) -> dict[str, AreaResult]:
    if cache is not None:
        return cache.areas(findings, overrides, required)
    return {
        area.id: assess_area(model, pillar.id, area, findings, overrides, required)
        for pillar, area in model.areas()
    }


_NO_STATUS = None  # a check with no finding: unknown (rules._status)


@dataclass(frozen=True)
class _Entry:
    """One area as the cache judges it: the statuses it depends on are picked from a
    service's statuses of every check the model names (`pick`, one C-level call)."""

    pillar_id: str
    area: Area
    pick: Callable[[tuple[object, ...]], object]
    expectations: tuple[str, ...]


class AreaCache:
    """Area results shared by services that an area judges alike.

    An area's result depends on nothing but the statuses of the checks its expectations
    name, the overrides of its expectations and the required level (assess_area), so
    services whose findings agree on those share one (frozen) AreaResult. On a
    portfolio most areas come out the same for many services: the cache saves the
    evaluation and keeps one copy of each distinct result."""

    def __init__(self, model: Model) -> None:
        self.model = model
        checks: dict[str, int] = {}  # every check the model names -> its place
        self._entries: list[_Entry] = []
        for pillar, area in model.areas():
            named = [c for exps in area.levels.values() for e in exps
                     for c in e.evidence.check_ids()]  # fmt: skip
            places = [checks.setdefault(c, len(checks)) for c in dict.fromkeys(named)]
            expectations = tuple(f"{area.id}/{e.id}" for exps in area.levels.values() for e in exps)
            self._entries.append(_Entry(pillar.id, area, _picker(places), expectations))
        self._checks = tuple(checks)
        self._by_id = {entry.area.id: entry for entry in self._entries}
        self._memo: dict[tuple[object, ...], AreaResult] = {}

    def areas(
        self, findings: Mapping[str, Finding], overrides: Mapping[str, Override], required: int
    ) -> dict[str, AreaResult]:
        statuses = self._statuses(findings)
        return {
            entry.area.id: self._area(entry, statuses, findings, overrides, required)
            for entry in self._entries
        }

    def area(
        self,
        area_id: str,
        findings: Mapping[str, Finding],
        overrides: Mapping[str, Override],
        required: int,
    ) -> AreaResult:
        entry = self._by_id[area_id]
        return self._area(entry, self._statuses(findings), findings, overrides, required)

    def _statuses(self, findings: Mapping[str, Finding]) -> tuple[object, ...]:
        get = findings.get
        return tuple(f.status if (f := get(c)) is not None else _NO_STATUS for c in self._checks)

    def _area(
        self,
        entry: _Entry,
        statuses: tuple[object, ...],
        findings: Mapping[str, Finding],
        overrides: Mapping[str, Override],
        required: int,
    ) -> AreaResult:
        forced = tuple(overrides.get(e) for e in entry.expectations) if overrides else ()
        key = (entry.area.id, required, entry.pick(statuses), forced)
        result = self._memo.get(key)
        if result is None:
            area = entry.area
            result = assess_area(self.model, entry.pillar_id, area, findings, overrides, required)
            self._memo[key] = result
        return result


def _picker(places: list[int]) -> Callable[[tuple[object, ...]], object]:
    """The statuses at `places` of a statuses tuple (an itemgetter: one, or a tuple)."""
    return itemgetter(*places) if places else _nothing


def _nothing(statuses: tuple[object, ...]) -> object:
    return ()


def rollup(areas: Mapping[str, AreaResult]) -> tuple[int, dict[str, int]]:
    """Overall level (min over areas) and per-pillar levels (min over the pillar's areas)."""
    pillars: dict[str, int] = {}
    for a in areas.values():
        pillars[a.pillar] = min(pillars.get(a.pillar, a.achieved), a.achieved)
    overall = min((a.achieved for a in areas.values()), default=0)
    return overall, pillars
