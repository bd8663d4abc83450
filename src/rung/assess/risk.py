"""Required levels from risk signals (product.md §3): signals -> points -> level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rung.assess.stability import StabilityState, stabilise
from rung.model.schema import RiskFactor, RiskPolicy
from rung.model.workspace import StabilitySettings


@dataclass(frozen=True, slots=True)
class FactorPoints:
    factor: str
    signal: str
    value: object
    points: int

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # the constructor: far cheaper to unpickle than a frozen dataclass's __setstate__
        return FactorPoints, (self.factor, self.signal, self.value, self.points)

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
    stability: StabilityState | None = None  # None: computed without stability
    critical_chain: tuple[str, ...] = ()  # (root, ..., self) when on the critical path

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        fields = (self.level, self.computed_level, self.points, self.explanation, self.pinned)
        return RiskResult, (*fields, self.pin_reason, self.stability, self.critical_chain)

    @property
    def raw_level(self) -> int:
        """What the points give this snapshot (same as computed_level)."""
        return self.computed_level

    @property
    def stable_level(self) -> int:
        """The computed level after stability (before any pin)."""
        return self.stability.stable if self.stability is not None else self.computed_level

    @property
    def inherited_from(self) -> str | None:
        """The declared critical-path service this one inherits the flag from."""
        return self.critical_chain[0] if len(self.critical_chain) > 1 else None


def _exact(factor: RiskFactor, value: object) -> int | None:
    for key, pts in factor.points.items():
        if type(key) is type(value) and key == value:
            return pts
    return None


def factor_points(factor: RiskFactor, value: object) -> int:
    """Points of the highest threshold not above `value`; booleans and texts map exactly
    (a text that reads as a number also meets numeric thresholds); a missing value earns
    nothing."""
    if value is None:
        return 0
    if isinstance(value, bool | str):
        exact = _exact(factor, value)
        if exact is not None or isinstance(value, bool):
            return exact or 0
        try:
            value = float(value)
        except ValueError:
            return 0
    if not isinstance(value, int | float):
        return 0
    best: tuple[float, int] | None = None
    for key, pts in factor.points.items():
        if isinstance(key, bool | str):
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
    previous: StabilityState | None = None,
    stability: StabilitySettings | None = None,
    critical_chain: tuple[str, ...] = (),
) -> RiskResult:
    """The required level from `signals`. With `stability`, the computed level is
    stabilised against `previous` (rung.assess.stability); a pin is in force whatever."""
    explanation = tuple(
        FactorPoints(name, f.signal, signals.get(f.signal), factor_points(f, signals.get(f.signal)))
        for name, f in policy.factors.items()
    )
    points = sum(fp.points for fp in explanation)

    def level_of(pts: int) -> int:
        lvl = level_for_points(policy, pts)
        return min(lvl, max_level) if max_level is not None else lvl

    computed = level_of(points)
    state = None
    if stability is not None:
        state = stabilise(previous, points, level_of, stability)
    stable = state.stable if state is not None else computed
    level = pin if pin is not None else stable
    return RiskResult(level, computed, points, explanation, pin, pin_reason, state, critical_chain)
