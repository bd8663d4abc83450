"""Goals with outcomes (issue 4): the service filter, progress per snapshot and the linear
projection by hand (pure, hand-built data); `rung goal add|list|show` over real scans on
SQLite and PostgreSQL, with validation and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gitrepo import Repo
from portfolio_helper import MODEL as MINI
from portfolio_helper import F, P, findings, signals
from portfolio_helper import scan as mini_scan
from riskkit import cli_json, descriptor, scan, write_model
from rung.assess.goals import (
    Goal,
    GoalService,
    GoalStatus,
    SnapshotLevels,
    goal_gaps,
    parse_filter,
    progress,
    projection,
)
from rung.assess.portfolio import assess_portfolio
from rung.errors import UsageError
from storekit import rung


def _svc(name: str, testing: int, owner: str = "team-a", critical: bool = False) -> GoalService:
    return GoalService(name, owner, "shop", "production", None, critical, {"testing": testing})


def _snap(i: int, day: str, *services: GoalService) -> SnapshotLevels:
    return SnapshotLevels(i, datetime.fromisoformat(day).replace(tzinfo=UTC), services)


def _goal(due: str, services: str = "team=team-a", level: int = 2) -> Goal:
    return Goal(
        "g",
        parse_filter(services),
        ("testing",),
        level,
        datetime.fromisoformat(due).replace(tzinfo=UTC),
    )


# ----- the filter --------------------------------------------------------------------------


def test_filter_terms_are_a_conjunction() -> None:
    f = parse_filter("team=team-a, critical=true,name=pay*")
    assert f.terms == (("owner", "team-a"), ("critical", True), ("name", "pay*"))
    assert f.matches(_svc("payments", 0, critical=True))
    assert not f.matches(_svc("payments", 0, critical=False))
    assert not f.matches(_svc("orders", 0, critical=True))
    assert not f.matches(_svc("payments", 0, owner="team-b", critical=True))
    assert parse_filter("system=shop,lifecycle=prod*").matches(_svc("x", 0))
    assert not parse_filter("profile=fintech").matches(_svc("x", 0))  # no profile: no match
    assert parse_filter("all").terms == () and parse_filter("all").matches(_svc("x", 0))
    for bad, message in (
        ("", "give a filter"),
        ("team", "is not key=value"),
        ("colour=red", "unknown key 'colour'"),
        ("critical=maybe", "critical= takes true or false"),
    ):
        with pytest.raises(UsageError, match=message):
            parse_filter(bad)


# ----- progress and projection by hand --------------------------------------------------


S1 = _snap(1, "2026-01-01", _svc("a", 2), _svc("b", 1), _svc("c", 0), _svc("d", 0, "team-b"))
S2 = _snap(2, "2026-02-01", _svc("a", 2), _svc("b", 2), _svc("c", 0), _svc("d", 0, "team-b"))


def test_progress_per_snapshot_and_on_track() -> None:
    # shares 1/3 at day 0 and 2/3 at day 31; due at day 90: 1/3 + 90 x (1/3) / 31 = 1.301
    gp = progress(_goal("2026-04-01"), [S1, S2])
    assert [(p.snapshot, p.meeting, p.missing) for p in gp.points] == [
        (1, ("a",), ("b", "c")),
        (2, ("a", "b"), ("c",)),
    ]
    assert gp.projected == pytest.approx(1 / 3 + 90 * (1 / 3) / 31)
    assert gp.status is GoalStatus.ON_TRACK


def test_behind_overdue_met_no_trend_no_data() -> None:
    # due at day 45: 1/3 + 45 x (1/3) / 31 = 0.817
    behind = progress(_goal("2026-02-15"), [S1, S2])
    assert behind.status is GoalStatus.BEHIND
    assert behind.projected == pytest.approx(1 / 3 + 45 * (1 / 3) / 31)
    assert progress(_goal("2026-02-01"), [S1, S2]).status is GoalStatus.OVERDUE
    assert progress(_goal("2026-04-01", level=0), [S1, S2]).status is GoalStatus.MET
    assert progress(_goal("2026-04-01"), [S1]).status is GoalStatus.NO_TREND
    assert progress(_goal("2026-04-01", "team=nobody"), [S1, S2]).status is GoalStatus.NO_DATA
    stuck = progress(_goal("2026-04-01"), [S2, _snap(3, "2026-03-01", *S2.services)])
    assert stuck.projected == pytest.approx(2 / 3) and stuck.status is GoalStatus.BEHIND


def test_projection_is_the_least_squares_line() -> None:
    pts = progress(
        _goal("2026-04-01"),
        [
            _snap(1, "2026-01-01", _svc("a", 0), _svc("b", 0)),
            _snap(2, "2026-01-11", _svc("a", 2), _svc("b", 0)),
            _snap(3, "2026-01-21", _svc("a", 2), _svc("b", 0)),
        ],
    ).points
    # x = 0, 10, 20; y = 0, .5, .5: slope 0.025, intercept 1/12; at day 90: 2.3333
    due = datetime(2026, 4, 1, tzinfo=UTC)
    assert projection(pts, due) == pytest.approx(1 / 12 + 0.025 * 90)
    assert projection(pts[:1], due) is None
    same_day = [pts[0], pts[0]]
    assert projection(same_day, due) is None


def test_goal_gaps_are_unmet_expectations_up_to_the_goal_level() -> None:
    (a,) = assess_portfolio(MINI, [mini_scan("alpha", findings(t1=P, t2=F, m1=F), signals())])
    goal = Goal("g", parse_filter("all"), ("testing", "monitoring"), 2, datetime.now(UTC))
    assert [(e.id, e.level) for e in goal_gaps(goal, a)] == [
        ("testing/t2", 2),
        ("monitoring/m1", 1),
        ("monitoring/m2", 2),
    ]
    assert GoalService.of(a).areas == {"testing": 1, "monitoring": 0, "docs": 0}


# ----- through the CLI and the store ------------------------------------------------------


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    """team-a: api (no Makefile until the second scan), web (Makefile); team-b: worker."""
    repos = tmp_path / "repos"
    date = "2026-01-05T10:00:00+00:00"
    Repo(repos / "api").commit(
        {"catalog-info.yaml": descriptor("api", system="shop"), "README.md": "# api\n"},
        date=date,
    )
    Repo(repos / "web").commit(
        {"catalog-info.yaml": descriptor("web", system="shop"), "Makefile": "all:\n"}, date=date
    )
    Repo(repos / "worker").commit(
        {"catalog-info.yaml": descriptor("worker", owner="team-b")}, date=date
    )
    write_model(tmp_path)
    return tmp_path


def _add(db: str, name: str, *extra: str) -> tuple[int, str, str]:
    return rung("goal", "add", name, "--actor", "pat", "--db", db, *extra)


def test_goals_over_snapshots(portfolio: Path, db_url: str) -> None:
    code, _, err = _add(db_url, "x", "--services", "all", "--area", "build", "--level", "1",
                        "--by", "2026-06-01")  # fmt: skip
    assert code == 2 and "no snapshots yet" in err
    scan(portfolio, db_url, "2026-01-10")
    Repo(portfolio / "repos" / "api").commit(
        {"Makefile": "all:\n"}, date="2026-02-01T10:00:00+00:00"
    )
    scan(portfolio, db_url, "2026-02-10")
    code, out, err = _add(db_url, "make-everywhere", "--services", "team=team-a",
                          "--area", "build", "--level", "1", "--by", "2026-06-01")  # fmt: skip
    assert code == 0, err
    assert out == ("goal 'make-everywhere' recorded (due 2026-06-01T00:00:00Z): 2/2 meet it now\n")
    code, _, err = _add(db_url, "ship-it", "--services", "system=shop",
                        "--area", "containers,documentation", "--level", "2",
                        "--by", "2026-06-01", "--description", "containers everywhere")  # fmt: skip
    assert code == 0, err
    goals = {
        g["name"]: g for g in cli_json("goal", "list", "--format", "json", "--db", db_url)["goals"]
    }
    make = goals["make-everywhere"]
    assert [(p["snapshot"], p["meeting"], p["total"]) for p in make["progress"]] == [
        (1, 1, 2),
        (2, 2, 2),
    ]
    assert make["status"] == "met" and make["progress"][0]["missing"] == ["api"]
    ship = goals["ship-it"]
    assert ship["areas"] == ["containers", "documentation"]
    assert [(p["meeting"], p["total"]) for p in ship["progress"]] == [(0, 2), (0, 2)]
    assert ship["status"] == "behind" and ship["projected"] == 0
    shown = cli_json("goal", "show", "ship-it", "--format", "json", "--db", db_url)
    assert shown["missing"] == {
        "api": [
            {"expectation": "containers/dockerfile", "level": 1, "state": "unmet"},
            {"expectation": "containers/review", "level": 2, "state": "awaiting_attestation"},
        ],
        "web": [  # in the goal's area order
            {"expectation": "containers/dockerfile", "level": 1, "state": "unmet"},
            {"expectation": "containers/review", "level": 2, "state": "awaiting_attestation"},
            {"expectation": "documentation/readme", "level": 1, "state": "unmet"},
        ],
    }
    code, out, _ = rung("goal", "list", "--format", "markdown", "--db", db_url)
    assert (
        "| make-everywhere | team=team-a | build | 1 | 2026-06-01 | 2/2 | #1:1/2 #2:2/2 | met |"
        in out
    )
    trail = cli_json("audit", "--entity", "goal", "--format", "json", "--db", db_url)["audit"]
    assert [(e["action"], e["actor"], e["changes"]["name"][1]) for e in trail] == [
        ("goal.add", "pat", "make-everywhere"),
        ("goal.add", "pat", "ship-it"),
    ]


def test_goal_validation(portfolio: Path, db_url: str) -> None:
    scan(portfolio, db_url, "2026-01-10")
    base = ("--services", "all", "--area", "build", "--level", "1", "--by", "2026-06-01")
    assert _add(db_url, "ok", *base)[0] == 0
    cases = [
        (("ok", *base), "a goal named 'ok' exists already"),
        (("a", "--services", "all", "--area", "nope", "--level", "1", "--by", "90d"),
         "unknown area nope"),
        (("b", "--services", "all", "--area", "build", "--level", "5", "--by", "90d"),
         "--level 5: the model's levels are 1..4"),
        (("c", "--services", "tier=1", "--area", "build", "--level", "1", "--by", "90d"),
         "unknown key 'tier'"),
        (("d", "--services", "all", "--area", "build", "--level", "1", "--by", "someday"),
         "--by 'someday'"),
    ]  # fmt: skip
    for args, message in cases:
        code, _, err = _add(db_url, *args)
        assert code == 2, args
        assert message in err, err
    code, _, err = rung("goal", "show", "nope", "--db", db_url)
    assert code == 2 and "no goal named 'nope' (goals: ok)" in err
    assert len(cli_json("audit", "--format", "json", "--db", db_url)["audit"]) == 1
