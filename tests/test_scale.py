"""Scale (#5): one task per repository, progress per repository, and Ctrl-C during the
collection leaves the database exactly as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rung.assess.service import ServiceScan
from rung.demo.generator import DemoPortfolio, generate_portfolio
from rung.model.loader import load_model
from rung.scanner import Progress, run_scan, scan_repository
from rung.store.api import Store

AS_OF = "2026-11-26"


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> DemoPortfolio:
    dest = tmp_path_factory.mktemp("scale") / "portfolio"
    return generate_portfolio(dest, seed=5, services=24, monorepos=1, max_commits=150)


@pytest.fixture(scope="module")
def slow_portfolio(tmp_path_factory: pytest.TempPathFactory) -> DemoPortfolio:
    """Big enough that its collection lasts well beyond the moment the test sees it begin,
    even on a loaded 2-core CI machine (the Ctrl-C must land during the collection)."""
    dest = tmp_path_factory.mktemp("scale-slow") / "portfolio"
    return generate_portfolio(dest, seed=6, services=80, monorepos=2, max_commits=400)


CALLS: list[tuple[str, tuple[str, ...]]] = []


def recording_task(repo: str, services: Any, *args: Any) -> list[ServiceScan]:
    CALLS.append((os.path.basename(repo), tuple(s.root for s in services)))
    return scan_repository(repo, services, *args)


def test_one_task_per_repository_and_progress_per_repository(portfolio: DemoPortfolio) -> None:
    CALLS.clear()
    seen: list[Progress] = []
    result = run_scan(
        [str(portfolio.root)],
        load_model("microservices"),
        as_of=datetime(2026, 11, 26, tzinfo=UTC),
        live=False,
        jobs=1,
        progress=seen.append,
        task=recording_task,
    )
    repos = {p.name for p in portfolio.repositories}
    assert sorted(name for name, _ in CALLS) == sorted(repos)  # each repository once
    monorepo = next(s.repo for s in portfolio.services if s.root != ".")
    roots = dict(CALLS)[monorepo]
    expected = tuple(sorted(s.root for s in portfolio.services if s.repo == monorepo))
    assert roots == expected and len(roots) >= 3  # all its services in one task
    assert len(result.assessments) == len(portfolio.services)
    assert [p.repos_done for p in seen] == list(range(len(repos) + 1))
    assert {(p.repos_total, p.services_total) for p in seen} == {
        (len(repos), len(portfolio.services))
    }
    assert seen[-1].services_done == len(portfolio.services)
    assert [p.services_done for p in seen] == sorted(p.services_done for p in seen)


def _rung(*args: str, **kw: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "rung", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )


def _run(*args: str) -> str:
    proc = _rung(*args)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    return out.decode()


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry))
    return out


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="ascii", errors="replace") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def _collecting(pid: int) -> bool:
    """Whether a pool worker of the scan `pid` runs git: the collection has begun (the
    parent's own git calls, during discovery, are its children, not grandchildren)."""
    kids = _children()
    return any(
        _comm(grandchild) == "git"
        for worker in kids.get(pid, [])
        for grandchild in kids.get(worker, [])
    )


def _wait_for_collection(proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not _collecting(proc.pid):
        assert proc.poll() is None, "the scan ended before its collection was seen"
        assert time.monotonic() < deadline, "no collection seen"
        time.sleep(0.005)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to see the scan's workers")
@pytest.mark.parametrize("target", ["process group", "scan process"])
def test_ctrl_c_during_collection_leaves_the_database_as_it_was(
    slow_portfolio: DemoPortfolio, tmp_path: Path, target: str
) -> None:
    db = f"sqlite:///{tmp_path / 'rung.db'}"
    base = [str(slow_portfolio.root), "--db", db, "--no-live", "-q", "--as-of", AS_OF]
    _run("scan", *base, "--format", "json", "--out", str(tmp_path / "first.json"))
    before = _run("report", "--format", "json", "--db", db)
    proc = _rung("scan", *base, "--full", "--jobs", "2", start_new_session=True)
    try:
        _wait_for_collection(proc)
        if target == "process group":  # what Ctrl-C in a terminal does
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err.decode()
    assert err.decode().strip() in ("Aborted.", "Interrupted.")  # no traceback
    with Store.open(db) as store:
        assert [s.id for s in store.snapshots()] == [1]
    assert json.loads(_run("report", "--format", "json", "--db", db)) == json.loads(before)
    time.sleep(0.2)
    left = [p for p in _children().get(proc.pid, []) if _comm(p)]
    assert left == []  # no worker outlives the scan
