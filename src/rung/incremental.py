"""Incremental scans: when a service's stored scan can be reused (product.md §6).

A service is reused when its repository HEAD, its service root, its catalog entry, the
model hash and the check-suite version are all unchanged. Signals that depend on `now`
are recomputed from the stored commit times; live checks always re-run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from rung import __version__
from rung.assess.service import ServiceScan
from rung.catalog.entity import Service, json_default, shallow_fields
from rung.collect.gitrefs import head_from_files

if TYPE_CHECKING:
    from rung.collect.facts import LiveProbe


class PreviousScans(Mapping[str, ServiceScan]):
    """The last snapshot's scans by service name, with that snapshot's as-of (signals of
    a reused scan are kept when the as-of is the same); read from the snapshot store,
    also that snapshot's id and each scan's row (`rows`: name -> row id), which the
    store copies from when it writes the next snapshot.

    Each scan is kept as its parts (`keep`), its catalog entry still encoded: a reused
    scan takes the entry discovered now (`scan_for`; the cache key covers the entry, so
    the two are equal), and reading a scan (`previous[name]`) decodes its own."""

    def __init__(self, as_of: datetime | None = None, snapshot_id: int | None = None) -> None:
        self.as_of, self.snapshot_id = as_of, snapshot_id
        self.rows: dict[str, int] = {}
        self._parts: dict[str, tuple[Callable[[], Service], dict[str, Any]]] = {}

    @classmethod
    def of(cls, scans: Mapping[str, ServiceScan]) -> PreviousScans:
        """`scans` (any mapping of scans by name, with an `as_of` or not) as PreviousScans."""
        if isinstance(scans, PreviousScans):
            return scans
        out = cls(getattr(scans, "as_of", None))
        for name, scan in scans.items():
            parts = {f.name: getattr(scan, f.name) for f in fields(scan) if f.name != "service"}
            out.keep(name, partial(_given, scan.service), **parts)
        return out

    def keep(self, name: str, service: Callable[[], Service], **parts: Any) -> None:
        """The scan of `name`: `service()` gives its catalog entry, `parts` are the other
        fields of its ServiceScan."""
        self._parts[name] = (service, parts)

    def cache_key(self, name: str) -> str | None:
        found = self._parts.get(name)
        return None if found is None else str(found[1]["cache_key"])

    def scan_for(self, name: str, service: Service) -> ServiceScan:
        """The scan of `name`, with `service` for its catalog entry."""
        return ServiceScan(service=service, **self._parts[name][1])

    def __getitem__(self, name: str) -> ServiceScan:
        service, parts = self._parts[name]
        return ServiceScan(service=service(), **parts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)


def _given(service: Service) -> Service:
    return service


def repository_heads(repos: list[str], workers: int) -> dict[str, str | None]:
    """HEAD of every repository: from the files of `.git`, else `git rev-parse` in threads."""
    import concurrent.futures as cf

    heads = {repo: head_from_files(repo) for repo in repos}
    missing = [repo for repo, head in heads.items() if head is None]
    if missing:
        with cf.ThreadPoolExecutor(max(1, min(workers, len(missing)))) as pool:
            heads.update(zip(missing, pool.map(_rev_parse, missing), strict=True))
    return heads


def check_suite_version(check_ids: list[str]) -> str:
    """rung's version and the registered check ids (plugins change it)."""
    digest = hashlib.sha256("\n".join(sorted(check_ids)).encode()).hexdigest()[:16]
    return f"{__version__}+{digest}"


def cache_key(service: Service, head: str | None, model_hash: str, suite: str) -> str:
    if head is None:
        return ""  # no history: never reused
    text = "\n".join((head, service.root, model_hash, suite, catalog_json(service)))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def catalog_json(service: Service) -> str:
    """`json.dumps(asdict(service), sort_keys=True, default=str)` without asdict's deep
    copy: json walks the fields itself and meets a nested dataclass (a Link) only
    through `default`, which hands it over as asdict would have made it."""
    return _CATALOG_JSON(shallow_fields(service))


_CATALOG_JSON = json.JSONEncoder(sort_keys=True, default=json_default).encode  # made once


def _rev_parse(repo_path: str) -> str | None:
    from rung.collect.gitcmd import GitError, git

    try:
        return git(repo_path, ["rev-parse", "--verify", "-q", "HEAD"], timeout=30).decode().strip()
    except GitError:
        return None


def reuse(
    previous: ServiceScan,
    service: Service,
    as_of: datetime,
    live: bool,
    previous_as_of: datetime | None = None,
) -> ServiceScan:
    """The previous scan of an unchanged service, with now-dependent parts refreshed
    (the signals are kept as they are when the previous scan had the same as-of). The
    findings are the previous scan's own mapping when no live check judged otherwise."""
    from rung.checks.registry import default_registry
    from rung.checks.runner import run_checks
    from rung.collect.facts import ServiceFacts

    facts = ServiceFacts(service=service, live=_probe(service) if live else {})
    fresh = run_checks(default_registry().live, facts)
    old = previous.findings
    changed = {cid for cid, f in fresh.items() if old.get(cid) != f}
    stored = previous.stored
    if stored is not None and changed:  # these findings are no longer the stored row's
        stored = replace(stored, replaced=tuple(sorted(changed.union(stored.replaced))))
    return replace(
        previous,
        service=service,
        findings={**old, **fresh} if changed else old,
        signals=previous.signals if as_of == previous_as_of else _signals(previous, as_of),
        reused=True,
        stored=stored,
    )


def _probe(service: Service) -> dict[str, LiveProbe]:
    """rung.collect.live.probe_live, imported only to probe (it brings in urllib)."""
    from rung.collect.live import probe_live

    return probe_live(service)


def _signals(previous: ServiceScan, as_of: datetime) -> dict[str, object]:
    """The signals at `as_of`, from the stored commit history."""
    from rung.collect.facts import GitFacts
    from rung.collect.signals import git_signals

    git = previous.git or GitFacts(available=False, reason="no stored history")
    return git_signals(git, as_of)
