"""A scan killed while writing, and two scans writing at once (both backends).

The scans run as real `python -m rung scan` subprocesses. RUNG_TEST_PAUSE_IN_WRITE=N
makes the scan sleep N seconds inside its open write transaction, after half of the
services are written, and say so on stderr: the test kills it there with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from gitrepo import Repo
from rung.errors import StorageError
from rung.store.api import Store
from storekit import build_portfolio, rung, scan_json, spawn_scan, wait_for_pause, write_model


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    build_portfolio(tmp_path)
    write_model(tmp_path)
    return tmp_path


def test_sigkill_in_the_middle_of_writing_leaves_the_previous_snapshot(
    portfolio: Path, db_url: str
) -> None:
    first = scan_json(portfolio, db_url)
    Repo(portfolio / "repos" / "orders").commit({"Makefile": "all:\n"})
    proc = spawn_scan(portfolio, db_url, pause=60)
    try:
        wait_for_pause(proc)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Store.open(db_url) as store:
        assert [s.id for s in store.snapshots()] == [1]
    code, out, err = rung("report", "--format", "json", "--db", db_url)
    assert code == 0, err
    assert json.loads(out) == first
    after = scan_json(portfolio, db_url)  # the database is usable: the next scan stores
    with Store.open(db_url) as store:
        assert [s.id for s in store.snapshots()] == [1, after["snapshot"]["id"]]
        assert {s.service.name: s.reused for s in store.load().scans} == {
            "carts": True,
            "orders": False,
            "users": True,
        }


def test_a_second_writer_waits_for_the_first(portfolio: Path, db_url: str) -> None:
    slow = spawn_scan(portfolio, db_url, pause=1.5)
    wait_for_pause(slow)  # holds the writer lock now
    started = time.monotonic()
    second = scan_json(portfolio, db_url)  # waits (bounded) for the lock, then writes
    assert time.monotonic() - started >= 0.5
    assert slow.wait(timeout=60) == 0
    assert slow.stdout is not None
    first = json.loads(slow.stdout.read())
    assert {first["snapshot"]["id"], second["snapshot"]["id"]} == {1, 2}
    with Store.open(db_url) as store:
        infos = store.snapshots()
        assert [s.id for s in infos] == [1, 2]
        assert all(len(store.load(s.id).scans) == 3 for s in infos)


def test_a_writer_that_waits_too_long_fails_clearly(portfolio: Path, db_url: str) -> None:
    slow = spawn_scan(portfolio, db_url, pause=30)
    try:
        wait_for_pause(slow)
        with Store.open(db_url, lock_timeout=0.5) as store:
            from rung.model.loader import load_model
            from rung.scanner import run_scan

            model = load_model(str(portfolio / "model.yaml"))
            result = run_scan([str(portfolio / "repos")], model, live=False, jobs=1)
            with pytest.raises(StorageError, match="another rung process is writing"):
                store.save(result)
            assert store.snapshots() == []  # nothing half-written, nothing committed
    finally:
        slow.kill()
        slow.wait(timeout=30)
