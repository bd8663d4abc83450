"""`rung gaps`, `rung roadmap` (--by area, --what-if) and `rung teams` from stored snapshots
(issue 4): §4 weights by hand, identical across runs, moving the expected way after a
waiver and an attestation; formats; errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from gitrepo import Repo
from riskkit import cli_json, descriptor, scan, write_model
from storekit import rung

AS_OF = "2026-03-01"


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    """Required levels (one commit each: only the critical path scores, 3 points):

    api     team-a  critical  -> 2   README Makefile Dockerfile; review awaits attestation
    worker  team-b            -> 1   README Dockerfile
    web     team-b  critical  -> 2   README; profile fintech (containers weigh double)

    gaps (weight = max(points, 1) x focus x (required - level + 1)):
    api     containers/review L2      3 x 1 x 1 = 3
    worker  build/make L1             1 x 1 x 1 = 1
    web     build/make L1             3 x 1 x 2 = 6
    web     containers/dockerfile L1  3 x 2 x 2 = 12
    web     containers/review L2      3 x 2 x 1 = 6
    """
    repos = tmp_path / "repos"
    date = "2026-02-01T10:00:00+00:00"
    critical = {"rung.dev/critical-path": "true"}
    Repo(repos / "api").commit(
        {
            "catalog-info.yaml": descriptor("api", annotations=critical),
            "README.md": "# api\n",
            "Makefile": "all:\n",
            "Dockerfile": "FROM scratch\n",
        },
        date=date,
    )
    Repo(repos / "worker").commit(
        {
            "catalog-info.yaml": descriptor("worker", owner="team-b"),
            "README.md": "# worker\n",
            "Dockerfile": "FROM scratch\n",
        },
        date=date,
    )
    Repo(repos / "web").commit(
        {
            "catalog-info.yaml": descriptor(
                "web", owner="team-b", annotations={**critical, "rung.dev/profile": "fintech"}
            ),
            "README.md": "# web\n",
        },
        date=date,
    )
    write_model(tmp_path)
    return tmp_path


def _roadmap(db: str, *extra: str) -> Any:
    return cli_json("roadmap", "--format", "json", "--db", db, *extra)


def _scores(doc: Any) -> list[tuple[str, int, list[str]]]:
    return [(i["expectation"], i["score"], i["services"]) for i in doc["items"]]


def test_gaps_by_hand(portfolio: Path, db_url: str) -> None:
    scan(portfolio, db_url, AS_OF)
    doc = cli_json("gaps", "--format", "json", "--db", db_url)
    assert [(g["service"], g["expectation"], g["required"], g["weight"]) for g in doc["gaps"]] == [
        ("api", "containers/review", 2, 3),
        ("web", "build/make", 2, 6),
        ("web", "containers/dockerfile", 2, 12),
        ("web", "containers/review", 2, 6),
        ("worker", "build/make", 1, 1),
    ]
    review = doc["gaps"][0]
    assert review["state"] == "awaiting_attestation" and review["team"] == "team-a"
    assert review["support"] == "A runbook review checklist."
    assert doc["snapshot"] == {"id": 1, "as_of": "2026-03-01T00:00:00Z"}
    one = cli_json("gaps", "worker", "--format", "json", "--db", db_url)
    assert [g["expectation"] for g in one["gaps"]] == ["build/make"]
    code, out, _ = rung("gaps", "web", "--format", "csv", "--db", db_url)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["service", "team", "expectation", "level", "required", "state", "weight"]
    assert rows[1] == ["web", "team-b", "build/make", "1", "2", "unmet", "6"]
    code, _, err = rung("gaps", "nope", "--db", db_url)
    assert code == 2 and "no service named 'nope'" in err


def test_roadmap_ranks_by_summed_weight_with_reach_and_teams(portfolio: Path, db_url: str) -> None:
    scan(portfolio, db_url, AS_OF)
    doc = _roadmap(db_url)
    assert _scores(doc) == [
        ("containers/dockerfile", 12, ["web"]),
        ("containers/review", 9, ["api", "web"]),
        ("build/make", 7, ["web", "worker"]),
    ]
    review = doc["items"][1]
    assert review["teams"] == ["team-a", "team-b"]
    assert review["support"] == "A runbook review checklist."
    assert review["would_reach"] == {"api": 4, "web": 0}
    assert doc["items"][2]["would_reach"] == {"web": 0, "worker": 1}
    assert _scores(_roadmap(db_url, "--top", "1")) == [("containers/dockerfile", 12, ["web"])]
    areas = cli_json("roadmap", "--by", "area", "--format", "json", "--db", db_url)
    assert [(i["area"], i["score"], i["expectations"]) for i in areas["items"]] == [
        ("containers", 21, ["containers/dockerfile", "containers/review"]),
        ("build", 7, ["build/make"]),
    ]
    code, out, _ = rung("roadmap", "--format", "markdown", "--db", db_url)
    assert code == 0
    assert "| 1 | containers/dockerfile | 1 | 12 | 1 | team-b | web→0 |" in out


def test_what_if(portfolio: Path, db_url: str) -> None:
    scan(portfolio, db_url, AS_OF)
    doc = _roadmap(db_url, "--what-if", "build/make")
    assert doc["before"] == {"0": 2, "1": 1, "2": 0, "3": 0, "4": 0}
    assert doc["after"] == {"0": 1, "1": 2, "2": 0, "3": 0, "4": 0}
    assert (doc["weight_before"], doc["weight_removed"], doc["weight_after"]) == (28, 7, 21)
    assert doc["moved"] == [{"service": "worker", "before": 0, "after": 1}]
    both = _roadmap(db_url, "--what-if", "build/make,containers/dockerfile")
    assert both["expectations"] == ["build/make", "containers/dockerfile"]
    assert both["weight_removed"] == 19
    code, _, err = rung("roadmap", "--what-if", "nope/x", "--db", db_url)
    assert code == 2 and "unknown expectation nope/x" in err


def test_teams(portfolio: Path, db_url: str) -> None:
    scan(portfolio, db_url, AS_OF)
    doc = cli_json("teams", "--format", "json", "--db", db_url)
    got = {t["team"]: t for t in doc["teams"]}
    assert sorted(got) == ["team-a", "team-b"]
    assert [(s["name"], s["gaps"], s["weight"]) for s in got["team-b"]["services"]] == [
        ("web", 3, 24),
        ("worker", 1, 1),
    ]
    assert [(n["expectation"], n["score"]) for n in got["team-b"]["next"]] == [
        ("containers/dockerfile", 12),
        ("build/make", 7),
        ("containers/review", 6),
    ]
    one = cli_json("teams", "team-a", "--top", "1", "--format", "json", "--db", db_url)
    assert [n["expectation"] for n in one["teams"][0]["next"]] == ["containers/review"]
    code, _, err = rung("teams", "team-z", "--db", db_url)
    assert code == 2 and "no team 'team-z'" in err


def test_identical_across_runs_and_moving_after_a_waiver_and_an_attestation(
    portfolio: Path, db_url: str
) -> None:
    scan(portfolio, db_url, AS_OF)
    first = (_roadmap(db_url), cli_json("teams", "--format", "json", "--db", db_url))
    again = (_roadmap(db_url), cli_json("teams", "--format", "json", "--db", db_url))
    assert first == again
    scan(portfolio, db_url, AS_OF)  # a second snapshot of the same portfolio
    rescanned = (_roadmap(db_url), cli_json("teams", "--format", "json", "--db", db_url))
    assert [{**d, "snapshot": None} for d in rescanned] == [{**d, "snapshot": None} for d in first]
    # a waiver removes web's Dockerfile gap from the roadmap and from team-b's goals
    code, _, err = rung(
        "waive", "web", "containers/dockerfile", "--reason", "serverless", "--approver", "cto",
        "--expires", "2099-01-01", "--db", db_url,
    )  # fmt: skip
    assert code == 0, err
    scan(portfolio, db_url, AS_OF)
    assert _scores(_roadmap(db_url)) == [
        ("containers/review", 9, ["api", "web"]),
        ("build/make", 7, ["web", "worker"]),
    ]
    # an attestation removes api's review gap: the score drops, team-a has nothing left
    code, _, err = rung(
        "attest", "api", "containers/review", "--by", "ann", "--evidence", "https://x/y",
        "--expires", "2099-01-01", "--db", db_url,
    )  # fmt: skip
    assert code == 0, err
    scan(portfolio, db_url, AS_OF)
    assert _scores(_roadmap(db_url)) == [
        ("build/make", 7, ["web", "worker"]),
        ("containers/review", 6, ["web"]),
    ]
    teams = {t["team"]: t for t in cli_json("teams", "--format", "json", "--db", db_url)["teams"]}
    assert teams["team-a"]["next"] == [] and teams["team-a"]["gaps"] == 0
    assert [n["expectation"] for n in teams["team-b"]["next"]] == [
        "build/make",
        "containers/review",
    ]
    # the snapshot before the changes is still there to compare with
    old = _roadmap(db_url, "--snapshot", "1")
    assert old == first[0]
