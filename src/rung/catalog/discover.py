"""Discovery: the repositories under the given paths, and the services in them.

`discover` finds the repositories (`find_repositories`), reads each one's services
(descriptors, else inference: `rung.catalog.repository`), applies the central catalog
when one is given (`rung.catalog.central`) and makes service names unique.

Names must identify a service in reports and on the command line. When services of
different repositories share a name, each of them is renamed `<name>@<repo_name>` (and,
if two such repositories share a folder name too, `<name>@<repo_name>-2`, ... in the
order of their paths), with a warning. Within a repository names are already unique.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rung.catalog.cache import DiscoveryCache, Read, read_recorded
from rung.catalog.central import CentralMerge, load_central
from rung.catalog.entity import Service
from rung.catalog.repos import find_repositories
from rung.catalog.repository import RepoScan, scan_repository

__all__ = ["Discovery", "discover", "find_repositories"]


@dataclass(frozen=True)
class Discovery:
    services: tuple[Service, ...]  # sorted by name
    repositories: tuple[str, ...]  # absolute repository paths, sorted
    warnings: tuple[str, ...]  # human-readable problems, never fatal

    def by_repository(self) -> dict[str, list[Service]]:
        """Repository path -> its services, sorted by root (every repository listed)."""
        out: dict[str, list[Service]] = {repo: [] for repo in self.repositories}
        for service in self.services:
            out.setdefault(service.repo_path, []).append(service)
        for services in out.values():
            services.sort(key=lambda s: (s.root, s.name))
        return out


def _suffixes(group: list[Service]) -> list[str]:
    used: dict[str, int] = defaultdict(int)
    out = []
    for service in group:
        used[service.repo_name] += 1
        count = used[service.repo_name]
        out.append(service.repo_name if count == 1 else f"{service.repo_name}-{count}")
    return out


def unique_names(services: Iterable[Service], warnings: list[str]) -> list[Service]:
    """Services with names made unique across repositories (see the module docstring)."""
    groups: dict[str, list[Service]] = defaultdict(list)
    for service in services:
        groups[service.name].append(service)
    out: list[Service] = []
    for name, group in sorted(groups.items()):
        if len(group) == 1:
            out.extend(group)
            continue
        group.sort(key=lambda s: (s.repo_path, s.root))
        renamed = [
            dataclasses.replace(s, name=f"{name}@{suffix}")
            for s, suffix in zip(group, _suffixes(group), strict=True)
        ]
        listing = ", ".join(f"{s.name} ({s.repo_path})" for s in renamed)
        warnings.append(f"service name {name!r} is used by {len(group)} services: {listing}")
        out.extend(renamed)
    return sorted(out, key=lambda s: (s.name, s.repo_path, s.root))


Reader = Callable[[Sequence[str]], Sequence[tuple[RepoScan, Sequence[Read]]]]
"""Reads repositories: `read_recorded` here, or the same on worker processes."""


def _read_all(repos: Sequence[str], cache: DiscoveryCache | None, reader: Reader) -> list[RepoScan]:
    """Each repository's services: from the cache, else read by `reader` (all at once,
    so that it may share them out)."""
    found: dict[str, RepoScan] = {}
    for repo in repos:
        hit = cache.cached(repo) if cache is not None else None
        if hit is not None:
            found[repo] = hit
    misses = [r for r in repos if r not in found]
    for repo, (scan, reads) in zip(misses, reader(misses), strict=True):
        if cache is not None:
            cache.remember(repo, scan, reads)
        found[repo] = scan
    return [found[r] for r in repos]


def discover(
    paths: Sequence[str],
    *,
    catalog: str | None = None,
    cache: DiscoveryCache | None = None,
    reader: Reader = read_recorded,
) -> Discovery:
    """Services of the repositories under `paths` (and of the central `catalog`, if given);
    with `cache`, unchanged repositories are not read again (rung.catalog.cache);
    `reader` reads the others (in this process by default: rung.scanner hands it a pool).

    Raises ConfigError for a path that does not exist and for an unusable catalog file;
    problems inside repositories are warnings.
    """
    central = load_central(catalog) if catalog else None
    repos = find_repositories(paths)
    scans = dict(zip(repos, _read_all(repos, cache, reader), strict=True))
    if cache is not None:
        cache.save(repos)
    catalog_warnings: list[str] = []
    if central is not None:
        entries, loaded_warnings = central
        catalog_warnings.extend(loaded_warnings)
        CentralMerge(scans, scan_repository, catalog_warnings).apply(entries)
    warnings = [w for repo in sorted(scans) for w in scans[repo].warnings]
    warnings.extend(catalog_warnings)
    services = unique_names((s for scan in scans.values() for s in scan.services), warnings)
    return Discovery(
        services=tuple(services),
        repositories=tuple(sorted(scans)),
        warnings=tuple(warnings),
    )
