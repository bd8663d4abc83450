"""Calibration: the spread of the portfolio over required levels, and what moving each
band edge by one point would change."""

from __future__ import annotations

from portfolio_helper import MODEL, scan, signals
from rung.assess.calibrate import Move, calibrate
from rung.assess.portfolio import assess_portfolio
from rung.assess.service import DEFAULT_POLICY

# default bands {0: 1, 3: 2, 5: 3, 8: 4}
POINTS = {"a": 0, "b": 2, "c": 3, "d": 4, "e": 5, "f": 7, "g": 8, "h": 12}


def test_spread_and_every_edge_move() -> None:
    cal = calibrate(POINTS, DEFAULT_POLICY)
    assert cal.counts == {1: 2, 2: 2, 3: 2, 4: 2}
    assert cal.levels == {"a": 1, "b": 1, "c": 2, "d": 2, "e": 3, "f": 3, "g": 4, "h": 4}
    got = [(m.edge, m.delta, m.new_edge, m.level, m.counts, m.moved) for m in cal.moves]
    assert got == [
        (3, -1, 2, 2, {1: 1, 2: 3, 3: 2, 4: 2}, (Move("b", 1, 2),)),
        (3, 1, 4, 2, {1: 3, 2: 1, 3: 2, 4: 2}, (Move("c", 2, 1),)),
        (5, -1, 4, 3, {1: 2, 2: 1, 3: 3, 4: 2}, (Move("d", 2, 3),)),
        (5, 1, 6, 3, {1: 2, 2: 3, 3: 1, 4: 2}, (Move("e", 3, 2),)),
        (8, -1, 7, 4, {1: 2, 2: 2, 3: 1, 4: 3}, (Move("f", 3, 4),)),
        (8, 1, 9, 4, {1: 2, 2: 2, 3: 3, 4: 1}, (Move("g", 4, 3),)),
    ]


def test_moves_onto_a_neighbouring_edge_are_left_out() -> None:
    policy = DEFAULT_POLICY.model_copy(update={"levels": {0: 1, 1: 2, 2: 3}})
    cal = calibrate({"x": 1, "y": 2, "z": 3}, policy)
    assert cal.counts == {1: 0, 2: 1, 3: 2}
    # edge 1 cannot go to 0 or 2; edge 2 cannot go to 1, only to 3
    assert [(m.edge, m.delta, m.moved) for m in cal.moves] == [(2, 1, (Move("y", 3, 2),))]


def test_from_assessments_ignores_pins_and_caps_levels() -> None:
    scans = [
        scan("busy", sig=signals(120, 8, 1095)),  # 3 + 2 + 2 = 7 points
        scan("calm", sig=signals()),
        scan("pinned", sig=signals(10), required_level_pin=4),  # 1 point
    ]
    cal = calibrate(assess_portfolio(MODEL, scans), DEFAULT_POLICY)
    assert cal.levels == {"busy": 3, "calm": 1, "pinned": 1}
    assert cal.counts == {1: 2, 2: 0, 3: 1, 4: 0}
    capped = calibrate({"x": 9}, DEFAULT_POLICY, max_level=3)
    assert capped.levels == {"x": 3}
    assert calibrate({}, DEFAULT_POLICY).counts == {1: 0, 2: 0, 3: 0, 4: 0}
