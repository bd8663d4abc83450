"""Reading descriptor files and following `kind: Location` documents between them.

The walk is the same for descriptors inside a repository and for a central catalog; a
`DescriptorFiles` says how to read a file and how to resolve a Location target:

- `RepoFiles`: descriptor files are tracked files of one repository (repo-relative keys),
  read from the work tree, bounded, never through a symlink. A target is resolved against
  the folder of the descriptor naming it, must stay inside the repository and be a tracked
  file; glob patterns (`*`, `**`, `?`) match tracked files. URL targets are not fetched.
- `CatalogFiles` (central catalog): absolute paths resolved against the file naming them.

A file is read once; a target that leads back to a file on the current chain of Locations
is reported as a cycle. Credentials in URL strings of a document are stripped before
anything reads it (the raw document is kept as the service's descriptor). Problems go to
a `Report` callback; `fatal` marks those that make the file itself unusable (unreadable,
YAML syntax), which the central catalog turns into errors and a repository into warnings.
"""

from __future__ import annotations

import glob
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from rung.catalog.backstage import Component, document_kind, location_targets, parse_component
from rung.catalog.urls import is_url, scrub
from rung.catalog.yamldocs import YamlDoc, load_documents, read_bounded

Report = Callable[[str, int | None, str, bool], None]  # key, line, message, fatal
MAX_LOCATION_DEPTH = 32
MAX_CATALOG_BYTES = 64 * 1024 * 1024  # a central catalog file (trusted, but bounded)
DESCRIPTOR_NAMES = frozenset({"catalog-info.yaml", "catalog-info.yml"})


@dataclass(frozen=True)
class FoundComponent:
    key: str  # the descriptor file (repo-relative, or absolute for a central catalog)
    doc: YamlDoc
    component: Component


class DescriptorFiles(Protocol):
    def read(self, key: str) -> str: ...

    def resolve(self, key: str, target: str) -> tuple[list[str], str | None]: ...


def _has_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            ch = pattern[i]
            out.append({"*": "[^/]*", "?": "[^/]"}.get(ch, re.escape(ch)))
            i += 1
    return re.compile("".join(out) + r"\Z")


class RepoFiles:
    """Descriptor files of one repository."""

    def __init__(self, repo: str, files: Iterable[str]) -> None:
        self.repo = repo
        self.files = frozenset(files)

    def read(self, key: str) -> str:
        return read_bounded(os.path.join(self.repo, *key.split("/")), inside=self.repo)

    def resolve(self, key: str, target: str) -> tuple[list[str], str | None]:
        if is_url(target):
            return [], f"Location target {target!r} is a URL: not fetched"
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(key), target))
        if target.startswith("/") or joined == ".." or joined.startswith("../"):
            return [], f"Location target {target!r} is outside the repository: ignored"
        if _has_glob(joined):
            regex = _glob_regex(joined)
            matched = sorted(f for f in self.files if regex.match(f))
            if not matched:
                return [], f"Location target {target!r} matches no tracked file"
            return matched, None
        if joined not in self.files:
            return [], f"Location target {target!r} is not a tracked file"
        return [joined], None


class CatalogFiles:
    """Files of a central catalog (absolute paths)."""

    def read(self, key: str) -> str:
        with open(key, "rb") as fh:
            data = fh.read(MAX_CATALOG_BYTES + 1)
        if len(data) > MAX_CATALOG_BYTES:
            raise OSError(0, f"larger than {MAX_CATALOG_BYTES} bytes")
        return data.decode("utf-8", "replace")

    def resolve(self, key: str, target: str) -> tuple[list[str], str | None]:
        if is_url(target):
            return [], f"Location target {target!r} is a URL: not fetched"
        joined = os.path.normpath(os.path.join(os.path.dirname(key), target))
        if _has_glob(joined):
            matched = sorted(glob.glob(joined, recursive=True))
            if not matched:
                return [], f"Location target {target!r} matches no file"
            return matched, None
        return [joined], None


class _Walk:
    def __init__(self, files: DescriptorFiles, report: Report) -> None:
        self.files = files
        self.report = report
        self.seen: set[str] = set()
        self.found: list[FoundComponent] = []

    def visit(self, key: str, chain: tuple[str, ...]) -> None:
        if key in chain:
            cycle = " -> ".join((*chain[chain.index(key) :], key))
            self.report(chain[-1], None, f"Location cycle: {cycle}", False)
            return
        if key in self.seen:
            return
        self.seen.add(key)
        if len(chain) >= MAX_LOCATION_DEPTH:
            self.report(key, None, "Locations nested too deep: not read", False)
            return
        try:
            text = self.files.read(key)
        except OSError as exc:
            self.report(key, None, f"cannot read: {exc.strerror or exc}", True)
            return
        docs, problems = load_documents(text)
        for problem in problems:
            self.report(key, problem.line, f"invalid YAML: {problem.message}", True)
        for doc in docs:
            self._document(key, replace(doc, data=scrub(doc.data)), (*chain, key))

    def _document(self, key: str, doc: YamlDoc, chain: tuple[str, ...]) -> None:
        if doc.data is None:
            return  # empty document (e.g. a trailing `---`)
        if not isinstance(doc.data, dict):
            self.report(key, doc.line, "document is not a mapping: ignored", False)
            return

        def warn(line: int | None, message: str) -> None:
            self.report(key, line, message, False)

        kind = document_kind(doc)
        if kind == "component":
            component = parse_component(doc, warn)
            if component is not None:
                self.found.append(FoundComponent(key=key, doc=doc, component=component))
        elif kind == "location":
            for target in location_targets(doc, warn):
                keys, problem = self.files.resolve(key, target)
                if problem:
                    warn(doc.line_of("spec"), problem)
                for child in keys:
                    self.visit(child, chain)
        elif kind is None:
            warn(doc.line, "document without kind: ignored")


def walk_descriptors(
    files: DescriptorFiles, starts: Sequence[str], report: Report
) -> list[FoundComponent]:
    """Components of the descriptor files `starts` and of every file their Locations name."""
    walk = _Walk(files, report)
    for key in starts:
        walk.visit(key, ())
    return walk.found


def is_descriptor(path: str) -> bool:
    return posixpath.basename(path).lower() in DESCRIPTOR_NAMES


# Where a descriptor name may end a path, in NUL-separated paths: a superset of the
# descriptors (a longer base name, or one `lower()` would not map to a name; each is
# checked with is_descriptor), found in one search instead of a test per path.
_NAME_AT_END = re.compile(
    "(?:" + "|".join(map(re.escape, sorted(DESCRIPTOR_NAMES))) + ")(?=\\0)", re.IGNORECASE
)


def descriptor_paths(paths: Sequence[str]) -> list[str]:
    """The paths of `paths` that are descriptors (is_descriptor), in order."""
    joined = "\0".join(paths) + "\0"
    out = []
    for match in _NAME_AT_END.finditer(joined):
        start = joined.rfind("\0", 0, match.start()) + 1
        path = joined[start : match.end()]
        if is_descriptor(path):
            out.append(path)
    return out
