"""The scan pipeline: catalog -> collect -> checks (per repository, in workers) -> assess.

The core never prints: progress goes through a callback the CLI renders.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rung.assess.levels import Override
from rung.assess.portfolio import PortfolioAssessor
from rung.assess.service import ServiceAssessment, ServiceScan
from rung.assess.stability import DEFAULT_STABILITY, StabilityState
from rung.catalog.entity import Service
from rung.checks.base import CheckSpec, Finding, Status
from rung.model.loader import LoadedModel
from rung.model.schema import Model, RiskPolicy
from rung.model.workspace import StabilitySettings
from rung.spool import Spool

if TYPE_CHECKING:
    from rung.catalog.cache import DiscoveryCache, Read
    from rung.catalog.discover import Reader
    from rung.catalog.repository import RepoScan
    from rung.executors import Backend


@dataclass(frozen=True)
class Progress:
    repos_done: int
    repos_total: int
    services_done: int
    services_total: int
    current: str = ""


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class ScanResult:
    model: LoadedModel
    as_of: datetime
    started_at: datetime
    finished_at: datetime
    assessments: Sequence[ServiceAssessment]  # sorted by name (a Spool after a scan)
    warnings: tuple[str, ...] = field(default=())
    repositories: tuple[str, ...] = field(default=())


def scan_repository(
    repo_path: str,
    services: Sequence[Service],
    model: Model,
    as_of: datetime,
    live: bool = True,
    model_hash: str = "",
    suite: str = "",
) -> list[ServiceScan]:
    """Collect and check every service of one repository. Picklable; returns plain data."""
    from rung.checks.runner import run_checks
    from rung.collect.collector import collect_repository
    from rung.collect.files import under
    from rung.collect.gitblob import packed
    from rung.collect.signals import git_signals
    from rung.collect.stack import stack_facts
    from rung.executors import resolve
    from rung.incremental import cache_key

    model = resolve(model)  # the model itself, or the executor's stand-in for it
    specs = _check_specs(model)
    out: list[ServiceScan] = []
    for facts in collect_repository(repo_path, services, as_of, live=live):
        root = facts.service.root
        notes = [f"{p}: {why}" for p, why in sorted(facts.skipped.items()) if under(p, root)]
        notes += [f"{p}: {why}" for p, why in sorted(facts.manifest_errors.items())]
        if facts.collect_error:
            notes.insert(0, facts.collect_error)
        if not facts.git.available:
            notes.append(f"git history: {facts.git.reason}")
        try:
            stack = stack_facts(facts)
        except Exception as exc:  # stack facts never sink a scan
            stack = {}
            notes.append(f"stack facts failed: {exc}")
        out.append(
            ServiceScan(
                service=facts.service,
                head=facts.git.head,
                findings=run_checks(specs, facts),
                signals=git_signals(facts.git, as_of),
                stack=stack,
                notes=tuple(notes),
                git=packed(facts.git),  # encoded here, in parallel, once (rung.collect.gitblob)
                cache_key=cache_key(facts.service, facts.git.head, model_hash, suite),
            )
        )
    return out


_SPECS: list[tuple[Model, list[CheckSpec]]] = []  # the last model's checks, in this process


def _check_specs(model: Model) -> list[CheckSpec]:
    """The checks `model` runs (built-ins and its custom checks), made once per model in
    a process rather than for every repository."""
    if _SPECS and _SPECS[0][0] is model:
        return _SPECS[0][1]
    from rung.checks.custom import custom_checks
    from rung.checks.registry import default_registry

    specs = list(default_registry().with_checks(custom_checks(model.checks)))
    _SPECS[:] = [(model, specs)]
    return specs


def failed_scans(
    services: Sequence[Service], reason: str, check_ids: Sequence[str]
) -> list[ServiceScan]:
    """What a repository whose task failed contributes: every check unknown, with the reason."""
    from rung.collect.facts import GitFacts
    from rung.collect.signals import git_signals

    return [
        ServiceScan(
            service=s,
            head=None,
            findings={cid: Finding(cid, Status.UNKNOWN, reason) for cid in check_ids},
            signals=git_signals(GitFacts(available=False, reason=reason), datetime.now(UTC)),
            notes=(reason,),
        )
        for s in services
    ]


RepoTask = Callable[..., list[ServiceScan]]


def run_scan(
    paths: Sequence[str],
    model: LoadedModel,
    *,
    catalog: str | None = None,
    as_of: datetime | None = None,
    profile: str | None = None,
    jobs: int | None = None,
    executor: str | None = None,
    task_timeout: float | None = None,
    live: bool = True,
    progress: ProgressCallback | None = None,
    prior: Prior | Callable[[], Prior] | None = None,
    policy: RiskPolicy | None = None,
    stability: StabilitySettings | None = None,
    task: RepoTask = scan_repository,
    discovery_cache: DiscoveryCache | None = None,
) -> ScanResult:
    """Scan the repositories under `paths`. `prior` is what the scan starts from (Prior:
    the last snapshot's scans, reused where their cache key is unchanged, its stability
    states, the attestations and waivers in force), or a function that reads it: that
    runs in a thread while discovery runs on the workers (see _PriorReader), and what
    it raises is raised here. `policy` (the workspace's, see
    rung.assess.portfolio.effective_policy) feeds rung.assess.portfolio.assess_portfolio.

    Repositories are scanned by `task` (one call per repository) on the executor chosen by
    `executor` and `jobs` (see rung.executors); a task that fails or runs longer than
    `task_timeout` seconds makes its services' checks `unknown` with the reason. Nothing
    is written anywhere but the `discovery_cache` (rung.catalog.cache): Ctrl-C cancels the
    pending tasks and raises KeyboardInterrupt."""
    from rung.catalog.discover import discover
    from rung.checks.custom import custom_checks
    from rung.checks.registry import default_registry
    from rung.incremental import check_suite_version

    started = datetime.now(UTC).replace(microsecond=0)
    as_of = (as_of or started).astimezone(UTC)
    with _Workers(executor, jobs, task_timeout, model.model) as workers:
        reading = _PriorReader(prior)
        workers.on_open = reading.start  # a thread, once the worker processes are forked
        reader = _discovery_reader(workers)
        found = discover(paths, catalog=catalog, cache=discovery_cache, reader=reader)
        start = reading.result()
        by_repo = found.by_repository()
        check_ids = default_registry().with_checks(custom_checks(model.model.checks)).ids()
        suite = check_suite_version(check_ids)
        tracker = _Tracker(progress, len(by_repo), sum(len(v) for v in by_repo.values()))
        assessor = PortfolioAssessor(
            model.model,
            (s for svcs in by_repo.values() for s in svcs),
            policy=policy,
            profile=profile,
            overrides=start.overrides,
            previous=start.states,
            stability=stability or DEFAULT_STABILITY,
        )
        spool = Spool()  # each service is assessed as it arrives and kept on disk
        reused = 0
        if start.previous:
            for scan in _reuse_unchanged(
                by_repo, start.previous, model.hash, suite, as_of, live, workers.jobs
            ):
                spool.add(assessor.assess(scan), scan_in_memory=True)  # made of `previous`
                reused += 1
        tracker.advance(tracker.repos_total - len(by_repo), reused)
        spec = RepoSpec(model.model, as_of, live, model.hash, suite, tuple(check_ids))
        for scans in _collect(by_repo, spec, tracker, task, workers):
            for scan in scans:
                spool.add(assessor.assess(scan))
        return ScanResult(
            model=model,
            as_of=as_of,
            started_at=started,
            finished_at=datetime.now(UTC).replace(microsecond=0),
            assessments=spool,
            warnings=tuple(found.warnings) + tuple(model.warnings),
            repositories=tuple(found.repositories),
        )


@dataclass(frozen=True)
class Prior:
    """What a scan starts from, read from the store: the last snapshot's scans by service
    name (an incremental scan reuses those whose cache key is unchanged), its stability
    states by service, and the valid attestations and waivers by service."""

    previous: Mapping[str, ServiceScan] | None = None
    states: Mapping[str, StabilityState] | None = None
    overrides: Mapping[str, Mapping[str, Override]] | None = None


class _PriorReader:
    """Runs a function that reads the Prior (opening the database, importing the store,
    reading the last snapshot: a quarter of a second at 1,000 services) in a thread
    while discovery keeps the workers busy, instead of before it. The thread starts
    once the worker processes exist (`start`, called when the backend opens): a process
    forked while another thread is inside an import or a lock would inherit them held.
    Without workers for discovery, `result` runs the function in this thread."""

    def __init__(self, prior: Prior | Callable[[], Prior] | None) -> None:
        self._read = prior if callable(prior) else None
        self._value = prior if isinstance(prior, Prior) else Prior()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._read is None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="rung-prior")
        self._thread.start()

    def _run(self) -> None:
        assert self._read is not None
        try:
            self._value = self._read()
        except BaseException as exc:  # raised in the scan's thread by result()
            self._error = exc

    def result(self) -> Prior:
        if self._read is not None and self._thread is None:
            self._run()
        elif self._thread is not None:
            self._thread.join()
        self._read = None
        if self._error is not None:
            raise self._error
        return self._value


@dataclass(frozen=True)
class RepoSpec:
    """What every repository task gets besides its path and services."""

    model: Model
    as_of: datetime
    live: bool
    model_hash: str
    suite: str
    check_ids: tuple[str, ...]


class _Tracker:
    """Counts repositories and services done and reports them to the progress callback."""

    def __init__(self, progress: ProgressCallback | None, repos: int, services: int) -> None:
        self.progress, self.repos_total, self.services_total = progress, repos, services
        self.repos_done = self.services_done = 0

    def advance(self, repos: int, services: int, current: str = "") -> None:
        self.repos_done += repos
        self.services_done += services
        if self.progress is not None:
            self.progress(
                Progress(
                    self.repos_done,
                    self.repos_total,
                    self.services_done,
                    self.services_total,
                    current,
                )
            )


def _reuse_unchanged(
    by_repo: dict[str, list[Service]],
    previous: Mapping[str, ServiceScan],
    model_hash: str,
    suite: str,
    as_of: datetime,
    live: bool,
    jobs: int | None,
) -> list[ServiceScan]:
    """Reused scans of the repositories whose services are all unchanged; those
    repositories are removed from `by_repo`. HEADs are read in parallel threads."""
    from rung.incremental import PreviousScans, cache_key, repository_heads, reuse

    stored = PreviousScans.of(previous)
    workers = max(1, min(32, 4 * (jobs or os.cpu_count() or 1)))
    heads = repository_heads(list(by_repo), workers)
    out: list[ServiceScan] = []
    for repo in list(by_repo):
        services = by_repo[repo]
        keys = [cache_key(s, heads[repo], model_hash, suite) for s in services]
        if all(k and stored.cache_key(s.name) == k for s, k in zip(services, keys, strict=True)):
            out += [
                reuse(stored.scan_for(s.name, s), s, as_of, live, stored.as_of)
                for s in by_repo.pop(repo)
            ]
    return out


class _Workers:
    """The executor's backend (rung.executors), opened when first needed and shared by
    discovery and collection, so that a pool's processes start once per scan."""

    def __init__(
        self, executor: str | None, jobs: int | None, timeout: float | None, model: Model
    ) -> None:
        self.executor, self.jobs, self.timeout, self.model = executor, jobs, timeout, model
        self.local = executor in (None, "", "local")
        self._backend: Backend | None = None
        self.on_open: Callable[[], None] | None = None  # called once the backend is open

    @property
    def parallel(self) -> bool:
        return not self.local or (self.jobs or os.cpu_count() or 1) > 1

    def backend(self, tasks: int) -> Backend:
        """The backend; opened for `tasks` tasks (one task runs in this process)."""
        if self._backend is None:
            from rung.executors import open_backend

            workers = 1 if self.local and tasks == 1 else self.jobs
            self._backend = open_backend(
                self.executor, workers, timeout=self.timeout, shared={"model": self.model}
            )
            if self.on_open is not None:
                self.on_open()
        return self._backend

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._backend is not None:
            self._backend.close()


POOLED_DISCOVERY = 64  # fewer repositories to read than this: discovery reads them here
DISCOVERY_CHUNK = 16  # repositories per discovery task


def _discovery_reader(workers: _Workers) -> Reader:
    """How discovery reads the repositories its cache does not know: in chunks on the
    workers when there are many (reading one is a few milliseconds of Python), else
    here. A chunk whose task fails is read here."""
    from rung.catalog.cache import read_recorded

    def read(repos: Sequence[str]) -> list[tuple[RepoScan, list[Read]]]:
        if len(repos) < POOLED_DISCOVERY or not workers.parallel:
            return read_recorded(repos)
        from rung.executors import run_tasks

        step = DISCOVERY_CHUNK
        chunks = [list(repos[i : i + step]) for i in range(0, len(repos), step)]
        backend = workers.backend(len(chunks))
        done: dict[int, list[tuple[RepoScan, list[Read]]]] = {}
        items = ((i, (chunk,)) for i, chunk in enumerate(chunks))
        for outcome in run_tasks(backend, read_recorded, items, close=False):
            done[outcome.key] = outcome.result or read_recorded(chunks[outcome.key])
        return [found for i in range(len(chunks)) for found in done[i]]

    return read


def _collect(
    by_repo: dict[str, list[Service]],
    spec: RepoSpec,
    tracker: _Tracker,
    task: RepoTask,
    workers: _Workers,
) -> Iterator[list[ServiceScan]]:
    """Run one task per repository on the workers and yield each repository's scans as
    they complete; failures become unknowns."""
    if not by_repo:
        return
    from rung.executors import run_tasks

    backend = workers.backend(len(by_repo))
    model = backend.share("model")  # sent to each worker once, not with every task
    items = (
        (repo, (repo, svcs, model, spec.as_of, spec.live, spec.model_hash, spec.suite))
        for repo, svcs in by_repo.items()
    )
    for outcome in run_tasks(backend, task, items, timeout=workers.timeout, close=False):
        services = by_repo[outcome.key]
        if outcome.error is not None or outcome.result is None:
            reason = outcome.error or "scan failed: no result"
            got = failed_scans(services, reason, spec.check_ids)
        else:
            got = outcome.result
        yield got
        tracker.advance(1, len(got), os.path.basename(outcome.key))
