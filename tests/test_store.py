"""The snapshot store on SQLite and on a real PostgreSQL server (see conftest.db_url)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gitrepo import Repo
from rung.model.loader import load_model
from rung.scanner import Prior, run_scan
from rung.store.api import Store
from storekit import AS_OF, build_portfolio, rung, scan_args, scan_json, without_ids, write_model


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    build_portfolio(tmp_path)
    write_model(tmp_path)
    return tmp_path


def _scan(root: Path, store: Store | None = None, full: bool = False):  # type: ignore[no-untyped-def]
    model = load_model(str(root / "model.yaml"))
    previous = store.previous_scans(model.hash) if store and not full else None
    as_of = datetime.fromisoformat(AS_OF).replace(tzinfo=UTC)
    return run_scan(
        [str(root / "repos")],
        model,
        as_of=as_of,
        live=False,
        jobs=1,
        prior=Prior(previous=previous),
    )


def test_scan_round_trips_exactly(portfolio: Path, db_url: str) -> None:
    result = _scan(portfolio)
    with Store.open(db_url) as store:
        sid = store.save(result)
        stored = store.load(sid)
    assert stored.info.id == sid
    assert stored.model.hash == result.model.hash
    assert stored.model.model == result.model.model
    assert stored.info.as_of == result.as_of
    assert (stored.info.started_at, stored.info.finished_at) == (
        result.started_at,
        result.finished_at,
    )
    scans = {s.service.name: s for s in stored.scans}
    assert sorted(scans) == ["carts", "orders", "users"]
    for a in result.assessments:
        assert scans[a.name] == a.scan  # Service, findings, evidence, signals, git: exact
    carts = scans["carts"]
    assert carts.service.owner == "team-checkout"
    assert carts.service.links[0].url == "https://runbooks.example.com/carts"
    assert carts.git is not None and len(carts.git.commits) == 3
    assert carts.git.commits[0][1] == "alice@example.com"
    assert isinstance(carts.signals["git.monthly_commits"], dict)


def test_report_json_is_the_scan_json(portfolio: Path, db_url: str) -> None:
    scanned = scan_json(portfolio, db_url)
    code, out, err = rung("report", "--format", "json", "--db", db_url)
    assert code == 0, err
    assert json.loads(out) == scanned
    assert scanned["snapshot"]["id"] == 1
    code, out, _ = rung("service", "carts", "--format", "json", "--db", db_url)
    assert json.loads(out)["services"] == [s for s in scanned["services"] if s["name"] == "carts"]


def test_incremental_equals_full_and_reuses_unchanged(portfolio: Path, db_url: str) -> None:
    first = scan_json(portfolio, db_url)
    repos = build_portfolio_repos(portfolio)
    repos["orders"].commit({"Makefile": "all:\n"}, date="2026-02-25T12:00:00+00:00")
    incremental = scan_json(portfolio, db_url)
    full = scan_json(portfolio, db_url, "--full")
    assert without_ids(incremental) == without_ids(full)
    assert incremental["snapshot"]["id"] == 2 and full["snapshot"]["id"] == 3
    assert without_ids(incremental) != without_ids(first)  # orders changed
    with Store.open(db_url) as store:
        reused = {s.service.name: s.reused for s in store.load(2).scans}
        assert reused == {"carts": True, "orders": False, "users": True}
        assert not any(s.reused for s in store.load(3).scans)
        assert [s.reused for s in store.snapshots()] == [0, 2, 0]


def build_portfolio_repos(root: Path) -> dict[str, Repo]:
    return {name: Repo(root / "repos" / name) for name in ("carts", "orders", "users")}


def test_history_shows_snapshots_and_the_changed_check(portfolio: Path, db_url: str) -> None:
    scan_json(portfolio, db_url)
    build_portfolio_repos(portfolio)["carts"].commit(
        {"Dockerfile": "FROM scratch\n"}, date="2026-02-26T12:00:00+00:00"
    )
    scan_json(portfolio, db_url)
    write_model(portfolio, version=4)  # a model change: new hash
    scan_json(portfolio, db_url)
    code, out, err = rung("history", "carts", "--format", "json", "--db", db_url)
    assert code == 0, err
    doc = json.loads(out)
    points = doc["snapshots"]
    assert [p["snapshot"]["id"] for p in points] == [1, 2, 3]
    assert points[0]["causes"] == [] and points[0]["changed_checks"] == []
    assert points[1]["causes"] == ["service"]
    assert {"check": "container.dockerfile", "from": "fail", "to": "pass"} in points[1][
        "changed_checks"
    ]
    assert points[2]["causes"] == ["model"]
    code, out, _ = rung("history", "--format", "json", "--db", db_url)
    portfolio_points = json.loads(out)["snapshots"]
    assert [p["services"] for p in portfolio_points] == [3, 3, 3]
    assert all("gaps" in p and "achieved" in p for p in portfolio_points)
    code, out, _ = rung("history", "carts", "--format", "csv", "--db", db_url)
    assert out.splitlines()[0].startswith("id,as of,head")
    assert "container.dockerfile fail -> pass" in out


def test_report_formats(portfolio: Path, db_url: str) -> None:
    scan_json(portfolio, db_url)
    code, out, _ = rung("report", "--format", "csv", "--db", db_url)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("service,owner,critical_path,required,achieved,potential,gaps")
    assert "area:containers" in lines[0]
    assert [line.split(",")[0] for line in lines[1:]] == ["carts", "orders", "users"]
    code, out, _ = rung("report", "--format", "markdown", "--db", db_url)
    assert "## Teams" in out and "| team-checkout | 1 |" in out
    code, out, _ = rung("report", "--db", db_url)
    assert code == 0 and "carts" in out and "team-checkout" in out
    code, out, _ = rung("snapshots", "--format", "json", "--db", db_url)
    assert [s["id"] for s in json.loads(out)] == [1]


def test_prune_keeps_the_newest(portfolio: Path, db_url: str) -> None:
    for version in (3, 4, 5):
        write_model(portfolio, version=version)
        scan_json(portfolio, db_url)
    code, _, err = rung("db", "prune", "--keep", "2", "--db", db_url)
    assert code == 0 and "deleted 1 snapshot(s): 1" in err
    with Store.open(db_url) as store:
        assert [s.id for s in store.snapshots()] == [2, 3]
        assert [s.model_version for s in store.snapshots()] == [4, 5]
        _, result = store.result(2)  # still renders with its own model
        assert result.model.model.version == 4
    code, _out, _ = rung("report", "--snapshot", "1", "--db", db_url)
    assert code == 2


def test_a_fresh_database_is_migrated_on_first_use(empty_db_url: str) -> None:
    from rung.store.migrate import HEAD

    with Store.open(empty_db_url) as store:
        assert store.revision() == HEAD
        assert store.snapshots() == []
    code, _, err = rung("report", "--db", empty_db_url)
    assert code == 2 and "no snapshots yet" in err


def test_a_newer_database_is_refused(db_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE rung_alembic_version SET version_num = '9999'"))
    engine.dispose()
    code, _, err = rung("report", "--db", db_url)
    assert code == 2
    assert "revision '9999', newer than this rung" in err
    code, _, err = rung("db", "upgrade", "--db", db_url)
    assert code == 2 and "newer" in err


def test_scan_prints_snapshot_stored(portfolio: Path, db_url: str) -> None:
    code, _, err = rung(*scan_args(portfolio, db_url))
    assert code == 0
    assert "snapshot 1 stored (3 services, 0 reused)" in err
    code, _out, err = rung(*scan_args(portfolio, db_url))
    assert "snapshot 2 stored (3 services, 3 reused)" in err


def test_required_levels_and_overrides_are_kept_as_assessed(portfolio: Path, db_url: str) -> None:
    from rung.assess.levels import ExpState, Override
    from rung.assess.portfolio import stability_states
    from rung.assess.stability import StabilityState
    from rung.report.jsondoc import portfolio_json

    model = load_model(str(portfolio / "model.yaml"))
    attested = Override(ExpState.ATTESTED, "ann@example.com", "runbook reviewed", "2027-01-01")
    result = run_scan(
        [str(portfolio / "repos")],
        model,
        as_of=datetime.fromisoformat(AS_OF).replace(tzinfo=UTC),
        live=False,
        jobs=1,
        prior=Prior(
            overrides={"orders": {"containers/review": attested}},
            states={"users": StabilityState(3)},  # held up by stability
        ),
    )
    with Store.open(db_url) as store:
        sid = store.save(result)
        assert store.previous_states() == stability_states(result.assessments)
        stored = {s.scan.service.name: s for s in store.load(sid).services}
        _, rebuilt = store.result(sid)
    for a in result.assessments:
        assert stored[a.name].risk == a.risk
    assert stored["orders"].overrides == {"containers/review": attested}
    doc = portfolio_json(result.model, result.assessments, snapshot={})
    assert portfolio_json(rebuilt.model, rebuilt.assessments, snapshot={}) == doc
    orders = next(s for s in doc["services"] if s["name"] == "orders")
    assert orders["areas"]["containers"]["attested"] == ["containers/review"]
