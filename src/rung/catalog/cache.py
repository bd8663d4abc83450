"""A cache of discovery results per repository, so that a rescan of an unchanged
portfolio does not list every repository's files again.

What a repository's services (and warnings) depend on: its tracked files (the index,
`.git/index`), its origin URL (`.git/config`, and the global git configs), the files
discovery reads from the work tree (descriptors, Location targets, manifests read for
inference: every read goes through `rung.catalog.yamldocs.read_bounded`, which notes
the path and its `lstat` *before* reading, or that it is missing) and rung itself. An
entry is used only when every one of those files has the same `lstat` (mode, inode,
size, modification and change times in nanoseconds) as when the entry was made; a
repository whose `.git` is not a plain folder is never cached, nor is a result that
would not survive the JSON round trip unchanged. `--full` bypasses the cache (and
refreshes it).

The cache is a JSON file, by default `$XDG_CACHE_HOME/rung/discovery-<key>.json` (key:
the scanned paths); `RUNG_CACHE_DIR` moves it. A damaged file is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from rung import __version__
from rung.catalog.entity import json_default, service_from_dict, shallow_fields
from rung.catalog.repository import RepoScan, scan_repository
from rung.catalog.yamldocs import READS
from rung.collect.gitcmd import global_configs

FORMAT = 1
_GIT_FILES = ("index", "config")

Stat = list[int] | None


def _stat(path: str) -> Stat:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return _fields(st)


def _fields(st: os.stat_result | None) -> Stat:
    if st is None:
        return None
    return [st.st_mode, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


Read = tuple[str, Stat]  # a file discovery read (absolute path), and its lstat before


def read_recorded(repos: Sequence[str]) -> list[tuple[RepoScan, list[Read]]]:
    """`scan_repository` of each of `repos`, with the files each one read (for
    DiscoveryCache.remember). Plain data in and out: a worker process can run it."""
    out = []
    for repo in repos:
        token = READS.set([])
        try:
            found = scan_repository(repo)
            reads = [(path, _fields(st)) for path, st in READS.get() or []]
        finally:
            READS.reset(token)
        out.append((found, reads))
    return out


def _outer() -> list[Any]:
    """What every entry depends on besides its repository: rung and the global configs."""
    return [FORMAT, __version__, [_stat(p) for p in global_configs()]]


def default_path(paths: Sequence[str]) -> str:
    base = os.environ.get("RUNG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "rung",
    )
    key = "\n".join(sorted(os.path.realpath(p) for p in paths))
    return os.path.join(base, f"discovery-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json")


def _scan_to_dict(scan: RepoScan) -> dict[str, Any]:
    return {
        "path": scan.path,
        "name": scan.name,
        "url": scan.url,
        "services": [shallow_fields(s) for s in scan.services],  # JSON with json_default
        "warnings": list(scan.warnings),
    }


def _scan_from_dict(data: dict[str, Any]) -> RepoScan:
    return RepoScan(
        path=data["path"],
        name=data["name"],
        url=data["url"],
        services=[service_from_dict(s) for s in data["services"]],
        warnings=list(data["warnings"]),
    )


class DiscoveryCache:
    """Discovery results by repository path: `cached(path)` is what `scan_repository(path)`
    would find, while nothing it depends on changed; otherwise the caller reads the
    repository (`read_recorded`, here or on a worker) and hands the result to `remember`."""

    def __init__(self, path: str | None, *, refresh: bool = False) -> None:
        self.path = path
        self.outer = _outer()
        self.entries: dict[str, dict[str, Any]] = {} if refresh else self._load()
        self.hits = 0
        self.dirty = refresh  # an entry was added, replaced or dropped
        self._before: dict[str, list[list[Any]]] = {}  # repo -> its .git files, when looked up

    def _load(self) -> dict[str, dict[str, Any]]:
        if self.path is None:
            return {}
        try:
            with open(self.path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except (OSError, ValueError):
            return {}
        if not isinstance(doc, dict) or doc.get("outer") != self.outer:
            return {}
        repos = doc.get("repos")
        return repos if isinstance(repos, dict) else {}

    def cached(self, repo: str) -> RepoScan | None:
        """The cached discovery of `repo`, or None: then read it (read_recorded, here or
        in a worker) and hand the result to `remember`."""
        git_dir = os.path.join(repo, ".git")
        before = [[name, _stat(os.path.join(git_dir, name))] for name in _GIT_FILES]
        self._before[repo] = before
        entry = self.entries.get(repo)
        if entry is not None and self._unchanged(repo, entry, before):
            try:
                found = _scan_from_dict(entry["scan"])
            except (KeyError, TypeError, ValueError):
                found = None
            if found is not None:
                self.hits += 1
                return found
        return None

    def remember(self, repo: str, found: RepoScan, reads: Sequence[Read]) -> None:
        """Keep what `read_recorded` found for `repo` (after `cached(repo)` said None)."""
        self.dirty = True
        self.entries.pop(repo, None)
        self._keep(repo, found, self._before.pop(repo), reads)

    def _unchanged(self, repo: str, entry: dict[str, Any], before: list[list[Any]]) -> bool:
        if entry.get("git") != before:
            return False
        files = entry.get("files")
        if not isinstance(files, list):
            return False
        return all(
            isinstance(f, list) and len(f) == 2 and _stat(os.path.join(repo, f[0])) == f[1]
            for f in files
        )

    def _keep(
        self,
        repo: str,
        found: RepoScan,
        before: list[list[Any]],
        reads: Sequence[Read],
    ) -> None:
        git_dir = _stat(os.path.join(repo, ".git"))
        if before[0][1] is None or git_dir is None or not stat.S_ISDIR(git_dir[0]):
            return  # no index, or `.git` no plain folder: nothing vouches for the list
        files = []
        for path, st in reads:
            rel = os.path.relpath(path, repo)
            if rel.startswith(".."):
                return  # a read outside the repository: not cached
            files.append([rel, st])
        data = _scan_to_dict(found)
        try:
            text = json.dumps(data, default=json_default)
        except (TypeError, ValueError):
            return
        back = json.loads(text)
        if _scan_from_dict(back) != found:
            return  # the JSON round trip would change it (dates in a descriptor...)
        self.entries[repo] = {"git": before, "files": files, "scan": back}

    def save(self, repos: Iterable[str]) -> None:
        """Write the entries of `repos` (the repositories of this discovery)."""
        if self.path is None:
            return
        keep = {r: self.entries[r] for r in repos if r in self.entries}
        if not self.dirty and len(keep) == len(self.entries):
            return  # every entry was used as it is: the file already says this
        folder = os.path.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".discovery-", dir=folder)
        except OSError:
            return  # a cache that cannot be written is no error
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps({"outer": self.outer, "repos": keep}))
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
