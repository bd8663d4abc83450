"""The central catalog (`rung scan --catalog FILE`): services declared outside repositories.

A central catalog holds Backstage documents. A Component's `rung.dev/repository`
annotation names its repository: a path relative to the catalog file holding the entry
(scanned even when it was not among the scanned paths), or a git URL, matched against the
scanned repositories first by their `origin` remote, then by folder name (the URL's last
segment without `.git`). `rung.dev/service-root` names the service folder in it (default
"."). Locations work as in repositories, with targets relative to the file naming them.
Credentials in a URL are stripped before it is kept.

Merging, by name (the central entry wins):
- a discovered service of the same name in the entry's repository (or, when there is
  none there, the only discovered service of that name elsewhere if it comes from a
  descriptor, which then moves to the entry's repository, with a warning) takes every
  non-empty field of the entry; annotations, labels and the raw descriptor are merged
  with the entry winning; the root changes only when the entry names one; a repository
  descriptor path is kept (it is evidence inside the repository);
- otherwise the entry is a new service of that repository. A repository that has central
  entries loses its *inferred* services (the catalog says what is there), as a
  repository with descriptors has no inferred ones;
- an entry without `rung.dev/repository` only enriches the discovered service of that
  name; with none (or several) it is skipped with a warning, as is an entry whose
  repository cannot be found.

The catalog file itself (and the files its Locations name) must be readable and valid
YAML: otherwise `ConfigError`, naming the file and the line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from rung.catalog.backstage import ANNOTATION_REPOSITORY, ANNOTATION_SERVICE_ROOT
from rung.catalog.descriptors import CatalogFiles, FoundComponent, walk_descriptors
from rung.catalog.entity import Service, ServiceSource
from rung.catalog.repos import is_repository
from rung.catalog.repository import RepoScan, normalise_root
from rung.catalog.urls import is_url, last_segment, same_remote, strip_credentials
from rung.errors import ConfigError

_KEEP_BASE = frozenset({"name", "repo_path", "repo_name", "root", "descriptor_path"})
_MERGED = frozenset({"annotations", "labels"})


def load_central(path: str) -> tuple[list[FoundComponent], list[str]]:
    """Components of the central catalog at `path` and its Locations, and the warnings."""
    file = os.path.abspath(path)
    if not os.path.isfile(file):
        raise ConfigError(f"{path}: catalog file not found")
    warnings: list[str] = []

    def report(key: str, line: int | None, message: str, fatal: bool) -> None:
        where = f"{key}:{line}" if line else key
        if fatal:
            raise ConfigError(f"{where}: {message}")
        warnings.append(f"{where}: {message}")

    return walk_descriptors(CatalogFiles(), [file], report), warnings


def _empty(value: object) -> bool:
    return value is None or value == "" or value == () or (isinstance(value, Mapping) and not value)


def deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        old = out.get(key)
        both = isinstance(old, Mapping) and isinstance(value, Mapping)
        out[key] = deep_merge(old, value) if both else value  # type: ignore[arg-type]
    return out


def merge(base: Service, central: Service, *, move: bool, root_given: bool) -> Service:
    """`base` with the central entry's non-empty values over it."""
    changes: dict[str, Any] = {"source": ServiceSource.CENTRAL}
    for f in fields(Service):
        value = getattr(central, f.name)
        if f.name in _MERGED:
            changes[f.name] = {**getattr(base, f.name), **value}
        elif f.name == "descriptor":
            changes[f.name] = deep_merge(base.descriptor, value)
        elif f.name not in _KEEP_BASE and f.name != "source" and not _empty(value):
            changes[f.name] = value
    if move:
        changes.update(repo_path=central.repo_path, repo_name=central.repo_name)
    if move or root_given:
        changes["root"] = central.root
    changes["descriptor_path"] = base.descriptor_path or central.descriptor_path
    return replace(base, **changes)


@dataclass
class CentralMerge:
    """Applies central entries to the repository scans (keyed by absolute path)."""

    scans: dict[str, RepoScan]
    scan_repository: Callable[[str], RepoScan]
    warnings: list[str]

    def apply(self, entries: list[FoundComponent]) -> None:
        touched: set[str] = set()
        for entry in entries:
            repo = self._place(entry)
            if repo is not None:
                touched.add(repo)
        for repo in touched:
            scan = self.scans[repo]
            scan.services = [s for s in scan.services if s.source != ServiceSource.INFERRED]
            scan.services.sort(key=lambda s: (s.root, s.name))

    def _warn(self, entry: FoundComponent, message: str, *annotation: str) -> None:
        line = entry.doc.line_of("metadata", "annotations", *annotation) if annotation else None
        self.warnings.append(f"{entry.key}:{line or entry.doc.line}: {message}")

    def _repository(self, entry: FoundComponent, ref: str) -> str | None:
        if is_url(ref):
            return self._by_url(entry, ref)
        path = os.path.abspath(os.path.join(os.path.dirname(entry.key), ref))
        real = os.path.realpath(path)
        for known in self.scans:
            if os.path.realpath(known) == real:
                return known
        if not is_repository(path):
            self._warn(
                entry,
                f"rung.dev/repository {ref!r} is not a git repository: skipped",
                ANNOTATION_REPOSITORY,
            )
            return None
        self.scans[path] = self.scan_repository(path)
        return path

    def _by_url(self, entry: FoundComponent, ref: str) -> str | None:
        by_remote = [p for p, s in self.scans.items() if s.url and same_remote(s.url, ref)]
        by_name = [p for p, s in self.scans.items() if s.name == last_segment(ref)]
        matches = sorted(by_remote or by_name)
        if not matches:
            self._warn(
                entry,
                f"repository {strip_credentials(ref)} is not among the scanned repositories: "
                "skipped",
                ANNOTATION_REPOSITORY,
            )
            return None
        if len(matches) > 1:
            self._warn(entry, f"repository {strip_credentials(ref)} matches {len(matches)} "
                       f"repositories: using {matches[0]}", ANNOTATION_REPOSITORY)  # fmt: skip
        return matches[0]

    def _candidates(self, name: str) -> list[Service]:
        return [s for scan in self.scans.values() for s in scan.services if s.name == name]

    def _place(self, entry: FoundComponent) -> str | None:
        component = entry.component
        if component.repository is None:
            self._enrich(entry)
            return None
        repo = self._repository(entry, component.repository)
        if repo is None:
            return None
        root = normalise_root(component.service_root or ".")
        if root is None:
            self._warn(entry, f"rung.dev/service-root {component.service_root!r} is outside "
                       "the repository: skipped", ANNOTATION_SERVICE_ROOT)  # fmt: skip
            return None
        scan = self.scans[repo]
        url = strip_credentials(component.repository) if is_url(component.repository) else None
        central = Service(
            name=component.name,
            repo_path=repo,
            repo_name=scan.name,
            root=root,
            repo_url=url or scan.url,
            source=ServiceSource.CENTRAL,
            descriptor_path=entry.key,
            descriptor=entry.doc.data,
            **component.fields,
        )
        self._merge_or_add(entry, central, root_given=component.service_root is not None)
        return repo

    def _merge_or_add(self, entry: FoundComponent, central: Service, *, root_given: bool) -> None:
        candidates = self._candidates(central.name)
        here = [s for s in candidates if s.repo_path == central.repo_path]
        movable = [s for s in candidates if s.source != ServiceSource.INFERRED]
        base = here[0] if here else (movable[0] if len(candidates) == 1 == len(movable) else None)
        if base is None:
            self.scans[central.repo_path].services.append(central)
            return
        move = base.repo_path != central.repo_path
        if move:
            self._warn(entry, f"service {central.name!r} moves from {base.repo_path} to "
                       f"{central.repo_path}")  # fmt: skip
        self.scans[base.repo_path].services.remove(base)
        merged = merge(base, central, move=move, root_given=root_given)
        self.scans[merged.repo_path].services.append(merged)

    def _enrich(self, entry: FoundComponent) -> None:
        name = entry.component.name
        candidates = self._candidates(name)
        if len(candidates) != 1:
            why = "no discovered service" if not candidates else "several discovered services"
            self._warn(entry, f"Component {name!r} has no rung.dev/repository and {why} has "
                       "that name: skipped")  # fmt: skip
            return
        base = candidates[0]
        central = replace(
            base,
            **entry.component.fields,
            descriptor_path=entry.key,
            descriptor=entry.doc.data,
            source=ServiceSource.CENTRAL,
        )
        self.scans[base.repo_path].services.remove(base)
        self.scans[base.repo_path].services.append(
            merge(base, central, move=False, root_given=False)
        )
