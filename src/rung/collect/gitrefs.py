"""Git refs read from the files of a plain `.git` folder, as git itself reads them, for
the common layouts; anything unusual is left to git (the callers fall back to it)."""

from __future__ import annotations

import os
import stat

_HEX = frozenset("0123456789abcdef")


def _object_id(text: str) -> str | None:
    return text if len(text) in (40, 64) and set(text) <= _HEX else None


def head_from_files(repo_path: str) -> str | None:
    """HEAD's commit read from the files of a plain `.git` folder, or None when that
    needs git itself (never follows a symlink: `.git/HEAD` and refs must be files)."""
    git_dir = os.path.join(repo_path, ".git")
    try:
        head = _read_plain(os.path.join(git_dir, "HEAD")).strip()
        if not head.startswith("ref: "):
            return _object_id(head)
        ref = head[5:].strip()
        if not ref.startswith("refs/") or ".." in ref.split("/"):
            return None
        try:
            return _object_id(_read_plain(os.path.join(git_dir, *ref.split("/"))).strip())
        except FileNotFoundError:
            return _packed(git_dir, ref)
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _read_plain(path: str) -> str:
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise ValueError(f"{path}: not a regular file")
    with open(path, encoding="utf-8") as fh:
        return fh.read(4096)


def _packed(git_dir: str, ref: str) -> str | None:
    path = os.path.join(git_dir, "packed-refs")
    if not stat.S_ISREG(os.lstat(path).st_mode):
        return None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            oid, _, name = line.rstrip("\n").partition(" ")
            if name == ref:
                return _object_id(oid)
    return None
