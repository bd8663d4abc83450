"""The scan pipeline: catalog -> collect -> checks (per repository, in workers) -> assess.

The core never prints: progress goes through a callback the CLI renders.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rung.assess.levels import Override
from rung.assess.portfolio import assess_portfolio
from rung.assess.service import ServiceAssessment, ServiceScan
from rung.assess.stability import DEFAULT_STABILITY, StabilityState
from rung.catalog.entity import Service
from rung.checks.base import Finding, Status
from rung.model.loader import LoadedModel
from rung.model.schema import Model, RiskPolicy
from rung.model.workspace import StabilitySettings


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
    assessments: tuple[ServiceAssessment, ...]
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
    from rung.checks.custom import custom_checks
    from rung.checks.registry import default_registry
    from rung.checks.runner import run_checks
    from rung.collect.collector import collect_repository
    from rung.collect.files import under
    from rung.collect.signals import git_signals
    from rung.collect.stack import stack_facts
    from rung.incremental import cache_key

    registry = default_registry().with_checks(custom_checks(model.checks))
    specs = list(registry)
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
                git=facts.git,
                cache_key=cache_key(facts.service, facts.git.head, model_hash, suite),
            )
        )
    return out


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


def run_scan(
    paths: Sequence[str],
    model: LoadedModel,
    *,
    catalog: str | None = None,
    as_of: datetime | None = None,
    profile: str | None = None,
    jobs: int | None = None,
    live: bool = True,
    progress: ProgressCallback | None = None,
    previous: Mapping[str, ServiceScan] | None = None,
    policy: RiskPolicy | None = None,
    overrides: Mapping[str, Mapping[str, Override]] | None = None,
    previous_states: Mapping[str, StabilityState] | None = None,
    stability: StabilitySettings | None = None,
) -> ScanResult:
    """Scan the repositories under `paths`. With `previous` (the last snapshot's scans by
    service name), services whose cache key is unchanged are reused (incremental scan).
    `policy` (the workspace's, see rung.assess.portfolio.effective_policy), `overrides`
    (valid attestations and waivers by service) and `previous_states` (the last
    snapshot's stability states) feed rung.assess.portfolio.assess_portfolio."""
    from rung.catalog.discover import discover
    from rung.checks.custom import custom_checks
    from rung.checks.registry import default_registry
    from rung.incremental import cache_key, check_suite_version, repository_head, reuse

    started = datetime.now(UTC).replace(microsecond=0)
    as_of = (as_of or started).astimezone(UTC)
    found = discover(paths, catalog=catalog)
    by_repo = found.by_repository()
    total_services = sum(len(v) for v in by_repo.values())
    check_ids = default_registry().with_checks(custom_checks(model.model.checks)).ids()
    suite = check_suite_version(check_ids)
    scans: list[ServiceScan] = []
    done_repos = 0
    if previous:
        for repo in list(by_repo):
            head = repository_head(repo)
            olds = [previous.get(s.name) for s in by_repo[repo]]
            keys = [cache_key(s, head, model.hash, suite) for s in by_repo[repo]]
            if all(
                o is not None and k and o.cache_key == k for o, k in zip(olds, keys, strict=True)
            ):
                scans += [
                    reuse(o, s, as_of, live)
                    for o, s in zip(olds, by_repo.pop(repo), strict=True)
                    if o is not None
                ]
                done_repos += 1

    total_repos = len(by_repo)

    def report(current: str = "") -> None:
        if progress:
            progress(Progress(done_repos, total_repos, len(scans), total_services, current))

    report()
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(by_repo) <= 1:
        for repo, services in by_repo.items():
            try:
                scans += scan_repository(
                    repo, services, model.model, as_of, live, model.hash, suite
                )
            except Exception as exc:  # one broken repository never sinks the scan
                scans += failed_scans(services, f"scan failed: {exc}", check_ids)
            done_repos += 1
            report(os.path.basename(repo))
    else:
        with cf.ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(
                    scan_repository, repo, services, model.model, as_of, live, model.hash, suite
                ): (
                    repo,
                    services,
                )
                for repo, services in by_repo.items()
            }
            for fut in cf.as_completed(futures):
                repo, services = futures[fut]
                try:
                    scans += fut.result()
                except Exception as exc:
                    scans += failed_scans(services, f"scan failed: {exc}", check_ids)
                done_repos += 1
                report(os.path.basename(repo))
    assessments = assess_portfolio(
        model.model,
        scans,
        policy=policy,
        profile=profile,
        overrides=overrides,
        previous=previous_states,
        stability=stability or DEFAULT_STABILITY,
    )
    return ScanResult(
        model=model,
        as_of=as_of,
        started_at=started,
        finished_at=datetime.now(UTC).replace(microsecond=0),
        assessments=tuple(assessments),
        warnings=tuple(found.warnings) + tuple(model.warnings),
        repositories=tuple(found.repositories),
    )
