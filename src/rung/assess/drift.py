"""Drift between required and achieved levels (issue 4).

- *Risk outpacing maturity*: across two consecutive snapshots of a service, its required
  level rose while its achieved level did not, and it is now below what it requires
  (a service that already exceeds its new requirement is not outpaced).
- *Over-invested*: the achieved level is above the required level (one snapshot is enough).

Levels are the required level in force (stable or pinned) and the overall achieved level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rung.assess.service import ServiceAssessment


class DriftKind(StrEnum):
    OUTPACING = "risk_outpacing_maturity"
    OVER_INVESTED = "over_invested"


@dataclass(frozen=True, slots=True)
class Levels:
    """A service's levels in one snapshot: what phase B reads back from storage."""

    required: int
    achieved: int

    @classmethod
    def of(cls, assessment: ServiceAssessment) -> Levels:
        return cls(assessment.required, assessment.achieved)


@dataclass(frozen=True, slots=True)
class Drift:
    service: str
    kind: DriftKind
    now: Levels
    before: Levels | None = None

    @property
    def message(self) -> str:
        if self.kind is DriftKind.OUTPACING and self.before is not None:
            return (
                f"risk outpacing maturity: required {self.before.required} -> "
                f"{self.now.required}, achieved {self.before.achieved} -> {self.now.achieved}"
            )
        return f"over-invested: achieved {self.now.achieved} > required {self.now.required}"


def _outpacing(before: Levels, now: Levels) -> bool:
    return (
        now.required > before.required
        and now.achieved <= before.achieved
        and now.achieved < now.required
    )


def drift_of(service: str, now: Levels, before: Levels | None = None) -> list[Drift]:
    """The drift flags of one service, outpacing first."""
    out = []
    if before is not None and _outpacing(before, now):
        out.append(Drift(service, DriftKind.OUTPACING, now, before))
    if now.achieved > now.required:
        out.append(Drift(service, DriftKind.OVER_INVESTED, now, before))
    return out


def portfolio_drift(
    now: Mapping[str, Levels], before: Mapping[str, Levels] | None = None
) -> list[Drift]:
    """Every flag of the portfolio, by service name; services new in `now` can only be
    over-invested."""
    before = before or {}
    return [f for name in sorted(now) for f in drift_of(name, now[name], before.get(name))]


def assessment_drift(
    now: Sequence[ServiceAssessment], before: Sequence[ServiceAssessment] = ()
) -> list[Drift]:
    """`portfolio_drift` over two snapshots' assessments."""
    return portfolio_drift(
        {a.name: Levels.of(a) for a in now}, {a.name: Levels.of(a) for a in before}
    )
