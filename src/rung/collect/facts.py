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

    def rel(self, path: str) -> str:
        """Path relative to the service root."""
        if self.root in (".", ""):
            return path
        return posixpath.relpath(path, self.root)

    def text(self, path: str) -> str | None:
        return self.texts.get(path)

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
