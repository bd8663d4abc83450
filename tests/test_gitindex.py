"""The paths read from `.git/index` in-process are exactly those `git ls-files -z --cached
--full-name` prints, for real repositories built with git; whatever the reader does not
vouch for goes to git, with git's answer or git's error."""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import Repo
from rung.collect import gitindex
from rung.collect.files import tracked_files
from rung.collect.gitcmd import GitError, git
from rung.collect.gitindex import index_listing


def _listing(repo: Path) -> bytes:
    return git(str(repo), ["ls-files", "-z", "--cached", "--full-name"])


def _as_git(repo: Path) -> list[str]:
    return sorted({p for p in _listing(repo).decode("utf-8", "surrogateescape").split("\0") if p})


def _read_in_process(repo: Path) -> list[str]:
    """The reader answers, with git's bytes in git's order (a path once per stage)."""
    assert index_listing(str(repo)) == _listing(repo)
    got = tracked_files(str(repo))
    assert got == _as_git(repo)
    return got


def _outcome(read: Callable[[], list[str]]) -> tuple[str, object]:
    try:
        return "listed", read()
    except GitError as exc:
        return "git failed", str(exc)


def _falls_back(repo: Path) -> tuple[str, object]:
    """The reader leaves it to git: the same paths as git, or the same GitError."""
    assert index_listing(str(repo)) is None
    got = _outcome(lambda: tracked_files(str(repo)))
    assert got == _outcome(lambda: _as_git(repo))
    return got


def _version(repo: Path) -> int:
    return int.from_bytes((repo / ".git" / "index").read_bytes()[4:8], "big")


def _blob(repo: Repo, path: str) -> str:
    return repo.git("rev-parse", f"HEAD:{path}").strip()


ODD_NAMES: dict[str, str | bytes] = {
    "README.md": "# r\n",
    "src/app.py": "print(1)\n",
    "src/deep/er/mod.py": "x = 1\n",
    "src/deep/er2.py": "y = 2\n",
    "src-x/a.txt": "a\n",
    "src.txt": "s\n",
    "with space/and\ttab.txt": "t\n",
    "new\nline.txt": "n\n",
    "café/naïve – ünïcödé.txt": "u\n",
    "empty": "",
    "conflict.txt": "base\n",
}


def _rich(path: Path) -> Repo:
    """Nested folders, odd names, a file with invalid UTF-8 bytes in its name (if the file
    system takes it), a merge conflict (stages 1-3), a gitlink, a path longer than 0xFFF
    bytes, a file staged but not committed, one deleted from the work tree but staged."""
    repo = Repo(path)
    repo.commit(ODD_NAMES)
    try:
        fd = os.open(os.path.join(os.fsencode(path), b"bad-\xff\xfe.txt"), os.O_CREAT | os.O_WRONLY)
        os.close(fd)
    except OSError:
        pass  # a file system that only takes UTF-8 names
    repo.commit()
    repo.git("checkout", "-q", "-b", "other")
    repo.commit({"conflict.txt": "other\n"})
    repo.git("checkout", "-q", "main")
    head = repo.commit({"conflict.txt": "main\n"})
    with pytest.raises(subprocess.CalledProcessError):
        repo.git("merge", "-q", "other")
    empty = _blob(repo, "empty")
    long_path = "/".join(["l" * 200] * 25) + "/leaf.txt"  # 5,034 bytes: flags say 0xFFF
    repo.git("update-index", "--add", "--cacheinfo", f"100644,{empty},{long_path}")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},vendor/sub")
    repo.write({"staged.txt": "staged\n", "src/deep/staged.py": "z = 3\n"})
    repo.git("add", "staged.txt", "src/deep/staged.py")
    (repo.path / "src.txt").unlink()
    return repo


@pytest.mark.parametrize("version", [2, 4])
def test_index_versions_2_and_4(tmp_path: Path, version: int) -> None:
    repo = _rich(tmp_path / "r")
    repo.git("update-index", "--index-version", str(version))
    assert _version(repo.path) == version
    got = _read_in_process(repo.path)
    assert {"src/deep/er/mod.py", "café/naïve – ünïcödé.txt", "new\nline.txt"} <= set(got)
    assert {"conflict.txt", "vendor/sub", "staged.txt", "src.txt"} <= set(got)
    assert any(len(p) > 0xFFF for p in got)
    listing = index_listing(str(repo.path))
    assert listing is not None and listing.split(b"\0").count(b"conflict.txt") == 3
    if (repo.path / os.fsdecode(b"bad-\xff\xfe.txt")).exists():
        assert os.fsdecode(b"bad-\xff\xfe.txt") in got


@pytest.mark.parametrize("version", [3, 4])
def test_extended_flags(tmp_path: Path, version: int) -> None:
    """skip-worktree and intent-to-add live in the extended flags of version 3 and later."""
    repo = _rich(tmp_path / "r")
    repo.git("update-index", "--skip-worktree", "src/app.py")
    repo.write({"later.txt": "intent\n"})
    repo.git("add", "-N", "later.txt")
    repo.git("update-index", "--index-version", str(version))
    assert _version(repo.path) == version
    got = _read_in_process(repo.path)
    assert {"src/app.py", "later.txt"} <= set(got)


def test_optional_extensions_are_skipped(tmp_path: Path) -> None:
    """A cache tree (TREE), an untracked cache (UNTR), end-of-index and offset tables."""
    repo = Repo(tmp_path / "r")
    repo.commit({f"d{i}/f{j}.txt": f"{i}{j}\n" for i in range(20) for j in range(20)})
    repo.git(
        "-c", "core.untrackedCache=true",
        "-c", "index.recordEndOfIndexEntries=true",
        "-c", "index.recordOffsetTable=true",
        "-c", "index.threads=4",
        "update-index", "--untracked-cache", "--force-write-index",
    )  # fmt: skip
    repo.git("-c", "core.untrackedCache=true", "status", "--porcelain")
    data = (repo.path / ".git" / "index").read_bytes()
    assert b"TREE" in data and b"UNTR" in data
    assert len(_read_in_process(repo.path)) == 400


def test_staged_in_a_repository_without_commits(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.write({"a.txt": "a\n", "b/c.txt": "c\n"})
    repo.git("add", "a.txt", "b/c.txt")
    assert _read_in_process(repo.path) == ["a.txt", "b/c.txt"]


def test_empty_repository_has_no_index(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    assert not (repo.path / ".git" / "index").exists()
    assert _falls_back(repo.path) == ("listed", [])


def test_environment_is_not_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """git runs with an environment of its own (rung.collect.gitcmd): neither it nor the
    reader looks at GIT_DIR or GIT_INDEX_FILE."""
    repo = _rich(tmp_path / "r")
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "nowhere"))
    assert "src/app.py" in _read_in_process(repo.path)


def test_split_index_falls_back(tmp_path: Path) -> None:
    repo = _rich(tmp_path / "r")
    repo.git("update-index", "--split-index")
    assert b"link" in (repo.path / ".git" / "index").read_bytes()
    kind, paths = _falls_back(repo.path)
    assert kind == "listed" and "src/app.py" in paths  # type: ignore[operator]


@pytest.mark.parametrize("sparse_index", [True, False])
def test_sparse_checkout(tmp_path: Path, sparse_index: bool) -> None:
    """A sparse index holds folders (mode 040000, `sdir`), which git expands: left to git.
    (Sparse checkout also turns on extensions.worktreeConfig, which alone goes to git.)"""
    repo = Repo(tmp_path / "r")
    repo.commit({"keep/a.txt": "a\n", "out/b.txt": "b\n", "out/deep/c.txt": "c\n", "top": "t"})
    flag = "--sparse-index" if sparse_index else "--no-sparse-index"
    try:
        repo.git("sparse-checkout", "set", "--cone", flag, "keep")
    except subprocess.CalledProcessError:
        pytest.skip("this git has no sparse index")
    assert (b"sdir" in (repo.path / ".git" / "index").read_bytes()) == sparse_index
    assert not (repo.path / "out").exists()
    assert _falls_back(repo.path) == (
        "listed",
        ["keep/a.txt", "out/b.txt", "out/deep/c.txt", "top"],
    )


def test_linked_worktree_falls_back(tmp_path: Path) -> None:
    repo = _rich(tmp_path / "r")
    repo.git("worktree", "add", "-q", str(tmp_path / "wt"))
    assert (tmp_path / "wt" / ".git").is_file()
    kind, paths = _falls_back(tmp_path / "wt")
    assert kind == "listed" and "src/app.py" in paths  # type: ignore[operator]


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    repo = _rich(tmp_path / "r")
    index = repo.path / ".git" / "index"
    shutil.move(index, tmp_path / "index")
    os.symlink(tmp_path / "index", index)
    assert _falls_back(repo.path)[0] == "listed"
    os.unlink(index)
    shutil.move(tmp_path / "index", index)
    shutil.move(repo.path / ".git", tmp_path / "gitdir")
    os.symlink(tmp_path / "gitdir", repo.path / ".git")
    assert _falls_back(repo.path)[0] == "listed"


@pytest.mark.parametrize(
    "config",
    [
        "[core]\n\tworktree = {tmp}\n",
        "[core]\n\tbare = true\n",
        "[core]bare\n",
        "[include]\n\tpath = other.cfg\n",
        "[extensions]\n\tobjectFormat = sha1\n",
        "[core]\n\trepositoryformatversion = 2\n",
    ],
)
def test_config_that_could_change_the_answer_falls_back(tmp_path: Path, config: str) -> None:
    repo = _rich(tmp_path / "r")
    with open(repo.path / ".git" / "config", "a", encoding="utf-8") as fh:
        fh.write(config.format(tmp=tmp_path))
    _falls_back(repo.path)


def test_an_index_over_the_size_bound_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _rich(tmp_path / "r")
    monkeypatch.setattr(gitindex, "MAX_INDEX_BYTES", 100)
    assert _falls_back(repo.path)[0] == "listed"


def _rewrite(repo: Path, change: Callable[[bytes], bytes], *, rehash: bool = True) -> None:
    """Change the index file's content before its checksum (recomputed, or kept)."""
    index = repo / ".git" / "index"
    data = index.read_bytes()
    body = change(data[:-20])
    index.write_bytes(body + (hashlib.sha1(body).digest() if rehash else data[-20:]))


def _swap_first_two(body: bytes) -> bytes:
    """The first two entries, each 64 bytes long (one-letter paths), swapped."""
    return body[:12] + body[76:140] + body[12:76] + body[140:]


def test_corrupt_indexes_go_to_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"a": "1\n", "b": "2\n", "c/d.txt": "3\n"})
    index = repo.path / ".git" / "index"
    good = index.read_bytes()

    _rewrite(repo.path, lambda body: body, rehash=False)
    index.write_bytes(good[:-1] + bytes([good[-1] ^ 1]))  # a bad checksum: git reads on
    assert _falls_back(repo.path) == ("listed", ["a", "b", "c/d.txt"])

    index.write_bytes(good)
    _rewrite(repo.path, _swap_first_two)  # out of order: git reads on
    assert _falls_back(repo.path) == ("listed", ["a", "b", "c/d.txt"])

    index.write_bytes(good)
    _rewrite(repo.path, lambda body: body + b"ZZZZ" + struct.pack(">I", 3) + b"xyz")
    assert _read_in_process(repo.path) == ["a", "b", "c/d.txt"]  # optional: skipped

    failing: list[Callable[[bytes], bytes]] = [
        lambda body: body + b"abcd" + struct.pack(">I", 0),  # required, unknown
        lambda body: body[:4] + struct.pack(">I", 5) + body[8:],  # unknown version
        lambda body: b"DIRX" + body[4:],
    ]
    for change in failing:
        index.write_bytes(good)
        _rewrite(repo.path, change)
        assert _falls_back(repo.path)[0] == "git failed"

    for size in (0, 11):
        index.write_bytes(good[:size])  # shorter than a header and a checksum
        assert _falls_back(repo.path)[0] == "git failed"
    # git reads past the end of these (its answer varies, or it crashes): left to it
    for size in (40, len(good) // 2, len(good) - 1):
        index.write_bytes(good[:size])
        assert index_listing(str(repo.path)) is None
    index.write_bytes(good)
    _rewrite(repo.path, lambda body: body[:8] + struct.pack(">I", 99) + body[12:])
    assert index_listing(str(repo.path)) is None
