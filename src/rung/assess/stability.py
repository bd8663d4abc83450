"""Stable required levels (issue 4): a required level does not flip-flop around a band edge.

The level in force moves to the level the points give (the *raw* level) only when

- the points are across the band edge by at least `margin` points: for an increase past
  the edge `e` (the lowest points of the higher band) the points are `>= e + margin`;
  for a decrease below it they are `<= e - 1 - margin` (symmetric around the boundary
  between `e - 1` and `e`); a jump over several bands moves at once as far as the margin
  allows, or
- the raw level has stayed on the same side of the stable level for `snapshots`
  consecutive snapshots (this one included).

The first snapshot of a service has no history: its stable level is its raw level.
Pins bypass stability (the caller puts a pin in force whatever the stable level is);
the stable level keeps being tracked underneath so that removing a pin is smooth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rung.model.workspace import StabilitySettings

DEFAULT_STABILITY = StabilitySettings()


@dataclass(frozen=True, slots=True)
class StabilityState:
    """What is kept per service per snapshot so the next snapshot can be stabilised."""

    stable: int  # the required level in force (before pins)
    pending: int | None = None  # a raw level held back, if any
    count: int = 0  # consecutive snapshots the held-back change has lasted

    @property
    def held(self) -> bool:
        return self.pending is not None

    def to_json(self) -> dict[str, int | None]:
        return {"stable": self.stable, "pending": self.pending, "count": self.count}

    @classmethod
    def from_json(cls, data: dict[str, int | None]) -> StabilityState:
        stable = data.get("stable")
        if stable is None:
            raise ValueError("a stability state needs a stable level")
        return cls(stable, data.get("pending"), data.get("count") or 0)


LevelOf = Callable[[int], int]  # total points -> raw level


def _decisive(stable: int, raw: int, points: int, margin: int, level_of: LevelOf) -> int:
    """How far the stable level may move at once, honouring the margin."""
    if raw > stable:
        return max(stable, min(raw, level_of(points - margin)))
    return min(stable, max(raw, level_of(points + margin)))


def stabilise(
    previous: StabilityState | None,
    points: int,
    level_of: LevelOf,
    settings: StabilitySettings = DEFAULT_STABILITY,
) -> StabilityState:
    """The stability state after a snapshot whose risk points are `points`."""
    raw = level_of(points)
    if previous is None or raw == previous.stable:
        return StabilityState(raw)
    stable = previous.stable
    up = raw > stable
    moved = _decisive(stable, raw, points, settings.margin, level_of)
    if moved == raw:
        return StabilityState(raw)
    same_side = (
        moved == stable and previous.pending is not None and (previous.pending > stable) == up
    )
    count = previous.count + 1 if same_side else 1
    if count >= settings.snapshots:
        return StabilityState(raw)
    return StabilityState(moved, raw, count)
