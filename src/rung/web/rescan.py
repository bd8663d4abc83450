"""Rescans from the server: periodic (APScheduler 3.x) and "rescan now".

One scan at a time: a rescan asked for while one runs is refused (the periodic job is
also `max_instances=1`, `coalesce=True`). A scan runs `rung scan` in a child process, so
a crash, a leak or a long scan never takes the server down; its failure (exit status
and the end of its stderr) is logged and kept for the snapshots page.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rung.errors import UsageError

log = logging.getLogger("rung.web.rescan")
KEEP = 50  # rescans remembered
_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
MIN_EVERY = 60.0


def parse_every(text: str) -> float:
    """`6h` -> 21600.0 seconds (units s, m, h, d; a bare number is seconds; >= 60 s)."""
    m = _EVERY.match(text)
    if not m:
        raise UsageError(f"--rescan-every {text!r}: give a duration such as 30m, 6h or 1d")
    seconds = float(m.group(1)) * _UNITS[m.group(2)]
    if seconds < MIN_EVERY:
        raise UsageError(f"--rescan-every {text!r}: at least {MIN_EVERY:.0f} s")
    return seconds


def scan_command(
    paths: Sequence[str],
    db_url: str,
    *,
    model: str | None = None,
    catalog: str | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """The `rung scan` a rescan runs (quiet, report discarded, snapshot stored)."""
    cmd = [sys.executable, "-m", "rung", "scan", *paths, "--db", db_url, "-q"]
    cmd += ["--format", "json", "--out", "/dev/null"]
    if model:
        cmd += ["--model", model]
    if catalog:
        cmd += ["--catalog", catalog]
    return cmd + list(extra)


class ScanFailed(RuntimeError):
    pass


def run_command(cmd: Sequence[str], timeout: float | None = None) -> None:
    """Run one scan process; ScanFailed with its exit status and stderr tail."""
    try:
        proc = subprocess.run(
            list(cmd), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise ScanFailed(f"scan timed out after {exc.timeout:.0f} s") from exc
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-5:])
        raise ScanFailed(f"scan exited with status {proc.returncode}: {tail}"[:2000])


@dataclass(frozen=True)
class RescanRecord:
    trigger: str  # "periodic", "manual"
    actor: str | None
    started_at: datetime
    finished_at: datetime
    ok: bool
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        from rung.report.jsondoc import iso

        return {
            "trigger": self.trigger,
            "actor": self.actor,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "ok": self.ok,
            "error": self.error,
        }


class Rescanner:
    """Runs `scan` (any callable; it raises on failure) one at a time."""

    def __init__(
        self,
        scan: Callable[[], object],
        on_done: Callable[[RescanRecord], None] | None = None,
    ) -> None:
        self.scan = scan
        self.on_done = on_done
        self.every: float | None = None
        self.records: deque[RescanRecord] = deque(maxlen=KEEP)
        self._busy = threading.Lock()
        self._scheduler: Any = None

    @property
    def running(self) -> bool:
        return self._busy.locked()

    def run_once(self, trigger: str = "manual", actor: str | None = None) -> RescanRecord | None:
        """Scan now in this thread; None when a scan is already running."""
        if not self._busy.acquire(blocking=False):
            log.info("rescan (%s) skipped: a scan is running", trigger)
            return None
        return self._run_held(trigger, actor)

    def trigger(self, actor: str | None) -> bool:
        """Start a scan in a background thread; False when one is already running. The
        slot is taken here, before the thread starts, so two quick calls never both win."""
        if not self._busy.acquire(blocking=False):
            return False
        threading.Thread(
            target=self._run_held, args=("manual", actor), name="rung-rescan", daemon=True
        ).start()
        return True

    def _run_held(self, trigger: str, actor: str | None) -> RescanRecord:
        """Run the scan; the caller holds the slot, released here."""
        started = datetime.now(UTC)
        try:
            self.scan()
            record = RescanRecord(trigger, actor, started, datetime.now(UTC), True)
        except Exception as exc:  # a failed rescan is recorded, never raised into the server
            log.error("rescan (%s) failed: %s", trigger, exc)
            record = RescanRecord(trigger, actor, started, datetime.now(UTC), False, str(exc))
        finally:
            self._busy.release()
        if self.on_done is not None:
            try:
                self.on_done(record)
            except Exception as exc:  # never let bookkeeping kill the scheduler thread
                log.error("after rescan: %s", exc)
        self.records.append(record)  # last: a visible record has been audited
        return record

    def start_periodic(self, every: float) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        self.every = every
        sched = BackgroundScheduler(timezone="UTC")
        sched.add_job(
            self.run_once,
            IntervalTrigger(seconds=every),
            kwargs={"trigger": "periodic"},
            id="rescan",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(every)),
        )
        sched.start()
        self._scheduler = sched

    def next_run(self) -> datetime | None:
        if self._scheduler is None:
            return None
        job = self._scheduler.get_job("rescan")
        return job.next_run_time if job is not None else None

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    def status(self) -> dict[str, Any]:
        from rung.report.jsondoc import iso

        records = list(self.records)
        return {
            "running": self.running,
            "every_seconds": self.every,
            "next_run": iso(self.next_run()),
            "recent": [r.to_json() for r in reversed(records)],
            "failures": sum(1 for r in records if not r.ok),
        }
