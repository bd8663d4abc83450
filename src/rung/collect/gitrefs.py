"""Git refs read from the files of a plain `.git` folder, as git itself reads them, for
the common layouts; anything unusual is left to git (the callers fall back to it)."""

from __future__ import annotations

import os
import re
import stat

OBJECT_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1 or SHA-256


def _object_id(text: str) -> str | None:
    return text if OBJECT_ID.fullmatch(text) else None


def head_from_files(repo_path: str) -> str | None:
    """HEAD's commit read from the files of a plain `.git` folder, or None when that
    needs git itself (never follows a symlink: `.git/HEAD` and refs must be files)."""
    git_dir = os.path.join(repo_path, ".git")
    try:
        head = read_plain(os.path.join(git_dir, "HEAD")).strip()
        if not head.startswith("ref: "):
            return _object_id(head)
        ref = head[5:].strip()
        if not ref.startswith("refs/") or ".." in ref.split("/"):
            return None
        try:
            return _object_id(read_plain(os.path.join(git_dir, *ref.split("/"))).strip())
        except FileNotFoundError:
            return _packed(git_dir, ref)
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def read_plain(path: str, limit: int = 4096) -> str:
    """The text of a small file of `.git`: never through a symlink (ValueError for
    anything but a regular file of at most `limit` bytes; OSError when unreadable)."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
        raise ValueError(f"{path}: not a regular file of at most {limit} bytes")
    return _read_bytes(path, limit).decode("utf-8", "replace")


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def _read_bytes(path: str, limit: int) -> bytes:
    """Up to `limit` bytes of a file found regular, opened without following a symlink
    (OSError if it became one). `os` calls: a ref is read for every repository, and
    `open()` costs several times more."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        chunks: list[bytes] = []
        got = 0
        while got < limit and (chunk := os.read(fd, limit - got)):
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


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


_TAG_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+@-]*")


def refs_from_files(repo_path: str) -> tuple[str, tuple[str, ...]] | None:
    """HEAD's commit and the tag names as `git rev-parse HEAD^{commit} --symbolic --tags`
    gives them, read from a plain `.git` folder (HEAD, loose refs under refs/tags,
    packed-refs), or None whenever that reading might differ from git's: a `.git` file,
    a reftable, a symlink or anything but a file or folder among the tag refs, a ref
    that is no object id, a tag name outside plain characters, HEAD not on a plain
    branch or commit. Limit: a tag whose object is missing (a corrupt repository) is
    listed, where git leaves it out. This saves one git process per repository."""
    git_dir = os.path.join(repo_path, ".git")
    try:
        if not stat.S_ISDIR(os.lstat(git_dir).st_mode) or os.path.lexists(
            os.path.join(git_dir, "reftable")
        ):
            return None
        head = head_from_files(repo_path)
        if head is None:
            return None
        tags = _loose_tags(os.path.join(git_dir, "refs", "tags"), "")
        if tags is None:
            return None
        packed = _packed_tags(os.path.join(git_dir, "packed-refs"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if packed is None:
        return None
    return head, tuple(sorted(set(tags) | set(packed)))


def _loose_tags(folder: str, prefix: str) -> list[str] | None:
    out: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return out
    for entry in entries:
        if not _TAG_NAME.fullmatch(entry.name) or entry.name.endswith(".lock"):
            return None
        name = prefix + entry.name
        if entry.is_dir(follow_symlinks=False):
            inner = _loose_tags(entry.path, name + "/")
            if inner is None:
                return None
            out += inner
        elif entry.is_file(follow_symlinks=False):
            if not OBJECT_ID.fullmatch(_read_bytes(entry.path, 200).decode("ascii").strip()):
                return None
            out.append(name)
        else:
            return None
    return out


def _packed_tags(path: str) -> list[str] | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
    except FileNotFoundError:
        return []
    out: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith(("#", "^")):
                continue
            oid, _, ref = line.rstrip("\n").partition(" ")
            if not OBJECT_ID.fullmatch(oid):
                return None
            if ref.startswith("refs/tags/"):
                name = ref[len("refs/tags/") :]
                parts = name.split("/")
                if not all(_TAG_NAME.fullmatch(p) and not p.endswith(".lock") for p in parts):
                    return None
                out.append(name)
    return out
