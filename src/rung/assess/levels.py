"""Achieved levels per area, pillar and service (product.md §1): pure policy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

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
) -> dict[str, AreaResult]:
    return {
        area.id: assess_area(model, pillar.id, area, findings, overrides, required)
        for pillar, area in model.areas()
    }


def rollup(areas: Mapping[str, AreaResult]) -> tuple[int, dict[str, int]]:
    """Overall level (min over areas) and per-pillar levels (min over the pillar's areas)."""
    pillars: dict[str, int] = {}
    for a in areas.values():
        pillars[a.pillar] = min(pillars.get(a.pillar, a.achieved), a.achieved)
    overall = min((a.achieved for a in areas.values()), default=0)
    return overall, pillars
