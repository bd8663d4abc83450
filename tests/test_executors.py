"""Executors (#5): the process pool, in-process runs and a real Dask LocalCluster give the
same report; a task that raises or hangs makes only its repository's services unknown;
`--executor dask://...` without Dask installed fails with a clear message."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rung.assess.levels import ExpState, Override
from rung.assess.service import ServiceScan
from rung.catalog.cache import DiscoveryCache
from rung.catalog.discover import discover
from rung.checks.base import Status
from rung.cli.main import main
from rung.demo.generator import DemoPortfolio, generate_portfolio
from rung.errors import StorageError
from rung.executors import ExecutorError, open_backend, run_tasks
from rung.model.loader import LoadedModel, load_model
from rung.report.jsondoc import portfolio_json
from rung.scanner import Prior, ScanResult, run_scan, scan_repository

AS_OF = datetime(2026, 11, 26, tzinfo=UTC)
FAILING = "boom"
HANGING = "stuck"


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> DemoPortfolio:
    # 20 services: single-service repositories and one monorepo of 3
    dest = tmp_path_factory.mktemp("executors") / "portfolio"
    return generate_portfolio(dest, seed=11, services=20, monorepos=1, max_commits=40)


@pytest.fixture(scope="module")
def model() -> LoadedModel:
    return load_model("microservices")


def report(result: ScanResult) -> str:
    """The §8 JSON without anything that differs from run to run (timestamps, ids)."""
    doc = portfolio_json(
        result.model, result.assessments, snapshot={"as_of": "fixed"}, warnings=result.warnings
    )
    return json.dumps(doc, indent=1, sort_keys=True, default=str)


def scan(portfolio: DemoPortfolio, model: LoadedModel, **kw: Any) -> ScanResult:
    return run_scan([str(portfolio.root)], model, as_of=AS_OF, live=False, **kw)


@pytest.fixture(scope="module")
def pool_report(portfolio: DemoPortfolio, model: LoadedModel) -> str:
    return report(scan(portfolio, model, jobs=2))


@pytest.fixture(scope="module")
def dask_address() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def test_portfolio_has_a_monorepo(portfolio: DemoPortfolio) -> None:
    roots = {s.repo for s in portfolio.services if s.root != "."}
    assert len(roots) == 1 and len(portfolio.repositories) < len(portfolio.services)


def test_in_process_and_pool_give_the_same_report(
    portfolio: DemoPortfolio, model: LoadedModel, pool_report: str
) -> None:
    assert report(scan(portfolio, model, jobs=1)) == pool_report


def test_dask_cluster_and_pool_give_the_same_report(
    portfolio: DemoPortfolio, model: LoadedModel, pool_report: str, dask_address: str
) -> None:
    assert report(scan(portfolio, model, executor=dask_address)) == pool_report
    dask_scheme = "dask://" + dask_address.removeprefix("tcp://")
    assert report(scan(portfolio, model, executor=dask_scheme)) == pool_report


def test_discovery_on_the_workers_gives_the_same_report_and_cache(
    portfolio: DemoPortfolio,
    model: LoadedModel,
    pool_report: str,
    dask_address: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Big portfolios are discovered in chunks on the workers (small ones here): the
    services, and what the discovery cache keeps of each repository, are the same."""
    import rung.scanner as scanner

    monkeypatch.setattr(scanner, "POOLED_DISCOVERY", 1)
    monkeypatch.setattr(scanner, "DISCOVERY_CHUNK", 3)
    here, there = (DiscoveryCache(str(tmp_path / f"{n}.json")) for n in ("here", "there"))
    discover([str(portfolio.root)], cache=here)
    pooled = scan(portfolio, model, jobs=2, discovery_cache=there)
    assert report(pooled) == pool_report
    assert there.hits == 0 and len(pooled.repositories) > 2 * scanner.DISCOVERY_CHUNK
    cached = [json.loads((tmp_path / f"{n}.json").read_text()) for n in ("here", "there")]
    assert cached[0] == cached[1] and len(cached[0]["repos"]) == len(pooled.repositories)
    assert report(scan(portfolio, model, executor=dask_address)) == pool_report


def test_the_prior_is_read_in_a_thread_once_the_workers_exist(
    portfolio: DemoPortfolio,
    model: LoadedModel,
    pool_report: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """A function given as `prior` (the CLI's store reads) runs in a thread while the
    workers discover, started after they are forked; its Prior is the one assessed, the
    same as handing that Prior over; what it raises is the scan's error."""
    import multiprocessing
    import threading

    import rung.scanner as scanner

    first = json.loads(pool_report)["services"][0]
    unmet = next(a["unmet"][0] for a in first["areas"].values() if a["unmet"])
    attested = {first["name"]: {unmet: Override(ExpState.ATTESTED, "ann", "seen")}}
    seen: list[tuple[bool, int]] = []
    older = {p.pid for p in multiprocessing.active_children()}  # other tests' leftovers

    def read() -> Prior:
        forked = {p.pid for p in multiprocessing.active_children()} - older
        seen.append((threading.current_thread() is threading.main_thread(), len(forked)))
        return Prior(overrides=attested)

    monkeypatch.setattr(scanner, "POOLED_DISCOVERY", 1)
    monkeypatch.setattr(scanner, "DISCOVERY_CHUNK", 3)
    cache = DiscoveryCache(str(tmp_path / "cache.json"))
    pooled = report(scan(portfolio, model, jobs=2, prior=read, discovery_cache=cache))
    assert seen == [(False, 2)]  # once, in another thread, with both workers forked
    assert pooled == report(scan(portfolio, model, jobs=2, prior=Prior(overrides=attested)))
    assert pooled != pool_report

    seen.clear()  # without workers for discovery: in the scan's own thread
    assert report(scan(portfolio, model, jobs=1, prior=read)) == pooled
    assert seen == [(True, 0)]

    def broken() -> Prior:
        raise StorageError("no such database")

    with pytest.raises(StorageError, match="no such database"):
        scan(portfolio, model, jobs=2, prior=broken, discovery_cache=DiscoveryCache(None))


def flaky_task(repo: str, *args: Any) -> list[ServiceScan]:
    """The real repository task, except that it raises for one repository and hangs for
    another (a fault injected into the task; git and the repositories are real)."""
    name = os.path.basename(repo)
    if name == FAILING:
        raise RuntimeError("disk on fire")
    if name == HANGING:
        time.sleep(30)
    return scan_repository(repo, *args)


def _pick(portfolio: DemoPortfolio) -> tuple[str, str]:
    singles = sorted(
        s.repo
        for s in portfolio.services
        if [t.repo for t in portfolio.services].count(s.repo) == 1
    )
    monorepo = next(s.repo for s in portfolio.services if s.root != ".")
    return singles[0], monorepo


def _renamed(portfolio: DemoPortfolio, tmp_path: Path) -> tuple[Path, dict[str, set[str]]]:
    """A copy of the portfolio in which one single-service repository is called FAILING
    and the monorepo HANGING."""
    single, monorepo = _pick(portfolio)
    names = {single: FAILING, monorepo: HANGING}
    root = tmp_path / "renamed"
    root.mkdir()
    for repo in portfolio.repositories:
        shutil.copytree(repo, root / names.get(repo.name, repo.name), symlinks=True)
    services = {
        new: {s.name for s in portfolio.services if s.repo == old} for old, new in names.items()
    }
    return root, services


def _statuses(result: ScanResult) -> dict[str, dict[str, tuple[Status, str]]]:
    return {
        a.name: {cid: (f.status, f.message) for cid, f in a.scan.findings.items()}
        for a in result.assessments
    }


def _check_faults(
    result: ScanResult, normal: ScanResult, services: dict[str, set[str]], hang_reason: str
) -> None:
    got, expected = _statuses(result), _statuses(normal)
    assert set(got) == set(expected)
    reasons = {FAILING: "scan failed: RuntimeError: disk on fire", HANGING: hang_reason}
    for repo, names in services.items():
        for name in names:
            assert {f for f in got[name].values()} == {(Status.UNKNOWN, reasons[repo])}
            scan_ = next(a.scan for a in result.assessments if a.name == name)
            assert scan_.notes == (reasons[repo],) and scan_.head is None
    faulty = set().union(*services.values())
    others = set(got) - faulty
    assert len(others) >= 4
    for name in others:
        assert got[name] == expected[name]


@pytest.fixture(scope="module")
def normal(portfolio: DemoPortfolio, model: LoadedModel) -> ScanResult:
    return scan(portfolio, model, jobs=2)


def test_a_task_that_raises_or_hangs_in_the_pool(
    portfolio: DemoPortfolio, model: LoadedModel, normal: ScanResult, tmp_path: Path
) -> None:
    root, services = _renamed(portfolio, tmp_path)
    start = time.monotonic()
    result = run_scan(
        [str(root)], model, as_of=AS_OF, live=False, jobs=2, task_timeout=4, task=flaky_task
    )
    assert time.monotonic() - start < 25  # the stuck worker was stopped, not awaited
    _check_faults(result, normal, services, "timed out after 4 s")


def test_a_task_that_raises_or_hangs_on_dask(
    portfolio: DemoPortfolio, model: LoadedModel, normal: ScanResult, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    root, services = _renamed(portfolio, tmp_path)
    # worker threads in this process: the injected task is importable there
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    )
    try:
        result = run_scan(
            [str(root)],
            model,
            as_of=AS_OF,
            live=False,
            executor=str(cluster.scheduler_address),
            task_timeout=4,
            task=flaky_task,
        )
    finally:
        cluster.close()
    _check_faults(result, normal, services, "timed out after 4 s")


def test_without_dask_the_option_says_what_to_install(
    portfolio: DemoPortfolio, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    with pytest.raises(ExecutorError, match=r"pip install 'rung\[dask\]'"):
        open_backend("dask://scheduler:8786", None)
    argv = ["scan", str(portfolio.root), "--no-store", "-q", "--executor", "dask://h:8786"]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "needs Dask distributed, which is not installed: pip install 'rung[dask]'" in err


def test_an_unknown_executor_is_a_usage_error(
    portfolio: DemoPortfolio, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["scan", str(portfolio.root), "--no-store", "-q", "--executor", "ssh://x"])
    assert exit_.value.code == 2
    assert "unknown executor 'ssh://x'" in capsys.readouterr().err


def test_backends_by_option() -> None:
    assert open_backend(None, 1).name == "inline"
    assert open_backend("local", 1, timeout=5).name == "local"  # a timeout needs a process
    pool = open_backend("local", 2)
    try:  # two tasks per worker in flight: a worker never waits for the parent
        assert (pool.name, pool.slots) == ("local", 4)
    finally:
        pool.close()
    timed = open_backend("local", 2, timeout=5)
    try:  # one per worker: a task starts when submitted, as its deadline does
        assert (timed.name, timed.slots) == ("local", 2)
    finally:
        timed.close()


def _shared_size(value: Any) -> tuple[int, int]:
    """In a worker: the length of the shared value it resolves to, and its process id."""
    from rung.executors import resolve

    return len(resolve(value)), os.getpid()


def test_shared_values_reach_pool_workers_once_not_with_each_task() -> None:
    import pickle

    big = "x" * 200_000
    backend = open_backend(None, 2, shared={"model": big})
    handle = backend.share("model")
    assert len(pickle.dumps(handle)) < 200  # what each task carries
    try:
        results = [backend.submit(_shared_size, handle).result(timeout=60) for _ in range(6)]
    finally:
        backend.close()
    assert {size for size, _ in results} == {200_000}
    inline = open_backend(None, 1, shared={"model": big})
    assert inline.share("model") is big
    with pytest.raises(KeyError):
        backend.share("other")


def test_a_pool_serves_several_runs_and_closes_once() -> None:
    """Discovery and collection share one pool: a run with close=False leaves it working
    (the same two worker processes take the next run), and closing twice is harmless."""
    backend = open_backend(None, 2, shared={"model": "m"})
    try:
        runs = [
            list(run_tasks(backend, os.getpid, ((i, ()) for i in range(6)), close=False))
            for _ in range(2)
        ]
    finally:
        backend.close()
        backend.close()
    assert all(o.error is None for run in runs for o in run)
    assert [sorted(o.key for o in run) for run in runs] == [list(range(6))] * 2
    workers = {o.result for run in runs for o in run}
    assert 1 <= len(workers) <= 2 and os.getpid() not in workers
