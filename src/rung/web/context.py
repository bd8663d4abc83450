"""What every request shares: the store, the assessed latest snapshot, the rescanner.

The latest snapshot is assessed once (`Store.result`) and kept until a newer snapshot
appears; the newest id is looked up at most once per `ttl` seconds. Snapshots are
immutable, so per-snapshot figures (gap weight for trends) are cached for good.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request

from rung.errors import StorageError
from rung.web.portfolio import Portfolio, build_portfolio

if TYPE_CHECKING:
    from rung.assess.goals import SnapshotLevels
    from rung.store.api import Store
    from rung.web.auth import Tokens
    from rung.web.rescan import Rescanner, RescanRecord


T = TypeVar("T")
MEMO = 128  # computed page data kept (per snapshot and query)


class NoSnapshot(StorageError):
    """The database holds no snapshot yet."""


@dataclass
class WebContext:
    store: Store
    tokens: Tokens
    rescanner: Rescanner | None = None
    ttl: float = 1.0
    warm_up: bool = True
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock)
    _portfolio: Portfolio | None = None
    _checked: float = 0.0
    _latest: int | None = None
    _weights: dict[int, int] = field(default_factory=dict)
    _goal_snaps: tuple[int, list[SnapshotLevels]] | None = None
    _memo: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)

    @property
    def read_only(self) -> bool:
        return not self.tokens

    def latest_id(self) -> int | None:
        from rung.store.web_queries import latest_snapshot_id

        now = time.monotonic()
        if now - self._checked >= self.ttl:
            self._latest, self._checked = latest_snapshot_id(self.store), now
        return self._latest

    def refresh(self) -> None:
        """Forget the cached latest id (after a rescan stored a snapshot)."""
        self._checked = 0.0

    def rescanned(self, record: RescanRecord) -> None:
        """After a rescan: look for its snapshot; a person's "rescan now" is audited."""
        from rung.store.web_queries import audit_rescan
        from rung.web.app import warm

        self.refresh()
        if record.ok and self.warm_up:  # assess the new snapshot before a visitor asks
            threading.Thread(target=warm, args=(self,), name="rung-warm", daemon=True).start()
        if record.actor is not None:
            audit_rescan(
                self.store,
                actor=record.actor,
                at=record.finished_at,
                ok=record.ok,
                error=record.error,
            )

    def portfolio(self) -> Portfolio:
        sid = self.latest_id()
        if sid is None:
            raise NoSnapshot("no snapshots yet: run `rung scan` first")
        current = self._portfolio
        if current is not None and current.snapshot.id == sid:
            return current
        with self._lock:
            current = self._portfolio
            if current is None or current.snapshot.id != sid:
                current = self._build(sid)
                self._portfolio = current
        return current

    def _build(self, sid: int) -> Portfolio:
        from rung.assess.drift import Levels
        from rung.store.web_queries import levels_by_snapshot

        infos = self.store.snapshots()
        info = next(i for i in infos if i.id == sid)
        older = [i for i in infos if i.id < sid]
        previous = older[-1] if older else None
        _, result = self.store.result(sid)
        before = {}
        if previous is not None:
            stored = levels_by_snapshot(self.store, [previous.id])[previous.id]
            before = {n: Levels(v.required, v.achieved) for n, v in stored.items()}
        return build_portfolio(info, result, previous, before)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` kept for `key` (which names the snapshot it depends on), the
        MEMO most recently used values in all."""
        with self._memo_lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                found: T = self._memo[key]
                return found
        value = compute()
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > MEMO:
                self._memo.popitem(last=False)
        return value

    def goal_snapshots(self) -> list[SnapshotLevels]:
        """Every snapshot's levels as goals see them, read once per latest snapshot."""
        sid = self.latest_id() or 0
        cached = self._goal_snaps
        if cached is None or cached[0] != sid:
            cached = (sid, self.store.goal_snapshots())
            self._goal_snaps = cached
        return cached[1]

    def snapshot_weight(self, sid: int, compute: Callable[[int], int]) -> int:
        """The total gap weight of snapshot `sid`, computed once."""
        if sid not in self._weights:
            self._weights[sid] = compute(sid)
        return self._weights[sid]


def context_of(request: Request) -> WebContext:
    """The application's context (a FastAPI dependency)."""
    ctx: WebContext = request.app.state.ctx
    return ctx
