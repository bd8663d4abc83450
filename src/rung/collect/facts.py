"""Facts collected once per service: the only input of checks.

Everything here is plain, picklable data. Paths are repository-relative POSIX strings.
A repository's file texts are shared (the same mapping object) by all of its services.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from rung.catalog.entity import Service
from rung.collect.pathindex import PathIndex

# Trees that are never evidence (checks.md).
VENDORED_DIRS = frozenset(
    {"node_modules", "vendor", "third_party", ".git", "dist", "build", "target", ".venv"}
)


def _plain(path: str) -> bool:
    """Whether a relative POSIX path is already normal: no empty, "." or ".." segment."""
    if not path or path.startswith("/") or "//" in path or path.endswith("/"):
        return False
    framed = f"/{path}/"
    return "/./" not in framed and "/../" not in framed


@dataclass(frozen=True, slots=True)
class Dependency:
    """A direct dependency declared in an ecosystem manifest of the service."""

    name: str  # as declared, lower-cased (maven: "group:artifact")
    ecosystem: str  # pypi | npm | go | maven | gradle | rubygems | cargo | composer | nuget | hex
    manifest: str  # repo-relative path of the manifest
    line: int | None = None
    version: str = ""
    dev: bool = False


@dataclass(frozen=True, slots=True)
class SecretHit:
    """A likely secret: where and what kind. The value itself is never kept."""

    path: str
    line: int
    type: str


@dataclass(frozen=True, slots=True)
class LiveProbe:
    """Result of probing a live endpoint (health or metrics URL)."""

    url: str
    ok: bool
    status_code: int | None = None
    message: str = ""
    body: str = ""  # bounded; metrics text for live.metrics


@dataclass(frozen=True)
class GitFacts:
    """History of the service root: (committer epoch seconds, author e-mail) newest first."""

    available: bool
    reason: str = ""  # why unavailable
    head: str | None = None
    commits: tuple[tuple[int, str], ...] = ()
    tags: tuple[str, ...] = ()  # all tag names of the repository


@dataclass(frozen=True)
class ServiceFacts:
    service: Service
    files: tuple[str, ...] = ()  # tracked files in the service tree (vendored trees excluded)
    repo_files: tuple[str, ...] = ()  # tracked files of the whole repository (same exclusions)
    texts: Mapping[str, str] = field(default_factory=dict)  # readable text of bounded files
    sizes: Mapping[str, int] = field(default_factory=dict)  # path -> bytes, shared per repository
    skipped: Mapping[str, str] = field(default_factory=dict)  # path -> why it was not read
    dependencies: tuple[Dependency, ...] = ()
    manifest_errors: Mapping[str, str] = field(default_factory=dict)  # path -> parse error
    secrets: tuple[SecretHit, ...] = ()
    secret_scan_error: str | None = None
    git: GitFacts = field(default_factory=lambda: GitFacts(available=False, reason="not read"))
    live: Mapping[str, LiveProbe] = field(default_factory=dict)  # "health" | "metrics"
    single_service_repo: bool = True
    collect_error: str | None = None  # the whole repository could not be read
    # index of repo_files, built once per repository and shared by its services (a
    # lookup cache: never compared, rebuilt on demand when absent)
    paths_index: PathIndex | None = field(default=None, compare=False, repr=False)

    # ----- helpers for checks (pure) -----------------------------------------------------

    @property
    def root(self) -> str:
        return self.service.root

    @cached_property
    def _root_prefix(self) -> str | None:
        """`root/` when `rel` may cut it off a path ("" for the repository root, None for a
        root that `posixpath.relpath` would normalise first)."""
        root = self.root
        if root in (".", ""):
            return ""
        return root + "/" if _plain(root) else None

    def rel(self, path: str) -> str:
        """Path relative to the service root (what `posixpath.relpath` answers)."""
        prefix = self._root_prefix
        if prefix == "":
            return path
        if prefix is not None and path.startswith(prefix):
            rest = path[len(prefix) :]
            if _plain(rest):
                return rest
        return posixpath.relpath(path, self.root)

    @cached_property
    def rel_paths(self) -> tuple[str, ...]:
        """`rel(p)` of each of `files`, in the same order."""
        if self._root_prefix == "":
            return self.files
        return tuple(map(self.rel, self.files))

    @cached_property
    def repo_index(self) -> PathIndex:
        """Index of `repo_files` (the shared one when the collector built it)."""
        shared = self.paths_index
        if shared is not None and shared.paths is self.repo_files:
            return shared
        return PathIndex(self.repo_files)

    @cached_property
    def file_index(self) -> PathIndex:
        """Index of `files` (the repository's when both are the same paths)."""
        repo = self.repo_index
        if self.files is self.repo_files or self.files == self.repo_files:
            return repo
        return PathIndex(self.files)

    def find(self, *patterns: str, repo: bool = False) -> list[str]:
        """Files whose base name matches any glob (case-insensitive), in the service tree
        or, with repo=True, in the whole repository."""
        return list((self.repo_index if repo else self.file_index).find(patterns))

    def top_level(self, *patterns: str) -> list[str]:
        """Files at the top of the service root, then of the repository root."""
        index = self.repo_index
        out: list[str] = []
        for base in dict.fromkeys([self.root if self.root else ".", "."]):
            out += index.in_dir("" if base == "." else base, patterns)
        return out

    def iter_texts(self, *patterns: str, repo: bool = False) -> Iterator[tuple[str, str]]:
        for p in self.find(*patterns, repo=repo):
            t = self.texts.get(p)
            if t is not None:
                yield p, t
