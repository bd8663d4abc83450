"""File index of a repository: tracked files at HEAD, bounded, never through a symlink."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from operator import attrgetter

from rung.collect.facts import VENDORED_DIRS
from rung.collect.gitcmd import git
from rung.collect.gitindex import index_listing


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 1024 * 1024  # files above this are indexed but not read
    max_files: int = 50_000  # tracked files beyond this are ignored (reported)
    max_total_bytes: int = 256 * 1024 * 1024  # total text read per repository


DEFAULT_LIMITS = Limits()


@dataclass
class FileIndex:
    files: list[str] = field(default_factory=list)  # tracked, not vendored, regular files
    sizes: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    truncated: bool = False


def is_vendored(path: str) -> bool:
    return any(part in VENDORED_DIRS for part in path.split("/")[:-1])


# A folder named like a vendored tree anywhere in NUL-separated paths.
_VENDORED_FOLDER = re.compile(
    "(?:\\A|[/\\0])(?:" + "|".join(map(re.escape, sorted(VENDORED_DIRS))) + ")/"
)


def not_vendored(paths: list[str]) -> list[str]:
    """`paths` without the vendored ones (is_vendored), in order. One search of all of
    them answers for the usual repository, which vendors nothing."""
    if _VENDORED_FOLDER.search("\0".join(paths)) is None:
        return paths
    return [p for p in paths if not is_vendored(p)]


def _inside(root_real: str, path: str, dirs: dict[str, bool] | None = None) -> bool:
    """Whether `path` (not itself a symlink) resolves inside the repository. With `dirs`,
    each parent folder is resolved once per repository instead of once per file."""
    if dirs is None:
        real = os.path.realpath(path)
        return real == root_real or real.startswith(root_real + os.sep)
    parent = os.path.dirname(path)
    if parent not in dirs:
        real = os.path.realpath(parent)
        dirs[parent] = real == root_real or real.startswith(root_real + os.sep)
    return dirs[parent]


def tracked_files(repo: str) -> list[str]:
    """The paths `git ls-files -z --cached --full-name` prints, sorted, each once; read
    from the index file in-process when `rung.collect.gitindex` can vouch for it."""
    out = index_listing(repo)
    if out is None:
        out = git(repo, ["ls-files", "-z", "--cached", "--full-name"])
    return sorted({p for p in out.decode("utf-8", "surrogateescape").split("\0") if p})


def read_index(repo: str, limits: Limits = DEFAULT_LIMITS) -> FileIndex:
    """Index the tracked files of `repo` and read the text of those within bounds.

    Symlinks (tracked or in a parent folder) are never followed; binary files (a NUL byte
    in the first 8 KiB) are indexed but not read; non-UTF-8 text is decoded with
    replacement characters and noted in `skipped` as such.

    Each folder is listed once (`os.scandir`): a file's type comes from its folder's
    listing, not from a `stat` of its path, and a folder reached through no symlink lies
    in the repository by construction. Any other file (under a symlinked or unlisted
    folder, or missing from its folder's listing) takes the careful way: `lstat` it and
    resolve its folder.
    """
    idx = FileIndex()
    paths = tracked_files(repo)
    if len(paths) > limits.max_files:
        idx.truncated = True
        for p in paths[limits.max_files :]:
            idx.skipped[p] = f"over the limit of {limits.max_files} files"
        paths = paths[: limits.max_files]
    reader = _Reader(repo, paths, limits, idx)
    read, careful, skipped = reader.read, reader.read_careful, idx.skipped
    last_parent: str | None = None
    folder: _Listing | None = None
    vendored = False
    for rel in paths:  # sorted: the files of a folder mostly come one after another
        parent, _, name = rel.rpartition("/")
        if parent != last_parent:
            last_parent = parent
            vendored = bool(parent) and is_vendored(rel)
            folder = None if vendored else reader.folder(parent)
        if vendored:
            continue
        entry = folder.get(name) if folder is not None else None
        if entry is None:
            careful(rel)
        elif entry.is_symlink():
            skipped[rel] = "symlink: not followed"
        elif entry.is_file(follow_symlinks=False):
            read(rel, entry.path)
    return idx


_Listing = dict[str, os.DirEntry[str]]


class _Reader:
    """Reads the files of one repository within its limits into a `FileIndex`."""

    def __init__(self, repo: str, paths: list[str], limits: Limits, idx: FileIndex) -> None:
        self.repo, self.paths, self.limits, self.idx = repo, paths, limits, idx
        self.budget = limits.max_total_bytes
        self.prefix = os.path.join(repo, "")
        self.limit = limits.max_file_bytes + 1  # bytes read of a file at most
        self.first_read = min(_FIRST_READ, self.limit)
        self.listings: dict[str, _Listing | None] = {}  # None: under a symlinked folder
        self.inside: dict[str, bool] = {}  # parent folder -> resolves inside the repository

    def folder(self, rel: str) -> _Listing | None:
        """The listing of a folder reached from the repository root through folders only
        (no symlink), None when that is not so or it cannot be listed."""
        try:
            return self.listings[rel]
        except KeyError:
            pass
        listing: _Listing | None = None
        if not rel:
            listing = self._list(self.repo, rel)
        else:
            parent, _, name = rel.rpartition("/")
            above = self.folder(parent)
            entry = above.get(name) if above is not None else None
            if entry is not None and entry.is_dir(follow_symlinks=False):
                listing = self._list(entry.path, rel)
        self.listings[rel] = listing
        return listing

    def _list(self, path: str, rel: str) -> _Listing | None:
        """name -> entry of the folder `rel` at `path`; None when it cannot be listed or
        is crowded with untracked entries (more than `_LIST_AT_MOST`, plus 16 per tracked
        file in it: its files then go the careful way)."""
        try:
            with os.scandir(path) as it:
                entries = list(islice(it, _LIST_AT_MOST + 1))
                most = _LIST_AT_MOST
                if len(entries) > most:  # only then are its tracked files counted
                    most += 16 * self.tracked[rel]
                    entries += islice(it, most + 1 - len(entries))
        except OSError:
            return None
        if len(entries) > most:
            return None
        return dict(zip(map(_NAME, entries), entries, strict=True))

    @cached_property
    def tracked(self) -> Counter[str]:
        """folder -> tracked files directly in it."""
        return Counter([rel.rpartition("/")[0] for rel in self.paths])

    @cached_property
    def root_real(self) -> str:
        return os.path.realpath(self.repo)

    def read_careful(self, rel: str) -> None:
        """A file whose folder lies under a symlink: `lstat` it, resolve its folder."""
        full = self.prefix + rel
        try:
            st = os.lstat(full)
        except OSError:
            return  # deleted in the work tree
        if stat.S_ISLNK(st.st_mode) or not _inside(self.root_real, full, self.inside):
            self.idx.skipped[rel] = "symlink: not followed"
        elif _regular(st.st_mode):
            self.read(rel, full)

    def read(self, rel: str, full: str) -> None:
        """Index a regular file and read its text within bounds. The first `read` asks
        for up to `_FIRST_READ` bytes: a short answer is the whole file (a regular file
        reads short only at its end), so a small file needs no `fstat`; a larger one is
        measured, then read on if within bounds (`_read_more`)."""
        try:
            fd = os.open(full, _OPEN_FLAGS)
        except OSError as exc:
            self._unopened(rel, full, exc)
            return
        idx = self.idx
        try:
            try:
                data = os.read(fd, self.first_read)
            except OSError as exc:
                self._index(rel, os.fstat(fd).st_size, f"unreadable: {exc.strerror or exc}")
                return
            if len(data) < self.first_read and len(data) <= self.budget:  # whole, in bounds
                idx.files.append(rel)
                idx.sizes[rel] = len(data)
            else:
                more = self._read_more(rel, fd, data)
                if more is None:
                    return
                data = more
        except OSError as exc:
            idx.skipped[rel] = f"unreadable: {exc.strerror or exc}"
            return
        finally:
            os.close(fd)
        self.budget -= len(data)
        if data.find(b"\0", 0, 8192) >= 0:
            idx.skipped[rel] = "binary: not read"
            return
        try:
            idx.texts[rel] = data.decode("utf-8")
        except UnicodeDecodeError:
            idx.texts[rel] = data.decode("utf-8", "replace")
            idx.skipped[rel] = "not UTF-8: read with replacement characters"

    def _read_more(self, rel: str, fd: int, data: bytes) -> bytes | None:
        """Index a file whose first `read` gave `data` but not all of it, or more than the
        budget left: its bytes within bounds, None when it is not to be read."""
        whole = len(data) < self.first_read
        size = len(data) if whole else os.fstat(fd).st_size
        if self._index(rel, size, None):
            return None
        return data if whole else _read_on(fd, data, self.limit, size)

    def _unopened(self, rel: str, full: str, exc: OSError) -> None:
        """A file that cannot be opened is indexed with the reason (unless it is gone)."""
        try:
            size = os.lstat(full).st_size
        except OSError:
            return  # deleted in the work tree
        self._index(rel, size, f"unreadable: {exc.strerror or exc}")

    def _index(self, rel: str, size: int, unreadable: str | None) -> bool:
        """Add a file to the index; True when it is not to be read."""
        idx, limits = self.idx, self.limits
        idx.files.append(rel)
        idx.sizes[rel] = size
        if size > limits.max_file_bytes:
            idx.skipped[rel] = f"larger than {limits.max_file_bytes} bytes: not read"
        elif size > self.budget:
            idx.skipped[rel] = "repository read budget exhausted: not read"
        elif unreadable is not None:
            idx.skipped[rel] = unreadable
        else:
            return False
        return True


_LIST_AT_MOST = 1024  # entries of a folder listing, plus 16 per tracked file in it
_NAME = attrgetter("name")


_FIRST_READ = 64 * 1024  # bytes asked by the first read of a file: nearly all source files
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)


def _read_on(fd: int, data: bytes, limit: int, size: int) -> bytes:
    """Up to `limit` bytes of an open regular file of `size` bytes whose first bytes,
    `data`, are read: one more `read` asking for one byte more than the rest returns all
    of it (more calls if it grew or read short)."""
    chunks = [data]
    got = len(data)
    ask = min(limit, size + 1) - got
    while got < limit:
        chunk = os.read(fd, ask if ask > 0 else limit - got)
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
        if len(chunk) < ask and got >= size:
            break  # its end
        ask = limit - got
    return b"".join(chunks)


def _regular(mode: int) -> bool:
    return stat.S_ISREG(mode)


def under(path: str, root: str) -> bool:
    """Whether a repo-relative path lies in the service root."""
    if root in (".", ""):
        return True
    return path == root or path.startswith(root.rstrip("/") + "/")


def in_roots(paths: Iterable[str], roots: Sequence[str]) -> list[str]:
    """The paths that lie in any of the service roots (`under` one of them), in order:
    one `startswith` of all the roots' prefixes per path."""
    if any(root in (".", "") for root in roots):
        return list(paths)
    exact = set(roots)
    prefixes = tuple(root.rstrip("/") + "/" for root in roots)
    return [p for p in paths if p.startswith(prefixes) or p in exact]


def parent_dirs(path: str) -> list[str]:
    out = []
    d = posixpath.dirname(path)
    while d:
        out.append(d)
        d = posixpath.dirname(d)
    return out
