"""The snapshot store: the one object the CLI and the web layer talk to.

store = Store.open(url)            # upgrades a fresh database, refuses a newer one
sid = store.save(result, profile=None, full=False)
result = store.result(sid)         # re-assessed from the stored scans and model
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rung.errors import StorageError
from rung.store.ledger_api import LedgerMethods
from rung.store.url import masked, normalise, sqlite_path

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rung.assess.service import ServiceScan
    from rung.assess.stability import StabilityState
    from rung.incremental import PreviousScans
    from rung.model.workspace import StabilitySettings
    from rung.scanner import ScanResult
    from rung.store.history import PortfolioPoint, ServicePoint
    from rung.store.migrate import Upgrade
    from rung.store.read import SnapshotInfo, StoredSnapshot
    from rung.store.write import PauseHook


@dataclass
class Store(LedgerMethods):
    engine: Engine
    lock_timeout: float
    # the scans the last previous_scans() returned (an incremental scan's starting point)
    previous: PreviousScans | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def open(
        cls,
        url: str,
        *,
        lock_timeout: float | None = None,
        must_exist: bool = False,
        migrate: bool = True,
    ) -> Store:
        """Open the database at `url`. `must_exist`: an SQLite file that is not there is
        an error (reading commands never create a database); `migrate`: check the schema
        revision, upgrading a fresh database."""
        from rung.store.engine import DEFAULT_LOCK_TIMEOUT, make_engine
        from rung.store.migrate import ensure_current

        url = normalise(url)
        path = sqlite_path(url)
        if must_exist and path is not None and not path.exists():
            raise StorageError(f"no database at {path}: run `rung scan` first (or pass --db)")
        timeout = DEFAULT_LOCK_TIMEOUT if lock_timeout is None else lock_timeout
        store = cls(make_engine(url, lock_timeout=timeout), timeout)
        if migrate:
            ensure_current(store.engine, lock_timeout=timeout)
        return store

    @property
    def url(self) -> str:
        return masked(self.engine.url.render_as_string(hide_password=True))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- writing ---------------------------------------------------------------------

    def save(
        self,
        result: ScanResult,
        *,
        profile: str | None = None,
        full: bool = False,
        pause: PauseHook | None = None,
    ) -> int:
        from rung.store.write import save_snapshot

        return save_snapshot(
            self.engine,
            result,
            profile=profile,
            full=full,
            lock_timeout=self.lock_timeout,
            pause=pause,
            previous=self.previous,
        )

    def prune(self, keep: int) -> list[int]:
        from rung.store.write import prune

        return prune(self.engine, keep=keep, lock_timeout=self.lock_timeout)

    def upgrade(self) -> Upgrade:
        from rung.store.migrate import upgrade

        return upgrade(self.engine, lock_timeout=self.lock_timeout)

    # ----- reading ---------------------------------------------------------------------

    def snapshots(self) -> list[SnapshotInfo]:
        from rung.store.engine import read_connection
        from rung.store.read import list_snapshots

        with read_connection(self.engine) as conn:
            return list_snapshots(conn)

    def load(self, snapshot_id: int | None = None) -> StoredSnapshot:
        """A snapshot exactly as stored (the latest when `snapshot_id` is None)."""
        from rung.store.engine import read_connection
        from rung.store.read import load_snapshot

        with read_connection(self.engine) as conn:
            return load_snapshot(conn, snapshot_id)

    def previous_scans(self, model_hash: str) -> Mapping[str, ServiceScan]:
        """The latest snapshot's scans by service name, for an incremental scan (empty
        when there is none, or when it was made with another model: nothing reusable).
        The next `save` of this store copies the stored rows of the scans it reuses."""
        from rung.incremental import PreviousScans
        from rung.store.engine import read_connection
        from rung.store.read import latest_id, load_reusable, snapshot_info

        with read_connection(self.engine) as conn:
            sid = latest_id(conn)
            info = None if sid is None else snapshot_info(conn, sid)
            if info is None or info.model_hash != model_hash:
                return PreviousScans()
            out = PreviousScans(info.as_of, info.id)
            load_reusable(conn, info.id, out)
        self.previous = out  # the next save copies what is unchanged from its rows
        return out

    def previous_states(self) -> Mapping[str, StabilityState]:
        """The latest snapshot's stability states by service name (empty without one)."""
        from rung.store.engine import read_connection
        from rung.store.read import latest_id, load_states

        with read_connection(self.engine) as conn:
            sid = latest_id(conn)
            return {} if sid is None else load_states(conn, sid)

    def result(self, snapshot_id: int | None = None) -> tuple[int, ScanResult]:
        """A stored snapshot as the scan result that made it: its scans re-assessed with
        its own model and profile."""
        from rung.store.rebuild import rebuild

        stored = self.load(snapshot_id)
        return stored.info.id, rebuild(stored)

    def portfolio_history(self) -> list[PortfolioPoint]:
        from rung.store.engine import read_connection
        from rung.store.history import portfolio_history

        with read_connection(self.engine) as conn:
            return portfolio_history(conn)

    def service_history(
        self, name: str, stability: StabilitySettings | None = None
    ) -> list[ServicePoint]:
        from rung.assess.stability import DEFAULT_STABILITY
        from rung.store.engine import read_connection
        from rung.store.history import service_history

        with read_connection(self.engine) as conn:
            return service_history(conn, name, stability or DEFAULT_STABILITY)

    def revision(self) -> str | None:
        from rung.store.engine import read_connection
        from rung.store.migrate import current_revision

        with read_connection(self.engine) as conn:
            return current_revision(conn)
