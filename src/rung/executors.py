"""Where scan tasks run: in this process, a local process pool, or a Dask cluster.

`open_backend(spec, jobs)` picks one from `--executor` and `--jobs`:

- `local` (the default): a `ProcessPoolExecutor` of `jobs` workers (default: CPUs);
  one worker and no timeout runs tasks in this process (no pool start-up cost);
- `dask://HOST:PORT` or `tcp://HOST:PORT`: an existing Dask distributed scheduler,
  through `distributed.Client(address).get_executor()`, a real
  `concurrent.futures.Executor` (Dask is the optional extra `rung[dask]`).

`run_tasks` submits one task per item with at most `slots` in flight (memory stays flat
in the number of repositories), and yields each item with its result or the reason it
failed: an exception in the task, a timeout, or a dead worker (retried once). It never
raises for a task. On KeyboardInterrupt (Ctrl-C) it cancels what is pending, stops the
workers and re-raises.

The process pool keeps two tasks per worker in flight, so a worker that finishes one
starts the next at once instead of waiting for the parent to take the result and submit
more. With a timeout it keeps one per worker: a task then starts when it is submitted,
which is when its deadline starts; the parent abandons a late task and kills its pool's
workers at the end (a fresh pool takes the next tasks). Dask sends tasks in batches
(one Dask task costs about as much as scanning a small repository) and keeps several
per worker thread in flight (the scheduler round trip would otherwise idle the
workers), so the timeout runs on the worker from each task's real start
(`call_with_timeout`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from rung.errors import UsageError

K = TypeVar("K")
R = TypeVar("R")

DASK_HINT = "pip install 'rung[dask]'"
_SCHEMES = ("dask://", "tcp://", "tls://", "inproc://")  # inproc: a cluster in this process


class ExecutorError(UsageError):
    """The `--executor` option names an executor that cannot be used."""


class Backend(Protocol):
    name: str
    slots: int  # tasks in flight at once
    enforces_timeout: bool  # whether a stuck task can be abandoned

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]: ...

    def share(self, key: str) -> Any:
        """What to pass to tasks for the shared value `key` (see open_backend)."""

    def flush(self) -> None:
        """Send what `submit` may still hold back (a partial batch)."""

    def recycle(self) -> None:
        """A task is stuck: stop using the workers that may hold it."""

    def close(self, cancel: bool = False) -> None:
        """Stop the workers (killing them with `cancel`); again, it does nothing."""


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the parent, which cancels and stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Shared:
    """Stands for a value every task needs (the model) in a task's arguments: a pool's
    workers get the value once, when they start, instead of with every task."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


_SHARED: dict[str, Any] = {}  # in a pool worker: the shared values by key


def resolve(value: Any) -> Any:
    """A task argument as the task uses it (a Shared stand-in becomes its value)."""
    return _SHARED[value.key] if isinstance(value, Shared) else value


def _start_worker(shared: dict[str, Any]) -> None:
    _ignore_sigint()
    _SHARED.update(shared)


class InlineBackend:
    """Runs each task at submit time, in this process (one worker, no timeout)."""

    name = "inline"
    slots = 1
    enforces_timeout = False

    def __init__(self, shared: Mapping[str, Any] | None = None) -> None:
        self._shared = dict(shared or {})

    def share(self, key: str) -> Any:
        return self._shared[key]

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        fut: cf.Future[Any] = cf.Future()
        try:
            fut.set_result(fn(*args))
        except Exception as exc:  # reported through the future, like a pool does
            fut.set_exception(exc)
        return fut

    def flush(self) -> None:
        return None

    def recycle(self) -> None:
        return None

    def close(self, cancel: bool = False) -> None:
        return None


class PoolBackend:
    """A local process pool. A stuck task's pool is retired (its workers killed at the
    end, once the other tasks it holds are done) and a fresh pool takes new tasks."""

    name = "local"
    enforces_timeout = True

    def __init__(
        self, workers: int, shared: Mapping[str, Any] | None = None, *, timed: bool = False
    ) -> None:
        self.workers = workers
        self.slots = workers if timed else 2 * workers  # see the module docstring
        self._shared = dict(shared or {})
        self._pool = self._new()
        self._retired: list[list[Any]] = []  # worker processes of retired pools
        self._closed = False

    def _new(self) -> cf.ProcessPoolExecutor:
        pool = cf.ProcessPoolExecutor(
            max_workers=self.workers, initializer=_start_worker, initargs=(self._shared,)
        )
        # With the start method fork, the first submit forks every worker: done here, so
        # that the processes exist once the backend is open and no thread started later
        # (the scanner's store reader) is forked into them.
        pool.submit(os.getpid)
        return pool

    def share(self, key: str) -> Any:
        if key not in self._shared:
            raise KeyError(key)
        return Shared(key)

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        return self._pool.submit(fn, *args)

    def flush(self) -> None:
        return None

    def recycle(self) -> None:
        self._retired.append(_workers(self._pool))
        self._pool.shutdown(wait=False)
        self._pool = self._new()

    def close(self, cancel: bool = False) -> None:
        if self._closed:
            return
        self._closed = True
        for procs in self._retired:
            _kill(procs)
        if cancel:
            procs = _workers(self._pool)
            self._pool.shutdown(wait=False, cancel_futures=True)
            _kill(procs)
        self._pool.shutdown(wait=True, cancel_futures=cancel)


def _workers(pool: cf.ProcessPoolExecutor) -> list[Any]:
    # The standard library has no public way (before 3.14) to stop a busy worker:
    # take its processes (shutdown() forgets them) to kill them.
    procs: dict[int, Any] = getattr(pool, "_processes", None) or {}
    return list(procs.values())


def _kill(procs: list[Any]) -> None:
    for proc in procs:
        if proc.is_alive():
            proc.kill()
    for proc in procs:
        proc.join(timeout=5)


class TaskTimeout(Exception):
    """A task ran longer than its timeout (raised on the worker)."""


def call_with_timeout(timeout: float, fn: Callable[..., R], *args: Any) -> R:
    """`fn(*args)` in a daemon thread of the worker; TaskTimeout after `timeout` seconds
    (the thread is abandoned: a worker thread cannot be stopped from outside)."""
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn(*args)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="rung-task", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TaskTimeout(f"timed out after {timeout:g} s")
    if "error" in box:
        raise box["error"]
    result: R = box["result"]
    return result


def call_batch(
    fn: Callable[..., Any], batch: list[tuple[Any, ...]], timeout: float | None
) -> list[tuple[bool, Any]]:
    """`fn(*args)` for each args of `batch`, on a worker: (True, result) or (False, the
    exception) per item; with `timeout`, each item is timed on its own (call_with_timeout)."""
    out: list[tuple[bool, Any]] = []
    for args in batch:
        try:
            value = fn(*args) if timeout is None else call_with_timeout(timeout, fn, *args)
            out.append((True, value))
        except Exception as exc:  # handed to that item's future
            out.append((False, exc))
    return out


class DaskBackend:
    """An existing Dask distributed scheduler. Tasks travel in batches of `BATCH` (each
    Dask task costs milliseconds of scheduling and transfer, as much as scanning a small
    repository) and several batches per worker thread are in flight (the scheduler round
    trip between them would otherwise idle the workers). Each item keeps its own future,
    result or exception, so batching shows nowhere else; a timeout is enforced on the
    worker for each item, from its real start (call_with_timeout): a stuck task is
    abandoned there and the scan goes on."""

    name = "dask"
    enforces_timeout = False  # the worker does
    BATCH = 8

    def __init__(
        self, address: str, timeout: float | None = None, shared: Mapping[str, Any] | None = None
    ) -> None:
        self._timeout = timeout
        self._shared = dict(shared or {})
        self._scattered: dict[str, Any] = {}
        distributed = import_distributed(address)
        try:
            self._client: Any = distributed.Client(address, timeout=30, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
        self.slots = 8 * self.BATCH * max(1, sum(self._client.nthreads().values()))
        self._executor: cf.Executor = self._client.get_executor(pure=False)
        self._pending: dict[Callable[..., Any], list[tuple[tuple[Any, ...], cf.Future[Any]]]] = {}
        self._closed = False

    def share(self, key: str) -> Any:
        """A Dask future of the value, sent to every worker once (Dask hands tasks the
        value in place of a future among their arguments)."""
        if key not in self._scattered:
            value = self._shared[key]
            self._scattered[key] = self._client.scatter(value, broadcast=True, hash=False)
        return self._scattered[key]

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        fut: cf.Future[Any] = cf.Future()
        batch = self._pending.setdefault(fn, [])
        batch.append((args, fut))
        if len(batch) == self.BATCH:
            self._send(fn)
        return fut

    def flush(self) -> None:
        for fn in list(self._pending):
            self._send(fn)

    def _send(self, fn: Callable[..., Any]) -> None:
        batch = self._pending.pop(fn, [])
        if not batch:
            return
        futures = [f for _, f in batch]
        sent = self._executor.submit(call_batch, fn, [a for a, _ in batch], self._timeout)
        sent.add_done_callback(lambda done: _settle(done, futures))

    def recycle(self) -> None:
        return None

    def close(self, cancel: bool = False) -> None:
        if self._closed:
            return
        self._closed = True
        for batch in self._pending.values():
            for _, fut in batch:
                fut.cancel()
        self._pending.clear()
        try:
            self._executor.shutdown(wait=not cancel)
        finally:
            self._client.close()


def _settle(done: cf.Future[list[tuple[bool, Any]]], futures: list[cf.Future[Any]]) -> None:
    """Hand a batch's outcome to its items' futures (in a Dask client thread)."""
    try:
        outcomes = done.result()
    except BaseException as exc:  # the batch as a whole failed or was cancelled
        outcomes = [(False, exc)] * len(futures)
    for fut, (ok, value) in zip(futures, outcomes, strict=True):
        if fut.done():
            continue  # cancelled meanwhile
        with contextlib.suppress(cf.InvalidStateError):
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)


def import_distributed(address: str) -> Any:
    """The `distributed` module, or a clear error naming the extra to install."""
    import importlib

    try:
        return importlib.import_module("distributed")
    except ImportError as exc:
        raise ExecutorError(
            f"--executor {address} needs Dask distributed, which is not installed: {DASK_HINT}"
        ) from exc


def dask_address(spec: str) -> str:
    """The scheduler address Dask understands: dask://h:p -> tcp://h:p."""
    if spec.startswith("dask://"):
        return "tcp://" + spec.removeprefix("dask://")
    return spec


def open_backend(
    spec: str | None,
    jobs: int | None,
    *,
    timeout: float | None = None,
    shared: Mapping[str, Any] | None = None,
) -> Backend:
    """The backend for `--executor SPEC` and `--jobs N` (see the module docstring).
    `shared` holds values every task needs: `backend.share(key)` gives what to put in a
    task's arguments instead (each worker gets the value once), `resolve` in the task
    turns it back into the value."""
    if spec in (None, "", "local"):
        workers = jobs or os.cpu_count() or 1
        if workers == 1 and timeout is None:
            return InlineBackend(shared)
        return PoolBackend(workers, shared, timed=timeout is not None)
    assert spec is not None
    if spec.startswith(_SCHEMES) and len(spec.split("://", 1)[1]) > 0:
        return DaskBackend(dask_address(spec), timeout, shared)
    raise ExecutorError(
        f"unknown executor {spec!r}: use 'local', dask://HOST:PORT or tcp://HOST:PORT"
    )


@dataclass(frozen=True)
class Outcome(Generic[K, R]):
    """One item's result, or why there is none."""

    key: K
    result: R | None = None
    error: str | None = None


@dataclass
class _Running(Generic[K]):
    key: K
    args: tuple[Any, ...]
    tries: int = 0
    started: float = field(default_factory=time.monotonic)


def run_tasks(
    backend: Backend,
    fn: Callable[..., R],
    items: Iterable[tuple[K, tuple[Any, ...]]],
    *,
    timeout: float | None = None,
    close: bool = True,
) -> Iterator[Outcome[K, R]]:
    """`fn(*args)` for every (key, args) item, as outcomes in completion order. The
    backend is closed at the end (with `close=False`, only when cancelled: the caller
    has more tasks for it)."""
    queue = iter(items)
    running: dict[cf.Future[R], _Running[K]] = {}
    completed = False
    try:
        _fill(backend, fn, queue, running)
        while running:
            wait = _next_deadline(running, timeout)
            done, _ = cf.wait(running, timeout=wait, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                task = running.pop(fut)
                if _broken(fut) and task.tries == 0:  # a worker died: retry once elsewhere
                    running[_submit(backend, fn, task.args)] = _Running(task.key, task.args, 1)
                    continue
                yield _outcome(task.key, fut)
            yield from _expire(backend, running, timeout)
            _fill(backend, fn, queue, running)
        completed = True
    finally:
        if close or not completed:
            backend.close(cancel=not completed)


def _fill(
    backend: Backend,
    fn: Callable[..., R],
    queue: Iterator[tuple[K, tuple[Any, ...]]],
    running: dict[cf.Future[R], _Running[K]],
) -> None:
    while len(running) < backend.slots:
        item = next(queue, None)
        if item is None:
            break
        key, args = item
        running[_submit(backend, fn, args)] = _Running(key, args)
    backend.flush()


def _submit(backend: Backend, fn: Callable[..., R], args: tuple[Any, ...]) -> cf.Future[R]:
    try:
        return backend.submit(fn, *args)
    except cf.BrokenExecutor:  # a worker died: the pool is unusable, take a fresh one
        backend.recycle()
        return backend.submit(fn, *args)


def _broken(fut: cf.Future[Any]) -> bool:
    return not fut.cancelled() and isinstance(fut.exception(), cf.BrokenExecutor)


def _next_deadline(running: dict[cf.Future[R], _Running[K]], timeout: float | None) -> float | None:
    if timeout is None:
        return None
    first = min(r.started for r in running.values())
    return max(0.0, first + timeout - time.monotonic())


def _expire(
    backend: Backend, running: dict[cf.Future[R], _Running[K]], timeout: float | None
) -> Iterator[Outcome[K, R]]:
    if timeout is None or not backend.enforces_timeout:
        return
    now = time.monotonic()
    late = [f for f, r in running.items() if not f.done() and now - r.started >= timeout]
    if not late:
        return
    for fut in late:
        fut.cancel()
        yield Outcome(running.pop(fut).key, error=f"timed out after {timeout:g} s")
    backend.recycle()


def _outcome(key: K, fut: cf.Future[R]) -> Outcome[K, R]:
    try:
        return Outcome(key, result=fut.result())
    except cf.CancelledError:
        return Outcome(key, error="cancelled")
    except TaskTimeout as exc:
        return Outcome(key, error=str(exc))
    except Exception as exc:
        return Outcome(key, error=f"scan failed: {type(exc).__name__}: {exc}")
