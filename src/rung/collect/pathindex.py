"""Path lookups of one repository, built once and shared by all of its services.

Checks ask the same questions of every path of a repository ("which base names match
these globs?", "what lies in this folder?"); answering them by scanning every path per
pattern per check dominated a scan. A `PathIndex` groups the paths by lower-cased base
name and by folder once, answers glob queries over the distinct base names with one
compiled regular expression, and remembers each answer (`memo`) for the other checks
and services of the repository. Results keep the order of `paths`. Literals are found in
paths (`select`'s needles) and in texts (`holding`) by one search over them joined, not
by one test per path or file: most hold none.
"""

from __future__ import annotations

import bisect
import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache, partial
from itertools import accumulate
from typing import Any, TypeVar

T = TypeVar("T")
_MISSING: Any = object()  # no memo entry (a memo may hold None)
_GLOB_CHARS = frozenset("*?[")


@lru_cache(maxsize=4096)
def glob_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching (`.match`) what any of the lower-cased globs matches with
    `fnmatch.fnmatchcase`."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p.lower())})" for p in patterns))


@lru_cache(maxsize=4096)
def _lowered(patterns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.lower() for p in patterns)


@lru_cache(maxsize=4096)
def _plan(
    pats: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...], re.Pattern[str] | None]:
    """How `PathIndex.find` answers lower-cased globs: exact base names, extensions
    ("*.ext"), (prefix, suffix) pairs (one "*") and one regex for the other globs."""
    names: list[str] = []
    exts: list[str] = []
    affixes: list[tuple[str, str]] = []
    globs: list[str] = []
    for pat in pats:
        if not _GLOB_CHARS.intersection(pat):
            names.append(pat)
        elif "?" in pat or "[" in pat or pat.count("*") != 1:
            globs.append(pat)
        elif pat.startswith("*.") and "." not in pat[2:] and len(pat) > 2:
            exts.append(pat[2:])
        else:
            head, _, tail = pat.partition("*")
            affixes.append((head, tail))
    rx = glob_regex(tuple(globs)) if globs else None
    return tuple(names), tuple(exts), tuple(affixes), rx


def joined(strings: Sequence[str], sep: str = "\0") -> tuple[str, list[int]]:
    """The strings joined by `sep` (one character), and where each starts, plus where
    one more would start (so that the next string's start is always there)."""
    return sep.join(strings), list(accumulate((len(s) + 1 for s in strings), initial=0))


def mark_hits(find: Callable[[int], int], starts: list[int], found: set[int]) -> None:
    """Add to `found` the index of each joined string (starting at `starts`, as `joined`
    gives them) that holds a hit. `find(pos)` is where the first hit at or after `pos`
    starts, or -1; after each hit the search goes on from the next string's start, so
    each string is marked once, and one search over all of them replaces one per string
    (a hit must not span the separator)."""
    at = find(0)
    while at >= 0:
        i = bisect.bisect_right(starts, at) - 1
        found.add(i)
        at = find(starts[i + 1])


def _holding(text: str, starts: list[int], needles: Iterable[str]) -> set[int]:
    """Indices of the strings joined in `text` (NUL-separated) holding one of `needles`
    (literals without a NUL): one `str.find` per needle and hit."""
    out: set[int] = set()
    for needle in needles:
        mark_hits(partial(text.find, needle), starts, out)
    return out


def holding(texts: Mapping[str, str], paths: Iterable[str], literals: Iterable[str]) -> list[str]:
    """The `paths` (in their order) whose text in `texts` holds one of `literals` (none
    holding a NUL): one search over the texts joined, not one test per file."""
    have = [p for p in paths if p in texts]
    hits = _holding(*joined([texts[p] for p in have]), literals)
    return [have[i] for i in sorted(hits)]


class PathIndex:
    """Lookups over a sequence of repository-relative POSIX paths (picklable)."""

    __slots__ = (
        "_by_base",
        "_by_dir",
        "_by_ext",
        "_exts",
        "_memo",
        "_odd",
        "_sorted_bases",
        "paths",
    )

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths: tuple[str, ...] = tuple(paths)
        by_base: dict[str, list[int]] = {}
        by_dir: dict[str, list[int]] = {}
        dirname = posixpath.dirname
        self._odd = False  # a path with an empty segment, whose folder is not its head
        for i, p in enumerate(self.paths):
            folder, sep, base = p.rpartition("/")
            if folder[-1:] == "/" or (sep and not folder):  # "a//b", "/b": as posixpath does
                folder = dirname(p)
                self._odd = True
            low = base.lower()
            if low in by_base:
                by_base[low].append(i)
            else:
                by_base[low] = [i]
            if folder in by_dir:
                by_dir[folder].append(i)
            else:
                by_dir[folder] = [i]
        self._by_base = by_base
        self._by_dir = by_dir
        self._memo: dict[Any, Any] = {}
        self._by_ext: dict[str, list[int]] | None = None
        self._exts: tuple[str, ...] | None = None
        self._sorted_bases: list[str] | None = None

    def __getstate__(self) -> tuple[tuple[str, ...], dict[Any, Any]]:
        return self.paths, self._memo

    def __setstate__(self, state: tuple[tuple[str, ...], dict[Any, Any]]) -> None:
        self.__init__(state[0])  # type: ignore[misc]
        self._memo = state[1]

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()` once per key for this index (keys name the question asked)."""
        value = self._memo.get(key, _MISSING)
        if value is _MISSING:
            value = self._memo[key] = compute()
        return value  # type: ignore[no-any-return]

    def bases(self) -> Iterable[str]:
        """The distinct lower-cased base names."""
        return self._by_base.keys()

    def find(self, patterns: Iterable[str]) -> tuple[str, ...]:
        """Paths whose lower-cased base name matches any glob (case-insensitive)."""
        pats = _lowered(patterns if type(patterns) is tuple else tuple(patterns))
        key = ("find", pats)
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = self._memo[key] = self._find(pats)
        return found  # type: ignore[no-any-return]

    def _find(self, pats: tuple[str, ...]) -> tuple[str, ...]:
        names, exts, affixes, rx = _plan(pats)
        by_base = self._by_base
        hits: set[int] = set()
        for name in names:
            hits.update(by_base.get(name, ()))
        if exts:
            by_ext = self._ext_groups()
            for ext in exts if len(exts) < len(by_ext) else by_ext.keys() & set(exts):
                hits.update(by_ext.get(ext, ()))
        for head, tail in affixes:  # one "*": a prefix and a suffix of the base name
            for base in self._starting(head):
                if base.endswith(tail) and len(base) >= len(head) + len(tail):
                    hits.update(by_base[base])
        if rx is not None:
            for base in filter(rx.match, by_base):
                hits.update(by_base[base])
        return tuple(map(self.paths.__getitem__, sorted(hits)))

    def _starting(self, head: str) -> Iterator[str]:
        """The distinct lower-cased base names starting with `head`."""
        if not head:
            yield from self._by_base
            return
        ordered = self._sorted_bases
        if ordered is None:
            ordered = self._sorted_bases = sorted(self._by_base)
        for i in range(bisect.bisect_left(ordered, head), len(ordered)):
            if not ordered[i].startswith(head):
                return
            yield ordered[i]

    @property
    def exts(self) -> tuple[str, ...]:
        """The lower-cased extension of each path (what follows the last "." of its base
        name, "" without one), in the order of `paths`."""
        if self._exts is None:
            exts = [""] * len(self.paths)
            for ext, idx in self._ext_groups().items():
                for i in idx:
                    exts[i] = ext
            self._exts = tuple(exts)
        return self._exts

    def with_ext(self, exts: frozenset[str]) -> tuple[str, ...]:
        """Paths whose lower-cased extension (what follows the last "." of the base name,
        "" without one) is in `exts` (lower-case), in the order of `paths`."""
        return self.select(exts)

    def select(
        self,
        exts: frozenset[str] = frozenset(),
        names: frozenset[str] = frozenset(),
        rx: re.Pattern[str] | None = None,
        needles: tuple[str, ...] = (),
    ) -> tuple[str, ...]:
        """Candidate paths, in the order of `paths`: those whose lower-cased base name has
        an extension in `exts`, is one of `names` or fully matches `rx`, whose lower-cased
        path holds one of `needles`, and any whose base name ends with a newline (a `$`
        in a pattern matches before it). Callers still test each candidate; each answer
        is computed once."""
        key = ("select", exts, names, rx, needles)
        return self.memo(key, lambda: self._select(exts, names, rx, needles))

    def _select(
        self,
        exts: frozenset[str],
        names: frozenset[str],
        rx: re.Pattern[str] | None,
        needles: tuple[str, ...],
    ) -> tuple[str, ...]:
        by_ext = self._ext_groups()
        by_base = self._by_base
        hits: set[int] = set(self.memo("newline_bases", self._newline_bases))
        for e in exts if len(exts) < len(by_ext) else exts.intersection(by_ext):
            hits.update(by_ext.get(e, ()))
        for n in names if len(names) < len(by_base) else names.intersection(by_base):
            hits.update(by_base.get(n, ()))
        if rx is not None:
            for base in filter(rx.fullmatch, by_base):
                hits.update(by_base[base])
        if needles:
            hits.update(self.memo(("containing", needles), lambda: self._containing(needles)))
        return tuple(map(self.paths.__getitem__, sorted(hits)))

    def _ext_groups(self) -> dict[str, list[int]]:
        """Lower-cased extension -> indices of the paths with it."""
        by_ext = self._by_ext
        if by_ext is None:
            by_ext = self._by_ext = {}
            for base, idx in self._by_base.items():  # lower-cased, no "/"
                dot = base.rfind(".")
                ext = base[dot + 1 :] if dot >= 0 else ""
                if ext in by_ext:
                    by_ext[ext].extend(idx)
                else:
                    by_ext[ext] = idx.copy()
        return by_ext

    def _newline_bases(self) -> tuple[int, ...]:
        if "\n" not in "".join(self._by_base):
            return ()
        return tuple(i for base, idx in self._by_base.items() if base.endswith("\n") for i in idx)

    def _containing(self, needles: tuple[str, ...]) -> set[int]:
        """Indices of the paths whose lower-cased text holds one of `needles`."""
        joined, starts = self.memo("joined_lower", self._joined_lower)
        return _holding(joined, starts, needles)

    def _joined_lower(self) -> tuple[str, list[int]]:
        """The lower-cased paths joined by NUL (no path holds one) and where each starts."""
        return joined(list(map(str.lower, self.paths)))

    def under(self, folders: Iterable[str]) -> tuple[str, ...]:
        """Paths starting with "<folder>/" for one of `folders`, in the order of `paths`:
        one test per folder of the index (a path's folder is its text before the last "/",
        unless it has an empty segment)."""
        prefixes = tuple(f + "/" for f in folders)
        if self._odd:
            return tuple(p for p in self.paths if p.startswith(prefixes))
        hits = [
            i
            for folder, idx in self._by_dir.items()
            if folder and (folder + "/").startswith(prefixes)
            for i in idx
        ]
        return tuple(map(self.paths.__getitem__, sorted(hits)))

    def in_folders(self, names: frozenset[str]) -> tuple[str, ...]:
        """Paths with a folder named one of `names` (lower-case) along their folder path,
        in the order of `paths`."""
        return self.memo(("in_folders", names), lambda: self._in_folders(names))

    def _in_folders(self, names: frozenset[str]) -> tuple[str, ...]:
        hits: list[int] = []
        for folder, idx in self._by_dir.items():
            if not names.isdisjoint(folder.lower().split("/")):
                hits += idx
        return tuple(map(self.paths.__getitem__, sorted(hits)))

    def ordered(self, *groups: Iterable[str]) -> tuple[str, ...]:
        """The distinct paths of `groups` (paths of this index) in the order of `paths`."""
        position = self.memo("position", self._positions)
        return tuple(sorted({p for g in groups for p in g}, key=position.__getitem__))

    def among(self, paths: Iterable[str]) -> tuple[str, ...]:
        """The distinct `paths` that are paths of this index, in the order of `paths`."""
        position = self.memo("position", self._positions)
        return tuple(sorted({p for p in paths if p in position}, key=position.__getitem__))

    def _positions(self) -> dict[str, int]:
        """Path -> the index of its first occurrence."""
        paths = self.paths
        return dict(zip(reversed(paths), range(len(paths) - 1, -1, -1), strict=True))

    def by_lower(self, low: str) -> str | None:
        """The path whose lower-cased form is `low` (the last of those lower-casing alike),
        found among the paths of its base name."""
        hit = None
        for i in self._by_base.get(low.rpartition("/")[2], ()):
            if self.paths[i].lower() == low:
                hit = self.paths[i]
        return hit

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
        return [p for p in (self.paths[i] for i in idx) if rx.match(p.rpartition("/")[2].lower())]
