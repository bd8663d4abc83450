"""File index of a repository: tracked files at HEAD, bounded, never through a symlink."""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass, field

from rung.collect.facts import VENDORED_DIRS
from rung.collect.gitcmd import git


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
    out = git(repo, ["ls-files", "-z", "--cached", "--full-name"])
    return sorted({p for p in out.decode("utf-8", "surrogateescape").split("\0") if p})


def read_index(repo: str, limits: Limits = DEFAULT_LIMITS) -> FileIndex:
    """Index the tracked files of `repo` and read the text of those within bounds.

    Symlinks (tracked or in a parent folder) are never followed; binary files (a NUL byte
    in the first 8 KiB) are indexed but not read; non-UTF-8 text is decoded with
    replacement characters and noted in `skipped` as such.
    """
    idx = FileIndex()
    root_real = os.path.realpath(repo)
    budget = limits.max_total_bytes
    paths = tracked_files(repo)
    dirs: dict[str, bool] = {}  # parent folder -> resolves inside the repository
    if len(paths) > limits.max_files:
        idx.truncated = True
        for p in paths[limits.max_files :]:
            idx.skipped[p] = f"over the limit of {limits.max_files} files"
        paths = paths[: limits.max_files]
    for rel in paths:
        if is_vendored(rel):
            continue
        full = os.path.join(repo, *rel.split("/"))
        try:
            st = os.lstat(full)
        except OSError:
            continue  # deleted in the work tree
        if stat.S_ISLNK(st.st_mode) or not _inside(root_real, full, dirs):
            idx.skipped[rel] = "symlink: not followed"
            continue
        if not _regular(st.st_mode):
            continue
        idx.files.append(rel)
        idx.sizes[rel] = st.st_size
        if st.st_size > limits.max_file_bytes:
            idx.skipped[rel] = f"larger than {limits.max_file_bytes} bytes: not read"
            continue
        if st.st_size > budget:
            idx.skipped[rel] = "repository read budget exhausted: not read"
            continue
        try:
            fd = os.open(full, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as fh:
                data = fh.read(limits.max_file_bytes + 1)
        except OSError as exc:
            idx.skipped[rel] = f"unreadable: {exc.strerror or exc}"
            continue
        budget -= len(data)
        if b"\0" in data[:8192]:
            idx.skipped[rel] = "binary: not read"
            continue
        try:
            idx.texts[rel] = data.decode("utf-8")
        except UnicodeDecodeError:
            idx.texts[rel] = data.decode("utf-8", "replace")
            idx.skipped[rel] = "not UTF-8: read with replacement characters"
    return idx


def _regular(mode: int) -> bool:
    return stat.S_ISREG(mode)


def under(path: str, root: str) -> bool:
    """Whether a repo-relative path lies in the service root."""
    if root in (".", ""):
        return True
    return path == root or path.startswith(root.rstrip("/") + "/")


def parent_dirs(path: str) -> list[str]:
    out = []
    d = posixpath.dirname(path)
    while d:
        out.append(d)
        d = posixpath.dirname(d)
    return out
