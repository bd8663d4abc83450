"""read_index lists each folder once; it indexes and reads exactly what a per-file `lstat`
of every tracked path (the plain algorithm, kept here as the reference) does."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from gitrepo import Repo
from rung.collect.files import (
    _FIRST_READ,
    _LIST_AT_MOST,
    FileIndex,
    Limits,
    is_vendored,
    read_index,
    tracked_files,
)


def _reference(repo: str, limits: Limits) -> FileIndex:
    """One `lstat` and one realpath'd folder per tracked file."""
    idx = FileIndex()
    root_real = os.path.realpath(repo)
    budget = limits.max_total_bytes
    paths = tracked_files(repo)
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
            continue
        parent = os.path.realpath(os.path.dirname(full))
        inside = parent == root_real or parent.startswith(root_real + os.sep)
        if stat.S_ISLNK(st.st_mode) or not inside:
            idx.skipped[rel] = "symlink: not followed"
            continue
        if not stat.S_ISREG(st.st_mode):
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


def _same(repo: Path, limits: Limits) -> FileIndex:
    got, want = read_index(str(repo), limits), _reference(str(repo), limits)
    assert got.files == want.files
    assert got.sizes == want.sizes
    assert got.texts == want.texts
    assert got.skipped == want.skipped
    assert got.truncated == want.truncated
    return got


@pytest.fixture
def tricky(tmp_path: Path) -> Path:
    """A repository whose work tree differs from its index in every way read_index meets."""
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "secret.txt").write_text("outside\n")
    (outside / "a.txt").write_text("outside a\n")
    (outside / "sub" / "a.txt").write_text("outside a\n")
    repo = Repo(tmp_path / "r")
    files: dict[str, str | bytes] = {
        "README.md": "# hi\n",
        "src/app.py": "print('x')\n",
        "src/deep/er/mod.py": "x = 1\n",
        "bin/blob.bin": b"\x00\x01\x02" * 10,
        "latin.txt": "caf\xe9".encode("latin-1"),
        "big.txt": "y" * 5000,
        "exact.txt": "z" * 4096,
        "empty.txt": "",
        "budget/a.txt": "a" * 700,
        "budget/b.txt": "b" * 700,
        "node_modules/x/index.js": "vendored\n",
        "gone.txt": "deleted from the work tree\n",
        "gone-dir/f.txt": "its folder is deleted\n",
        "linked/a.txt": "will be replaced by a symlinked folder\n",
        "inlinked/a.txt": "will be replaced by a symlink to a folder inside\n",
        "fileparent/x.txt": "its folder becomes a file\n",
        "locked/f.txt": "unreadable\n",
        "ok/README": "fine\n",
    }
    repo.commit(files)
    os.symlink(outside / "secret.txt", repo.path / "leak.txt")
    os.symlink("README.md", repo.path / "inner-link.md")
    repo.git("add", "leak.txt", "inner-link.md")
    repo.git("commit", "-q", "-m", "links")
    (repo.path / "gone.txt").unlink()
    shutil.rmtree(repo.path / "gone-dir")
    shutil.rmtree(repo.path / "linked")
    os.symlink(outside, repo.path / "linked")
    shutil.rmtree(repo.path / "inlinked")
    (repo.path / "real-in").mkdir()
    (repo.path / "real-in" / "a.txt").write_text("read through a symlinked folder inside\n")
    os.symlink("real-in", repo.path / "inlinked")
    shutil.rmtree(repo.path / "fileparent")
    (repo.path / "fileparent").write_text("now a file\n")
    os.mkfifo(repo.path / "ok" / "fifo")
    for i in range(50):
        (repo.path / "ok" / f"untracked-{i}").write_text("u\n")
    (repo.path / "locked" / "f.txt").chmod(0)
    return repo.path


def test_read_index_equals_per_file_lstat(tricky: Path) -> None:
    got = _same(tricky, Limits(max_file_bytes=4096, max_total_bytes=1000))
    assert "big.txt" in got.skipped and "leak.txt" in got.skipped
    assert got.skipped["linked/a.txt"] == "symlink: not followed"
    assert "gone.txt" not in got.files and "src/deep/er/mod.py" in got.texts
    assert got.texts["inlinked/a.txt"].startswith("read through")
    _same(tricky, Limits())
    _same(tricky, Limits(max_files=5))


def test_crowded_folder_is_read_the_careful_way(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"logs/.keep": "", "logs/README": "logs\n", "x.py": "x\n"})
    for i in range(1500):  # far more untracked entries than tracked files
        (repo.path / "logs" / f"{i}.log").write_text("l\n")
    got = _same(repo.path, Limits())
    assert got.texts["logs/README"] == "logs\n"


def test_unlistable_folder(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"d/a.txt": "a\n", "b.txt": "b\n"})
    (repo.path / "d").chmod(0o111)  # can reach its files, cannot list it
    try:
        _same(repo.path, Limits())
    finally:
        (repo.path / "d").chmod(0o755)


def test_files_around_the_first_read(tmp_path: Path) -> None:
    """A file the first `read` gets whole (shorter than it asks), and files it does not
    (as long or longer, measured then read on), around the size bound too."""
    mib = 1024 * 1024
    sizes = [0, 1, _FIRST_READ - 1, _FIRST_READ, _FIRST_READ + 1, 3 * _FIRST_READ + 5, mib, mib + 1]
    repo = Repo(tmp_path / "r")
    repo.commit({f"f{n}.txt": "x" * (n - 1) + "\n" if n else "" for n in sizes})
    got = _same(repo.path, Limits())
    assert [got.sizes[f"f{n}.txt"] for n in sizes] == sizes
    assert [len(got.texts.get(f"f{n}.txt", "")) for n in sizes] == [*sizes[:-1], 0]
    for max_file_bytes in (_FIRST_READ - 1, _FIRST_READ, _FIRST_READ + 1):
        _same(repo.path, Limits(max_file_bytes=max_file_bytes))
    _same(repo.path, Limits(max_total_bytes=2 * _FIRST_READ))


def test_folder_over_the_first_listing_but_within_its_tracked_allowance(tmp_path: Path) -> None:
    """More entries than `_LIST_AT_MOST` but within the 16 per tracked file: the listing
    goes on (its tracked files are counted) and the folder is still listed."""
    repo = Repo(tmp_path / "r")
    repo.commit({f"many/t{i}.txt": f"{i}\n" for i in range(8)} | {"x.py": "x\n"})
    for i in range(_LIST_AT_MOST + 60):  # over 1,024, under 1,024 + 16 * 8
        (repo.path / "many" / f"{i}.log").write_text("l\n")
    got = _same(repo.path, Limits())
    assert got.texts["many/t7.txt"] == "7\n"
    for i in range(80):  # now over the allowance too: the careful way
        (repo.path / "many" / f"more-{i}.log").write_text("l\n")
    assert _same(repo.path, Limits()).texts["many/t7.txt"] == "7\n"
