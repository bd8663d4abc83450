"""Required levels from risk signals (product.md §3): signals -> points -> level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rung.model.schema import RiskFactor, RiskPolicy


@dataclass(frozen=True, slots=True)
class FactorPoints:
    factor: str
    signal: str
    value: object
    points: int

    def to_json(self) -> dict[str, object]:
        return {
            "factor": self.factor,
            "signal": self.signal,
            "value": self.value,
            "points": self.points,
        }


@dataclass(frozen=True, slots=True)
class RiskResult:
    level: int  # the required level in force (pinned or computed)
    computed_level: int  # what the policy alone gives
    points: int
    explanation: tuple[FactorPoints, ...]
    pinned: int | None = None
    pin_reason: str | None = None


def factor_points(factor: RiskFactor, value: object) -> int:
    """Points of the highest threshold not above `value`; booleans map directly;
    a missing value earns nothing."""
    if value is None:
        return 0
    if isinstance(value, bool):
        for key, pts in factor.points.items():
            if isinstance(key, bool) and key is value:
                return pts
        return 0
    if not isinstance(value, int | float):
        return 0
    best: tuple[float, int] | None = None
    for key, pts in factor.points.items():
        if isinstance(key, bool):
            continue
        if key <= value and (best is None or key > best[0]):
            best = (key, pts)
    return best[1] if best else 0


def level_for_points(policy: RiskPolicy, points: int) -> int:
    eligible = [t for t in policy.levels if t <= points]
    return policy.levels[max(eligible)] if eligible else policy.levels[min(policy.levels)]


def required_level(
    policy: RiskPolicy,
    signals: Mapping[str, object],
    *,
    pin: int | None = None,
    pin_reason: str | None = None,
    max_level: int | None = None,
) -> RiskResult:
    explanation = tuple(
        FactorPoints(name, f.signal, signals.get(f.signal), factor_points(f, signals.get(f.signal)))
        for name, f in policy.factors.items()
    )
    points = sum(fp.points for fp in explanation)
    computed = level_for_points(policy, points)
    if max_level is not None:
        computed = min(computed, max_level)
    level = pin if pin is not None else computed
    return RiskResult(level, computed, points, explanation, pin, pin_reason)
