"""Build a realistic synthetic portfolio of git repositories for `rung demo` and benchmarks.

Everything is a function of `seed` and `now`: the same arguments give byte-identical
repositories (same commit SHAs). Each repository is written by one `git fast-import`.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import random
import shutil
import string
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rung.demo import practices as pr
from rung.demo.fastimport import Stream, write_repository
from rung.demo.history import FileEntry, pick_profile
from rung.demo.plan import RepoPlan, identities, people, plan_repositories
from rung.demo.repository import RepoOptions, build_stream
from rung.demo.service import Realised, add_descriptor, realise
from rung.errors import UsageError

MARKER = ".rung-demo"
DEFAULT_NOW = datetime(2026, 11, 26, tzinfo=UTC)
FINTECH = ("payments", "fraud-detection", "invoicing", "refunds")
PIN_REASON = "PCI DSS scope: handles stored card and gift card balances"


class DemoDestinationError(UsageError):
    """The destination folder cannot receive a demo portfolio."""


@dataclass(frozen=True)
class DemoService:
    name: str
    repo: str  # repository folder name under the portfolio root
    root: str  # service root in the repository: "." or "services/<name>"
    language: str
    tier: int
    owner: str
    critical_path: bool


@dataclass(frozen=True)
class DemoPortfolio:
    root: Path
    services: tuple[DemoService, ...]
    repositories: tuple[Path, ...]


def generate_portfolio(
    dest: Path,
    *,
    seed: int = 7,
    services: int = 48,
    now: datetime | None = None,
    monorepos: int = 2,
    max_commits: int = 400,
    big_repos: int = 0,
    big_commits: int = 20000,
    modules: tuple[int, int] | None = None,
) -> DemoPortfolio:
    """Write a portfolio of `services` services into `dest` (replacing an earlier demo).
    `modules` (low, high) sets the range of extra source modules per service (benchmarks:
    bigger services); by default it grows with the service's tier."""
    if services < 1 or monorepos < 0 or max_commits < 10 or big_repos < 0 or big_commits < 10:
        raise UsageError("demo: services >= 1, max_commits >= 10, big_commits >= 10 required")
    at = now or DEFAULT_NOW
    now_ts = int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp())
    dest = Path(dest)
    _prepare(dest, seed)
    rng = random.Random(seed)
    profiles = _profiles(rng, services)
    repos = plan_repositories(rng, services, monorepos, people(), profiles, modules)
    realised = {p.name: realise(rng, p, r.monorepo) for r in repos for p in r.services}
    _catalogue(rng, realised)
    _fixtures(rng, list(realised.values()))
    options = _options(repos, realised, now_ts, max_commits, big_repos, big_commits)
    _write_all(rng, dest, repos, realised, options)
    demo = tuple(
        DemoService(s.plan.name, s.plan.repo, s.plan.root, s.tool.language, s.plan.tier,
                    s.plan.ident.team, s.plan.ident.critical)
        for s in sorted(realised.values(), key=lambda s: s.plan.name)
    )  # fmt: skip
    return DemoPortfolio(dest, demo, tuple(sorted(dest / r.name for r in repos)))


def _prepare(dest: Path, seed: int) -> None:
    """Refuse a folder that holds anything but an earlier demo; empty an earlier demo."""
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise DemoDestinationError(f"{dest} is not a folder")
    if dest.exists() and any(dest.iterdir()):
        if not (dest / MARKER).is_file():
            raise DemoDestinationError(
                f"{dest} is not empty and is not a rung demo portfolio (no {MARKER}); "
                "choose an empty or new folder"
            )
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MARKER).write_text(
        f"rung demo portfolio (seed {seed}); `rung demo` deletes and rebuilds this folder\n",
        encoding="utf-8",
    )


def _profiles(rng: random.Random, n: int) -> list[str]:
    """Activity per service: critical ones are busy, the first few very busy."""
    out = [pick_profile(rng) for _ in range(n)]
    for i, ident in enumerate(identities(n)):
        if ident.critical and out[i] in ("dormant", "new"):
            out[i] = "active"
    for i in range(min(3, n)):
        out[i] = "hot"
    return out


def _catalogue(rng: random.Random, realised: dict[str, Realised]) -> None:
    """Descriptors with owners, systems, dependencies and rung's own annotations."""
    names = sorted(realised)
    described = [s for s in realised.values() if "catalog.descriptor" in s.features]
    fintech = [s for s in described if s.plan.name in FINTECH][:2]
    pinned = next(
        (s for s in described if s.plan.ident.team == "team-payments" and not s.plan.ident.critical
         and s not in fintech),
        None,
    )  # fmt: skip
    for svc in described:
        others = [n for n in names if n != svc.plan.name]
        same = [n for n in others if realised[n].plan.ident.system == svc.plan.ident.system]
        pool = same or others
        svc.depends_on = tuple(sorted(rng.sample(pool, k=min(len(pool), rng.randint(1, 3)))))
        if svc.plan.ident.critical:
            svc.annotations["rung.dev/critical-path"] = "true"
        if svc in fintech:
            svc.annotations["rung.dev/profile"] = "fintech"
        if svc is pinned:
            svc.annotations["rung.dev/required-level"] = "3"
            svc.annotations["rung.dev/required-level-reason"] = PIN_REASON
        add_descriptor(svc, svc.plan.ident.description)


def _fixtures(rng: random.Random, svcs: list[Realised]) -> None:
    """Committed secrets in barely maintained services, for the secret check to find."""
    lowest = min(s.plan.tier for s in svcs)
    weak = [s for s in svcs if s.plan.tier == lowest]
    for i, svc in enumerate(weak):
        if i == 0:
            key = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
            content, path = pr.secret_file(key), "config/export.env"
        elif rng.random() < 0.4:
            content, path = pr.password_file(f"{rng.getrandbits(128):032x}"), "config/database.yml"
        else:
            continue
        svc.files[path] = FileEntry(content, 1, "Add export job configuration")


def _options(
    repos: list[RepoPlan], realised: dict[str, Realised], now: int, max_commits: int,
    big_repos: int, big_commits: int,
) -> dict[str, RepoOptions]:  # fmt: skip
    singles = [r for r in repos if not r.monorepo]
    busy = sorted(
        singles, key=lambda r: (realised[r.services[0].name].plan.profile != "hot", r.name)
    )
    big = {r.name for r in busy[:big_repos]}
    mailmap = next((r.name for r in busy if r.name not in big), None)
    return {
        r.name: RepoOptions(
            now, max_commits, big_commits if r.name in big else None, r.name == mailmap
        )
        for r in repos
    }


def _write_all(
    rng: random.Random, dest: Path, repos: list[RepoPlan], realised: dict[str, Realised],
    options: dict[str, RepoOptions],
) -> None:  # fmt: skip
    """Plan streams in order (the random sequence is fixed), write them in parallel."""
    workers = max(1, min(8, os.cpu_count() or 1))
    pending: set[cf.Future[None]] = set()
    with cf.ThreadPoolExecutor(workers) as pool:
        for repo in repos:
            stream: Stream = build_stream(
                rng, repo, [realised[p.name] for p in repo.services], options[repo.name]
            )
            pending.add(pool.submit(write_repository, dest / repo.name, stream))
            if len(pending) >= 2 * workers:
                done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    fut.result()
        for fut in cf.as_completed(pending):
            fut.result()
