"""The §4 roadmap: gap weights by hand, ranking with ties by id, would-reach levels,
ranking by area, what-if, team goals; identical across runs, and moving the expected way
after an attestation."""

from __future__ import annotations

import pytest

from portfolio_helper import MODEL, F, P, U, findings, scan, signals
from rung.assess.levels import ExpState, Override
from rung.assess.portfolio import assess_portfolio
from rung.assess.roadmap import (
    Gap,
    TeamService,
    all_gaps,
    focus_factor,
    gap_weight,
    roadmap,
    roadmap_by_area,
    service_gaps,
    team_view,
    teams,
    what_if,
)
from rung.assess.service import ServiceAssessment
from rung.errors import UsageError

# points, required level, profile (focus area x factor), findings:
# alpha   4 -> 2  fintech (testing x2)    t1 P  t2 F  m1 P  m2 F  d1 P
# beta    3 -> 2  saas (monitoring x3)    t1 F  t2 F  m1 F  m2 P  d1 U   (critical path)
# gamma   0 -> 1  none                    t1 F        m1 P        d1 F   (t2, m2 missing)
# delta   1 -> 3  fintech, pinned 3       all pass; t3 awaits attestation
# epsilon 1 -> 1  fintech                 t1 F (waived)  t2 P  m1 F  m2 P  d1 P
OVERRIDES = {"epsilon": {"testing/t1": Override(ExpState.WAIVED, by="cto")}}


def portfolio(overrides: dict[str, dict[str, Override]] | None = None) -> list[ServiceAssessment]:
    scans = [
        scan(
            "alpha",
            findings(t1=P, t2=F, m1=P, m2=F, d1=P),
            signals(40, 3, 400),
            owner="team-a",
            profile="fintech",
        ),
        scan(
            "beta",
            findings(t1=F, t2=F, m1=F, m2=P, d1=U),
            signals(),
            owner="team-a",
            profile="saas",
            critical_path=True,
        ),
        scan("gamma", findings(t1=F, m1=P, d1=F), signals()),
        scan(
            "delta",
            findings(t1=P, t2=P, m1=P, m2=P, d1=P),
            signals(10),
            owner="team-b",
            profile="fintech",
            required_level_pin=3,
        ),
        scan(
            "epsilon",
            findings(t1=F, t2=P, m1=F, m2=P, d1=P),
            signals(10),
            owner="team-b",
            profile="fintech",
        ),
    ]
    return assess_portfolio(MODEL, scans, overrides=OVERRIDES if overrides is None else overrides)


def test_levels_of_the_fixture() -> None:
    got = {a.name: (a.risk.points, a.required, a.achieved) for a in portfolio()}
    assert got == {
        "alpha": (4, 2, 1),
        "beta": (3, 2, 0),
        "gamma": (0, 1, 0),
        "delta": (1, 3, 2),
        "epsilon": (1, 1, 0),
    }


def test_weight_formula() -> None:
    assert gap_weight(points=0, focus=1, required=1, level=1) == 1  # at least 1 point
    assert gap_weight(points=-2, focus=2, required=3, level=1) == 6
    assert gap_weight(points=4, focus=2, required=3, level=2) == 16
    assert focus_factor(MODEL, "saas", "monitoring") == 3
    assert focus_factor(MODEL, "saas", "testing") == 1
    assert focus_factor(MODEL, "fintech", "testing") == 2
    assert focus_factor(MODEL, None, "testing") == 1
    assert focus_factor(MODEL, "unknown", "testing") == 1


def test_gaps_by_hand() -> None:
    gaps = {(g.service, g.expectation): g.weight for g in all_gaps(portfolio(), MODEL)}
    assert gaps == {
        ("alpha", "testing/t2"): 4 * 2 * 1,
        ("alpha", "monitoring/m2"): 4 * 1 * 1,
        ("beta", "testing/t1"): 3 * 1 * 2,
        ("beta", "testing/t2"): 3 * 1 * 1,
        ("beta", "monitoring/m1"): 3 * 3 * 2,
        ("beta", "docs/d1"): 3 * 1 * 2,  # unknown is a gap
        ("gamma", "testing/t1"): 1,
        ("gamma", "docs/d1"): 1,
        ("delta", "testing/t3"): 1 * 2 * 1,  # awaiting attestation is a gap
        ("epsilon", "monitoring/m1"): 1,  # t1 is waived: not a gap
    }
    (d,) = service_gaps({a.name: a for a in portfolio()}["delta"], MODEL)
    assert d == Gap("delta", "team-b", "testing/t3", "testing", 3, 3, ExpState.AWAITING, 2)


def test_roadmap_ranking_ties_by_id_and_would_reach() -> None:
    items = roadmap(portfolio(), MODEL)
    assert [(i.expectation, i.score) for i in items] == [
        ("monitoring/m1", 19),
        ("testing/t2", 11),
        ("docs/d1", 7),  # tie with testing/t1: by id
        ("testing/t1", 7),
        ("monitoring/m2", 4),
        ("testing/t3", 2),
    ]
    m1 = items[0]
    assert (m1.area, m1.level, m1.text, m1.support) == (
        "monitoring",
        1,
        "do m1",
        "platform helps with m1",
    )
    assert m1.services == ("beta", "epsilon")
    assert m1.teams == ("team-a", "team-b")
    # beta stays at 0 (testing and docs hold it); epsilon reaches 2 (t3 awaits)
    assert m1.would_reach == {"beta": 0, "epsilon": 2}
    by_id = {i.expectation: i for i in items}
    assert by_id["testing/t3"].would_reach == {"delta": 4}
    assert by_id["testing/t1"].teams == ("team-a", "unowned")
    assert by_id["testing/t1"].would_reach == {"beta": 0, "gamma": 0}
    assert by_id["monitoring/m2"].would_reach == {"alpha": 1}
    assert [i.expectation for i in roadmap(portfolio(), MODEL, top=2)] == [
        "monitoring/m1",
        "testing/t2",
    ]


def test_roadmap_is_identical_across_runs_and_follows_attestations() -> None:
    assert roadmap(portfolio(), MODEL) == roadmap(list(reversed(portfolio())), MODEL)
    attested = {**OVERRIDES, "beta": {"monitoring/m1": Override(ExpState.ATTESTED, by="ops")}}
    items = roadmap(portfolio(attested), MODEL)
    assert [(i.expectation, i.score) for i in items][:3] == [
        ("testing/t2", 11),
        ("docs/d1", 7),
        ("testing/t1", 7),
    ]
    assert {i.expectation: i.score for i in items}["monitoring/m1"] == 1
    # without the waiver epsilon's t1 is a gap again: 1 point x fintech focus 2
    unwaived = {i.expectation: i.score for i in roadmap(portfolio({}), MODEL)}
    assert unwaived["testing/t1"] == 7 + 2


def test_roadmap_by_area() -> None:
    areas = roadmap_by_area(portfolio(), MODEL)
    assert [(a.area, a.pillar, a.score) for a in areas] == [
        ("monitoring", "p1", 19 + 4),
        ("testing", "p1", 11 + 7 + 2),
        ("docs", "p2", 7),
    ]
    assert areas[1].expectations == ("testing/t2", "testing/t1", "testing/t3")
    assert areas[1].services == ("alpha", "beta", "delta", "gamma")
    assert areas[1].teams == ("team-a", "team-b", "unowned")
    assert [a.area for a in roadmap_by_area(portfolio(), MODEL, top=1)] == ["monitoring"]


def test_what_if() -> None:
    w = what_if(portfolio(), MODEL, ["testing/t1", "docs/d1"])
    assert w.expectations == ("docs/d1", "testing/t1")
    assert w.before == {0: 3, 1: 1, 2: 1, 3: 0, 4: 0}
    assert w.after == {0: 2, 1: 2, 2: 1, 3: 0, 4: 0}
    assert w.moved == (("gamma", 0, 1),)
    assert (w.weight_before, w.weight_removed, w.weight_after) == (50, 14, 36)
    everything = what_if(
        portfolio(),
        MODEL,
        ["testing/t1", "testing/t2", "testing/t3", "monitoring/m1", "monitoring/m2", "docs/d1"],
    )
    assert everything.after == {0: 0, 1: 0, 2: 0, 3: 0, 4: 5}
    assert everything.weight_after == 0
    with pytest.raises(UsageError, match="unknown expectation testing/t9"):
        what_if(portfolio(), MODEL, ["testing/t9"])


def test_team_goals() -> None:
    a = team_view(portfolio(), MODEL, "team-a")
    assert a.services == (TeamService("alpha", 1, 2, 2, 12), TeamService("beta", 0, 2, 4, 33))
    assert (a.gaps, a.weight) == (6, 45)
    # the roadmap restricted to alpha and beta: m1 18, t2 11, then d1 6 ties t1 6 -> d1
    assert [(i.expectation, i.score) for i in a.top] == [
        ("monitoring/m1", 18),
        ("testing/t2", 11),
        ("docs/d1", 6),
    ]
    assert a.top[0].services == ("beta",)
    views = teams(portfolio(), MODEL)
    assert [v.team for v in views] == ["team-a", "team-b", "unowned"]
    b = views[1]
    assert [(i.expectation, i.score) for i in b.top] == [("testing/t3", 2), ("monitoring/m1", 1)]
    assert [s.name for s in views[2].services] == ["gamma"]
    assert team_view(portfolio(), MODEL, "nobody").services == ()
    assert views == teams(list(reversed(portfolio())), MODEL)
