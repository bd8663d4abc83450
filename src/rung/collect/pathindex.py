"""Path lookups of one repository, built once and shared by all of its services.

Checks ask the same questions of every path of a repository ("which base names match
these globs?", "what lies in this folder?"); answering them by scanning every path per
pattern per check dominated a scan. A `PathIndex` groups the paths by lower-cased base
name and by folder once, answers glob queries over the distinct base names with one
compiled regular expression, and remembers each answer (`memo`) for the other checks
and services of the repository. Results keep the order of `paths`.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")
_GLOB_CHARS = frozenset("*?[")


@lru_cache(maxsize=4096)
def glob_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching (`.match`) what any of the lower-cased globs matches with
    `fnmatch.fnmatchcase`."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p.lower())})" for p in patterns))


class PathIndex:
    """Lookups over a sequence of repository-relative POSIX paths (picklable)."""

    __slots__ = ("_by_base", "_by_dir", "_memo", "paths")

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths: tuple[str, ...] = tuple(paths)
        self._by_base: dict[str, list[int]] = {}
        self._by_dir: dict[str, list[int]] = {}
        for i, p in enumerate(self.paths):
            self._by_base.setdefault(posixpath.basename(p).lower(), []).append(i)
            self._by_dir.setdefault(posixpath.dirname(p), []).append(i)
        self._memo: dict[Any, Any] = {}

    def __getstate__(self) -> tuple[tuple[str, ...], dict[Any, Any]]:
        return self.paths, self._memo

    def __setstate__(self, state: tuple[tuple[str, ...], dict[Any, Any]]) -> None:
        self.__init__(state[0])  # type: ignore[misc]
        self._memo = state[1]

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()` once per key for this index (keys name the question asked)."""
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def bases(self) -> Iterable[str]:
        """The distinct lower-cased base names."""
        return self._by_base.keys()

    def find(self, patterns: Iterable[str]) -> tuple[str, ...]:
        """Paths whose lower-cased base name matches any glob (case-insensitive)."""
        pats = tuple(p.lower() for p in patterns)
        return self.memo(("find", pats), lambda: self._find(pats))

    def _find(self, pats: tuple[str, ...]) -> tuple[str, ...]:
        literal = [p for p in pats if not _GLOB_CHARS.intersection(p)]
        globs = tuple(p for p in pats if _GLOB_CHARS.intersection(p))
        hits: set[int] = set()
        for name in literal:
            hits.update(self._by_base.get(name, ()))
        if globs:
            rx = glob_regex(globs)
            for base, idx in self._by_base.items():
                if rx.match(base):
                    hits.update(idx)
        return tuple(self.paths[i] for i in sorted(hits))

    def with_base(self, names: Iterable[str]) -> tuple[str, ...]:
        """Paths whose lower-cased base name is one of `names` (lower-case)."""
        hits = sorted(i for n in set(names) for i in self._by_base.get(n, ()))
        return tuple(self.paths[i] for i in hits)

    def in_dir(self, folder: str, patterns: Iterable[str] | None = None) -> list[str]:
        """Paths directly in `folder` ("" for the top), optionally only those whose
        lower-cased base name matches a glob."""
        idx = self._by_dir.get(folder, ())
        if patterns is None:
            return [self.paths[i] for i in idx]
        pats = tuple(patterns)
        if not pats:
            return []
        rx = glob_regex(pats)
        return [p for p in (self.paths[i] for i in idx) if rx.match(posixpath.basename(p).lower())]
