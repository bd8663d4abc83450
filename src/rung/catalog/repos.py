"""Finding git repositories on disk, and what a repository says about its origin."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from rung.catalog.urls import strip_credentials
from rung.collect.facts import VENDORED_DIRS
from rung.collect.gitcmd import GitError, git
from rung.errors import ConfigError


def is_repository(path: str) -> bool:
    """A folder with a `.git` folder or file (a work tree, a linked worktree, a submodule)."""
    dot_git = os.path.join(path, ".git")
    return os.path.isdir(dot_git) or os.path.isfile(dot_git)


def _scan(folder: str) -> Iterator[str]:
    """Repositories below `folder`: never through a symlink, never inside a repository."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                subdirs = [
                    e.path
                    for e in entries
                    if e.name not in VENDORED_DIRS and e.is_dir(follow_symlinks=False)
                ]
        except OSError:
            continue  # unreadable folder: nothing to find there
        for sub in subdirs:
            if is_repository(sub):
                yield sub
            else:
                stack.append(sub)


def find_repositories(paths: Sequence[str]) -> list[str]:
    """Git repositories named by `paths`: each is a repository or a folder holding many.

    A folder is searched for repositories, not following symlinks and not descending into
    a repository found (its nested repositories, such as submodules, are not separate
    entries). The paths given themselves are taken as given (a symlink named on the
    command line is used). Returns sorted absolute paths without duplicates.
    """
    found: dict[str, str] = {}  # real path -> absolute path as first found
    for given in paths:
        path = os.path.abspath(given)
        if not os.path.exists(path):
            raise ConfigError(f"{given}: no such file or folder")
        if not os.path.isdir(path):
            raise ConfigError(f"{given}: not a folder (expected a git repository or a folder)")
        repos = [path] if is_repository(path) else list(_scan(path))
        for repo in repos:
            found.setdefault(os.path.realpath(repo), repo)
    return sorted(found.values())


def origin_url(repo: str) -> str | None:
    """`git remote get-url origin` without credentials, or None."""
    try:
        out = git(repo, ["remote", "get-url", "origin"], timeout=30.0)
    except GitError:
        return None
    url = out.decode("utf-8", "replace").strip()
    return strip_credentials(url) if url else None
