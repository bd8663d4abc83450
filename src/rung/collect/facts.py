"""Facts collected once per service: the only input of checks.

Everything here is plain, picklable data. Paths are repository-relative POSIX strings.
A repository's file texts are shared (the same mapping object) by all of its services.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from rung.catalog.entity import Service

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

    def find(self, *patterns: str, repo: bool = False) -> list[str]:
        """Files whose base name matches any glob (case-insensitive), in the service tree
        or, with repo=True, in the whole repository."""
        pats = [p.lower() for p in patterns]
        return [
            p
            for p in (self.repo_files if repo else self.files)
            if any(fnmatch.fnmatchcase(posixpath.basename(p).lower(), pat) for pat in pats)
        ]

    def top_level(self, *patterns: str) -> list[str]:
        """Files at the top of the service root, then of the repository root."""
        pats = [p.lower() for p in patterns]
        out: list[str] = []
        for base in dict.fromkeys([self.root if self.root else ".", "."]):
            for p in self.repo_files:
                if posixpath.dirname(p) == ("" if base == "." else base) and any(
                    fnmatch.fnmatchcase(posixpath.basename(p).lower(), pat) for pat in pats
                ):
                    out.append(p)
        return out

    def iter_texts(self, *patterns: str, repo: bool = False) -> Iterator[tuple[str, str]]:
        for p in self.find(*patterns, repo=repo):
            t = self.texts.get(p)
            if t is not None:
                yield p, t
