"""Finding git repositories on disk, and what a repository says about its origin."""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterator, Sequence

from rung.catalog.urls import strip_credentials
from rung.collect.facts import VENDORED_DIRS
from rung.collect.gitcmd import GitError, git, global_configs
from rung.collect.gitrefs import read_plain
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
    """`git remote get-url origin` without credentials, or None. Read from
    `.git/config` when that file alone decides it (see `_plain_origin`), else from git."""
    url = _plain_origin(repo)
    if url is _ASK_GIT:
        try:
            out = git(repo, ["remote", "get-url", "origin"], timeout=30.0)
        except GitError:
            return None
        url = out.decode("utf-8", "replace").strip()
    return strip_credentials(url) if url else None


_ASK_GIT = "\0ask git"
_SECTION = re.compile(r"\s*\[\s*([A-Za-z0-9.-]+)(?:\s+\"([^\"\\]*)\")?\s*\]\s*(.*)$")
_URL_KEY = re.compile(r"\s*url\s*=\s*(.*?)\s*$", re.IGNORECASE)
_BARE_URL = re.compile(r"\s*url\s*$", re.IGNORECASE)
_CONFIG_LIMIT = 256 * 1024
# What in a global config could make `git remote get-url` answer otherwise than a plain
# reading of the repository's own config: URL rewriting, includes, an origin remote.
_RISKY_WORDS = ("insteadof", "include", "remote.origin", "[remote")


def _plain_origin(repo: str) -> str | None:
    """remote.origin.url as git reads it, when nothing but the repository's own plain
    `.git/config` can decide it; `_ASK_GIT` whenever something else could (a `.git`
    file or symlink, includes, `insteadOf` rewriting in any config git reads, legacy
    `remotes/` or `branches/` files, quoting or escapes in the value, an unreadable or
    huge file). This saves one git process per repository during discovery."""
    git_dir = os.path.join(repo, ".git")
    try:
        if not stat.S_ISDIR(os.lstat(git_dir).st_mode) or not _outer_configs_plain():
            return _ASK_GIT
        for legacy in ("remotes", "branches"):
            if os.path.lexists(os.path.join(git_dir, legacy, "origin")):
                return _ASK_GIT
        text = read_plain(os.path.join(git_dir, "config"), _CONFIG_LIMIT)
    except (OSError, ValueError):
        return _ASK_GIT
    if "insteadof" in text.lower() or "include" in text.lower():
        return _ASK_GIT
    section: tuple[str, str | None] = ("", None)
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m is None and line.lstrip().startswith("["):
            return _ASK_GIT  # a header this reading does not understand
        if m:
            section = (m.group(1).lower(), m.group(2))
            line = m.group(3)
            if "." in section[0]:  # [remote.origin]: the old syntax
                return _ASK_GIT
        if section != ("remote", "origin"):
            continue
        if _BARE_URL.match(line):
            return _ASK_GIT  # `url` with no value: a boolean
        u = _URL_KEY.match(line)
        if u:
            value = u.group(1)
            if any(c in value for c in '"\\;#') or value.endswith("\\"):
                return _ASK_GIT
            return value  # the first url is the one get-url prints
    return None


@functools.cache
def _outer_configs_plain() -> bool:
    """The global configs git reads under rung.collect.gitcmd hold nothing that could
    change an origin URL. Read once per process."""
    for path in global_configs():
        try:
            text = read_plain(path, _CONFIG_LIMIT)
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return False
        if any(w in text.lower() for w in _RISKY_WORDS):
            return False
    return True
