"""Required levels through `rung scan` on real repositories (issue 4, done-when 1): the §3
policy by hand for every service, inherited critical path, pins; rung.yaml changing them
as documented (with stability holding small moves back); stability over a sequence of
snapshots; `rung risk show` and `rung risk calibrate`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gitrepo import Repo
from riskkit import by_name, cli_json, commits, day, descriptor, scan, write_model
from storekit import rung

AS_OF = "2026-03-01"

RUNG_YAML = """\
risk:
  factors:
    age: null
    lifecycle: {signal: catalog.lifecycle, points: {production: 2, experimental: 0}}
  levels: {0: 1, 2: 2, 4: 3, 7: 4}
"""


def build(root: Path) -> None:
    """Five services with known signals at AS_OF (default policy, by hand):

    service   commits_90d authors age   critical            points  level
    checkout  11 -> 1     3 -> 1  399 -> 1  declared -> 3     6       3
    payments  1 -> 0      1 -> 0  30 -> 0   from checkout -> 3  3     2
    ledger    1 -> 0      1 -> 0  5 -> 0    opted out -> 0     0       1
    legacy    0 -> 0      0 -> 0  1200 -> 2 no                 2       1, pinned 4
    busy      41 -> 2     9 -> 2  20 -> 0   no                 4       2
    """
    repos = root / "repos"
    checkout = Repo(repos / "checkout")
    checkout.commit(
        {
            "catalog-info.yaml": descriptor(
                "checkout",
                annotations={"rung.dev/critical-path": "true"},
                depends_on=("payments",),
            ),
            "README.md": "# checkout\n",
        },
        date=day(AS_OF, 400),
    )
    commits(checkout, 11, as_of=AS_OF, days_before=10, authors=3)
    payments = Repo(repos / "payments")
    payments.commit(
        {"catalog-info.yaml": descriptor("payments", depends_on=("ledger",))},
        date=day(AS_OF, 30),
    )
    ledger = Repo(repos / "ledger")
    ledger.commit(
        {
            "catalog-info.yaml": descriptor(
                "ledger", owner="team-b", annotations={"rung.dev/critical-path": "false"}
            ),
            "Makefile": "all:\n",
        },
        date=day(AS_OF, 5),
    )
    legacy = Repo(repos / "legacy")
    legacy.commit(
        {
            "catalog-info.yaml": descriptor(
                "legacy",
                owner="team-b",
                lifecycle="experimental",
                annotations={
                    "rung.dev/required-level": "4",
                    "rung.dev/required-level-reason": "PCI scope",
                },
            )
        },
        date=day(AS_OF, 1200),
    )
    busy = Repo(repos / "busy")
    busy.commit({"catalog-info.yaml": descriptor("busy", owner="team-c")}, date=day(AS_OF, 20))
    commits(busy, 40, as_of=AS_OF, days_before=20, authors=8)
    write_model(root)


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    build(tmp_path)
    return tmp_path


def _levels(doc: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    """name -> (points, raw, stable, required)"""
    return {
        name: (
            s["level"]["points"],
            s["level"]["raw"],
            s["level"]["stable"],
            s["level"]["required"],
        )
        for name, s in by_name(doc).items()
    }


def test_required_levels_equal_the_policy_by_hand(portfolio: Path, db_url: str) -> None:
    doc = scan(portfolio, db_url, AS_OF)
    assert _levels(doc) == {
        "busy": (4, 2, 2, 2),
        "checkout": (6, 3, 3, 3),
        "ledger": (0, 1, 1, 1),
        "legacy": (2, 1, 1, 4),
        "payments": (3, 2, 2, 2),
    }
    svc = by_name(doc)
    expl = {f["factor"]: (f["value"], f["points"]) for f in svc["checkout"]["level"]["explanation"]}
    assert expl == {
        "change_frequency": (11, 1),
        "collaborators": (3, 1),
        "age": (399, 1),  # whole days from 10:00 UTC, 400 days before, to 00:00
        "critical_path": (True, 3),
    }
    busy = {f["factor"]: (f["value"], f["points"]) for f in svc["busy"]["level"]["explanation"]}
    assert busy["change_frequency"] == (41, 2) and busy["collaborators"] == (9, 2)
    # the critical path: declared, inherited (with its chain), opted out
    assert svc["checkout"]["level"]["critical_path"] == {
        "critical": True,
        "chain": ["checkout"],
        "inherited_from": None,
        "text": "declared",
    }
    assert svc["payments"]["level"]["critical_path"] == {
        "critical": True,
        "chain": ["checkout", "payments"],
        "inherited_from": "checkout",
        "text": "inherited from checkout",
    }
    assert svc["payments"]["critical_path"] is False  # the declared flag, as in §8
    assert svc["ledger"]["level"]["critical_path"]["critical"] is False
    assert svc["legacy"]["level"]["pinned"] == {"level": 4, "reason": "PCI scope"}
    assert all(s["level"]["change"] is None for s in doc["services"])  # first snapshot
    # the stored report is the same document
    assert cli_json("report", "--format", "json", "--db", db_url)["services"] == doc["services"]


def test_rung_yaml_changes_required_levels_as_documented(
    portfolio: Path, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rung.yaml"
    config.write_text(RUNG_YAML, encoding="utf-8")
    # on a fresh database (no history) the levels are the new policy's at once:
    # age removed, lifecycle production +2, bands 0:1 2:2 4:3 7:4
    fresh = scan(portfolio, f"sqlite:///{tmp_path / 'fresh.db'}", AS_OF, "--config", str(config))
    assert _levels(fresh) == {
        "busy": (6, 3, 3, 3),
        "checkout": (7, 4, 4, 4),
        "ledger": (2, 2, 2, 2),
        "legacy": (0, 1, 1, 4),
        "payments": (5, 3, 3, 3),
    }
    # after a snapshot under the default policy, stability holds back the moves that do
    # not pass the band edge by the margin (1 point) ...
    scan(portfolio, db_url, AS_OF)
    second = scan(portfolio, db_url, AS_OF, "--config", str(config))
    assert _levels(second) == {
        "busy": (6, 3, 3, 3),  # 6 >= 4 + 1: at once
        "checkout": (7, 4, 3, 3),  # 7 < 7 + 1: held at 3
        "ledger": (2, 2, 1, 1),  # 2 < 2 + 1: held at 1
        "legacy": (0, 1, 1, 4),
        "payments": (5, 3, 3, 3),
    }
    ledger = by_name(second)["ledger"]["level"]
    assert ledger["stability"] == {"stable": 1, "pending": 2, "count": 1}
    assert ledger["change"]["text"] == (
        "required 1 (unchanged): factor lifecycle added: lifecycle production (+2), "
        "factor age removed (+0), raw 2, held at 1 (1 of 2 snapshots)"
    )
    payments = by_name(second)["payments"]["level"]["change"]
    assert payments["from"] == 2 and payments["to"] == 3 and payments["changed"] is True
    # ... until they last 2 snapshots
    third = scan(portfolio, db_url, AS_OF, "--config", str(config))
    assert _levels(third)["checkout"] == (7, 4, 4, 4)
    assert by_name(third)["ledger"]["level"]["change"]["text"] == (
        "required 1 -> 2: held change to 2 now in force"
    )
    # rung.yaml in the current folder is read without --config
    monkeypatch.chdir(tmp_path)
    here = scan(portfolio, f"sqlite:///{tmp_path / 'here.db'}", AS_OF)
    assert _levels(here) == _levels(fresh)


def test_risk_show_names_where_each_part_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "rung.yaml").write_text(
        RUNG_YAML + "stability: {margin: 2, snapshots: 3}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    doc = cli_json("risk", "show", "--format", "json")
    assert doc["workspace"] == "rung.yaml" and doc["model"] == "microservices"
    sources = {f["name"]: f["source"] for f in doc["factors"]}
    assert sources == {
        "change_frequency": "model",
        "collaborators": "model",
        "critical_path": "model",
        "lifecycle": "rung.yaml:4 (added)",
    }
    assert doc["removed"] == [{"name": "age", "source": "rung.yaml:3"}]
    assert doc["levels"] == [[0, 1], [2, 2], [4, 3], [7, 4]]
    assert doc["levels_source"] == "rung.yaml:5"
    assert doc["stability"] == {"margin": 2, "snapshots": 3, "source": "rung.yaml:6"}
    lifecycle = next(f for f in doc["factors"] if f["name"] == "lifecycle")
    assert lifecycle["points"] == [["production", 2], ["experimental", 0]]
    code, out, _ = rung("risk", "show", "--format", "markdown")
    assert code == 0 and "rung.yaml:4 (added)" in out


def test_invalid_rung_yaml_is_refused_with_its_path(portfolio: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("risk:\n  levels: {0: 1, 5: 3, 3: 2}\n", encoding="utf-8")
    code, _, err = rung(
        "scan", str(portfolio / "repos"), "--model", str(portfolio / "model.yaml"),
        "--no-store", "-q", "--config", str(bad),
    )  # fmt: skip
    assert code == 2
    assert "bad.yaml:2: risk.levels.3: bands not ascending" in err
    code, _, err = rung("risk", "show", "--config", str(bad))
    assert code == 2 and "bands not ascending" in err


def test_calibrate_spreads_the_latest_snapshot(portfolio: Path, db_url: str) -> None:
    scan(portfolio, db_url, AS_OF)
    doc = cli_json("risk", "calibrate", "--format", "json", "--db", db_url)
    # points: busy 4, checkout 6, ledger 0, legacy 2, payments 3; bands 0:1 3:2 5:3 8:4
    assert doc["counts"] == {"1": 2, "2": 2, "3": 1, "4": 0}
    assert doc["levels"] == {"busy": 2, "checkout": 3, "ledger": 1, "legacy": 1, "payments": 2}
    moves = {(m["edge"], m["delta"]): m["moved"] for m in doc["moves"]}
    assert moves[(3, -1)] == [{"service": "legacy", "from": 1, "to": 2}]
    assert moves[(5, -1)] == [{"service": "busy", "from": 2, "to": 3}]
    assert moves[(8, -1)] == []


# ----- stability over a sequence of snapshots -----------------------------------------------

STABLE_YAML = """\
risk:
  factors:
    change_frequency: {points: {0: 0, 10: 1, 20: 2, 30: 3}}
    collaborators: null
    age: null
    critical_path: null
  levels: {0: 1, 2: 2}
stability: {margin: 1, snapshots: 2}
"""


def test_stability_across_snapshots_of_changing_activity(tmp_path: Path, db_url: str) -> None:
    """commits_90d per scan: 5, 25, 25, 0 -> points 0, 2, 2, 0 -> raw 1, 2, 2, 1;
    the band edge is 2 points: 2 is not past it by the margin (1), so the rise waits for
    a second snapshot; 0 is past the edge going down by the margin, so it falls at once."""
    repo = Repo(tmp_path / "repos" / "svc")
    write_model(tmp_path)
    config = tmp_path / "rung.yaml"
    config.write_text(STABLE_YAML, encoding="utf-8")
    commits(repo, 5, as_of="2026-01-10", days_before=5, prefix="a")
    first = scan(tmp_path, db_url, "2026-01-10", "--config", str(config))
    commits(repo, 20, as_of="2026-02-01", days_before=3, prefix="b")
    second = scan(tmp_path, db_url, "2026-02-01", "--config", str(config))
    third = scan(tmp_path, db_url, "2026-02-05", "--config", str(config))
    fourth = scan(tmp_path, db_url, "2026-06-01", "--config", str(config))
    levels = [by_name(d)["svc"]["level"] for d in (first, second, third, fourth)]
    assert [(lv["points"], lv["raw"], lv["stable"], lv["required"]) for lv in levels] == [
        (0, 1, 1, 1),
        (2, 2, 1, 1),
        (2, 2, 2, 2),
        (0, 1, 1, 1),
    ]
    assert [lv["change"] and lv["change"]["text"] for lv in levels] == [
        None,
        "required 1 (unchanged): commits_90d 5 -> 25 (+2), raw 2, held at 1 (1 of 2 snapshots)",
        "required 1 -> 2: held change to 2 now in force",
        "required 2 -> 1: commits_90d 25 -> 0 (-2)",
    ]
    # history shows the same explanations; a stored snapshot re-renders unchanged
    hist = cli_json("history", "svc", "--format", "json", "--db", db_url)
    assert [p["required_change"] for p in hist["snapshots"]] == [
        None,
        levels[1]["change"]["text"],
        levels[2]["change"]["text"],
        levels[3]["change"]["text"],
    ]
    again = cli_json("report", "--snapshot", "2", "--format", "json", "--db", db_url)
    assert by_name(again)["svc"]["level"] == levels[1]
