"""The services of one repository: its Component descriptors, or inferred from its layout.

Descriptors are the tracked `catalog-info.yaml` / `catalog-info.yml` files anywhere in the
repository (vendored trees excluded) and the files their Locations name. A repository
with at least one usable Component has exactly those services; one without (no
descriptor, or only broken ones) gets inferred services (see `rung.catalog.infer`).
A Component's root is its descriptor's folder unless `rung.dev/service-root` names
another folder (relative to the repository root, staying inside it). Two Components of
the same name in one repository: the first (by descriptor path) is kept, with a warning.
Problems never raise: they become warnings naming the file and line.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field

from rung.catalog.descriptors import FoundComponent, RepoFiles, descriptor_paths, walk_descriptors
from rung.catalog.entity import Service, ServiceSource
from rung.catalog.infer import infer_roots, service_names
from rung.catalog.repos import origin_url
from rung.collect.files import not_vendored, tracked_files
from rung.collect.gitcmd import GitError


@dataclass
class RepoScan:
    path: str
    name: str
    url: str | None
    services: list[Service] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def where(self, key: str, line: int | None) -> str:
        path = os.path.join(self.path, *key.split("/"))
        return f"{path}:{line}" if line else path


def normalise_root(root: str) -> str | None:
    """A repo-relative POSIX folder ("." for the top), or None if it leaves the repository."""
    text = root.strip().replace("\\", "/")
    if text.startswith("/"):
        return None
    norm = posixpath.normpath(text or ".")
    if norm == ".." or norm.startswith("../"):
        return None
    return norm


def _root(scan: RepoScan, found: FoundComponent, files: frozenset[str]) -> str:
    default = posixpath.dirname(found.key) or "."
    wanted = found.component.service_root
    if wanted is None:
        return default
    root = normalise_root(wanted)
    line = found.doc.line_of("metadata", "annotations", "rung.dev/service-root")
    if root is None:
        scan.warnings.append(
            f"{scan.where(found.key, line)}: rung.dev/service-root {wanted!r} is outside "
            f"the repository: using {default!r}"
        )
        return default
    if root != "." and not any(f.startswith(root + "/") for f in files):
        scan.warnings.append(
            f"{scan.where(found.key, line)}: rung.dev/service-root {wanted!r} holds no tracked file"
        )
    return root


def _described(scan: RepoScan, files: list[str]) -> list[Service]:
    def report(key: str, line: int | None, message: str, fatal: bool) -> None:
        scan.warnings.append(f"{scan.where(key, line)}: {message}")

    starts = descriptor_paths(files)
    found = walk_descriptors(RepoFiles(scan.path, files), starts, report)
    tracked = frozenset(files)
    services: dict[str, Service] = {}
    for item in found:
        name = item.component.name
        if name in services:
            report(item.key, item.doc.line, f"Component {name!r} is declared twice: ignored", False)
            continue
        services[name] = Service(
            name=name,
            repo_path=scan.path,
            repo_name=scan.name,
            root=_root(scan, item, tracked),
            repo_url=scan.url,
            source=ServiceSource.DESCRIPTOR,
            descriptor_path=item.key,
            descriptor=item.doc.data,
            **item.component.fields,
        )
    return list(services.values())


def inferred(scan: RepoScan, roots: list[str]) -> list[Service]:
    names = service_names(roots, scan.name)
    return [
        Service(name=names[r], repo_path=scan.path, repo_name=scan.name, root=r, repo_url=scan.url)
        for r in roots
    ]


def scan_repository(path: str) -> RepoScan:
    """Services and warnings of the repository at `path` (absolute). Never raises."""
    scan = RepoScan(path=path, name=os.path.basename(path.rstrip(os.sep)), url=origin_url(path))
    try:
        files = not_vendored(tracked_files(path))
    except GitError as exc:
        scan.warnings.append(f"{path}: cannot list tracked files ({exc}): one service assumed")
        scan.services = inferred(scan, ["."])
        return scan
    scan.services = _described(scan, files) or inferred(scan, infer_roots(path, files))
    scan.services.sort(key=lambda s: (s.root, s.name))
    return scan
