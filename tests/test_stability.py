"""Stable required levels over sequences of snapshots: the margin rule, the consecutive
snapshots rule, increases and decreases, pins bypass stability."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from portfolio_helper import MODEL, scan, signals
from rung.assess.portfolio import assess_portfolio, stability_states
from rung.assess.risk import level_for_points, required_level
from rung.assess.service import DEFAULT_POLICY
from rung.assess.stability import StabilityState, stabilise
from rung.model.workspace import StabilitySettings

# default bands {0: 1, 3: 2, 5: 3, 8: 4}


def level_of(points: int) -> int:
    return level_for_points(DEFAULT_POLICY, points)


Row = tuple[int, int, int | None, int]  # raw, stable, pending, count


def run(points: Sequence[int], margin: int = 1, snapshots: int = 2) -> list[Row]:
    settings = StabilitySettings(margin=margin, snapshots=snapshots)
    state: StabilityState | None = None
    rows = []
    for p in points:
        state = stabilise(state, p, level_of, settings)
        rows.append((level_of(p), state.stable, state.pending, state.count))
    return rows


def test_edge_crossed_by_less_than_the_margin_waits_for_two_snapshots() -> None:
    assert run([4, 5, 5, 4, 6, 3]) == [
        (2, 2, None, 0),  # first snapshot: stable = raw
        (3, 2, 3, 1),  # 5 is at the edge: crossed by 0 < margin 1, held (1 of 2)
        (3, 3, None, 0),  # still across for 2 consecutive snapshots: moves
        (2, 3, 2, 1),  # 4 is just below the edge (by 0 past the boundary): held
        (3, 3, None, 0),  # back: nothing pending any more
        (2, 2, None, 0),  # 3 <= 5 - 1 - margin: down at once
    ]


def test_margin_moves_at_once_and_as_far_as_it_allows() -> None:
    assert run([2, 6, 8, 4, 2, 2]) == [
        (1, 1, None, 0),
        (3, 3, None, 0),  # 6 >= 5 + 1: up two levels at once
        (4, 3, 4, 1),  # 8 is at the edge of level 4: held
        (2, 3, 2, 1),  # the other way: a new count
        (1, 2, 1, 1),  # 2 is past edge 5 by the margin, not past edge 3: one level down
        (1, 1, None, 0),  # and below edge 3 for 2 snapshots: down again
    ]
    assert run([0, 9]) == [(1, 1, None, 0), (4, 4, None, 0)]
    assert run([9, 0]) == [(4, 4, None, 0), (1, 1, None, 0)]


def test_flip_flopping_points_do_not_flip_the_level() -> None:
    rows = run([4, 5, 4, 5, 4, 5])
    assert [r[1] for r in rows] == [2, 2, 2, 2, 2, 2]
    assert [r[0] for r in rows] == [2, 3, 2, 3, 2, 3]


@pytest.mark.parametrize(
    ("margin", "snapshots", "stable"),
    [
        (0, 2, [2, 3, 3, 2]),  # no margin: every crossing counts at once
        (1, 1, [2, 3, 3, 2]),  # one snapshot is enough
        (1, 3, [2, 2, 2, 3]),  # three consecutive snapshots needed
        (2, 2, [2, 2, 3, 3]),  # 6 is past edge 5 by 1 < 2: held, then moved by count
    ],
)
def test_settings(margin: int, snapshots: int, stable: list[int]) -> None:
    points = [4, 5, 6, 4] if (margin, snapshots) != (1, 3) else [4, 5, 5, 5]
    if margin == 2:
        points = [4, 6, 6, 4]
    assert [r[1] for r in run(points, margin, snapshots)] == stable


def test_pins_bypass_stability_but_stable_level_is_still_tracked() -> None:
    settings = StabilitySettings()
    sig = {**signals(120, 3, 365), "catalog.critical_path": False}  # 3 + 1 + 1 = 5 points
    prev = StabilityState(2)
    pinned = required_level(DEFAULT_POLICY, sig, pin=4, previous=prev, stability=settings)
    assert (pinned.level, pinned.computed_level, pinned.stable_level) == (4, 3, 2)
    assert pinned.stability == StabilityState(2, 3, 1)
    free = required_level(DEFAULT_POLICY, sig, previous=pinned.stability, stability=settings)
    assert (free.level, free.computed_level, free.stable_level) == (3, 3, 3)
    # without stability settings the computed level is in force at once
    plain = required_level(DEFAULT_POLICY, sig, previous=prev)
    assert (plain.level, plain.stability) == (3, None)


def test_state_round_trips_as_plain_data() -> None:
    state = StabilityState(2, 3, 1)
    assert StabilityState.from_json(state.to_json()) == state
    assert state.to_json() == {"stable": 2, "pending": 3, "count": 1}
    assert StabilityState.from_json({"stable": 1}) == StabilityState(1)
    with pytest.raises(ValueError, match="stable level"):
        StabilityState.from_json({"pending": 1})


# (commits_90d, authors_90d) -> points with age 400 days (1 point)
SNAPSHOTS = [(40, 3), (120, 3), (120, 3), (40, 3), (10, 0)]  # 4, 5, 5, 4, 2 points


def test_portfolio_over_five_snapshots() -> None:
    previous: dict[str, StabilityState] | None = None
    rows = []
    for commits, authors in SNAPSHOTS:
        scans = [
            scan("api", sig=signals(commits, authors, 400)),
            scan("old", sig=signals(commits, authors, 400), required_level_pin=1),
        ]
        assessed = {a.name: a for a in assess_portfolio(MODEL, scans, previous=previous)}
        api, old = assessed["api"].risk, assessed["old"].risk
        rows.append((api.points, api.computed_level, api.stable_level, api.level, old.level))
        assert old.stable_level == api.stable_level  # tracked under the pin
        previous = stability_states(list(assessed.values()))
    assert rows == [
        (4, 2, 2, 2, 1),
        (5, 3, 2, 2, 1),  # held (1 of 2 snapshots)
        (5, 3, 3, 3, 1),  # moved after 2 snapshots
        (4, 2, 3, 3, 1),  # 4 is just below the edge: held
        (2, 1, 2, 2, 1),  # 2 <= 5 - 1 - 1: down one band at once, band 2 -> 1 held
    ]


def test_settings_feed_through_the_portfolio() -> None:
    scans = [scan("api", sig=signals(120, 3, 400))]  # 5 points
    prev = {"api": StabilityState(2)}
    held = assess_portfolio(MODEL, scans, previous=prev)[0].risk
    assert (held.level, held.stability) == (2, StabilityState(2, 3, 1))
    at_once = assess_portfolio(MODEL, scans, previous=prev, stability=StabilitySettings(margin=0))[
        0
    ].risk
    assert at_once.level == 3
