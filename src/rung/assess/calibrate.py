"""Calibrating the risk policy (issue 4): how the bands spread the portfolio over required
levels, and what moving each band edge by one point would change.

Computed levels only (what the policy gives from points): pins and stability are left
out, since they are not the policy's doing. A move that would put an edge on or past a
neighbouring edge (or below 1 point) is not listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rung.assess.risk import level_for_points
from rung.assess.service import ServiceAssessment
from rung.model.schema import RiskPolicy

Points = Mapping[str, int]  # service name -> risk points


@dataclass(frozen=True, slots=True)
class Move:
    name: str
    before: int
    after: int


@dataclass(frozen=True)
class EdgeMove:
    edge: int  # the band's lowest points today
    level: int  # the level the band gives
    delta: int  # -1 or +1
    counts: dict[int, int]  # level -> services, after the move
    moved: tuple[Move, ...]  # services whose level would change, by name

    @property
    def new_edge(self) -> int:
        return self.edge + self.delta


@dataclass(frozen=True)
class Calibration:
    counts: dict[int, int]  # level -> services under the policy as it is
    levels: dict[str, int]  # service -> computed level
    moves: tuple[EdgeMove, ...]  # edges ascending, -1 before +1


def _points(data: Sequence[ServiceAssessment] | Points) -> dict[str, int]:
    if isinstance(data, Mapping):
        return dict(data)
    return {a.name: a.risk.points for a in data}


def _levels(bands: Mapping[int, int], points: Mapping[str, int], cap: int | None) -> dict[str, int]:
    policy = RiskPolicy.model_construct(factors={}, levels=dict(bands))
    out = {}
    for name in sorted(points):
        lvl = level_for_points(policy, points[name])
        out[name] = min(lvl, cap) if cap is not None else lvl
    return out


def _counts(bands: Mapping[int, int], levels: Mapping[str, int]) -> dict[int, int]:
    out = dict.fromkeys(sorted(set(bands.values())), 0)
    for lvl in levels.values():
        out[lvl] = out.get(lvl, 0) + 1
    return out


def _moved_bands(bands: Mapping[int, int], edge: int, delta: int) -> dict[int, int] | None:
    edges = sorted(bands)
    i = edges.index(edge)
    new = edge + delta
    lower = edges[i - 1]
    upper = edges[i + 1] if i + 1 < len(edges) else None
    if new <= lower or (upper is not None and new >= upper):
        return None
    out = {k: v for k, v in bands.items() if k != edge}
    out[new] = bands[edge]
    return dict(sorted(out.items()))


def calibrate(
    data: Sequence[ServiceAssessment] | Points,
    policy: RiskPolicy,
    *,
    max_level: int | None = None,
) -> Calibration:
    """The spread of `data` (assessments, or risk points by service) under `policy`."""
    points = _points(data)
    bands = dict(sorted(policy.levels.items()))
    levels = _levels(bands, points, max_level)
    moves = []
    for edge in sorted(bands)[1:]:
        for delta in (-1, 1):
            moved = _moved_bands(bands, edge, delta)
            if moved is None:
                continue
            after = _levels(moved, points, max_level)
            moves.append(
                EdgeMove(
                    edge,
                    bands[edge],
                    delta,
                    _counts(bands, after),
                    tuple(Move(n, levels[n], after[n]) for n in after if after[n] != levels[n]),
                )
            )
    return Calibration(_counts(bands, levels), levels, tuple(moves))
