"""HEAD and tag names read from `.git` files equal `git rev-parse HEAD^{commit} --symbolic
--tags`; anything the plain reading cannot vouch for is left to git (None)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitrepo import Repo
from rung.collect.gitrefs import refs_from_files
from rung.collect.history import read_history


def git_says(path: Path) -> tuple[str, tuple[str, ...]]:
    out = subprocess.run(
        ["git", "rev-parse", "HEAD^{commit}", "--symbolic", "--tags"],
        cwd=path, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return out[0], tuple(sorted(out[1:]))


def tagged_repo(tmp_path: Path) -> Repo:
    repo = Repo(tmp_path / "r")
    repo.commit({"a": "1"}, date="2025-01-01T00:00:00+00:00")
    repo.git("tag", "v1.0.0")
    repo.git("tag", "-a", "v1.1.0", "-m", "annotated")
    repo.git("tag", "release/2.0")
    repo.git("pack-refs", "--all")  # the tags so far are packed
    repo.commit({"a": "2"}, date="2025-02-01T00:00:00+00:00")
    repo.git("tag", "v2.0.0")  # loose
    repo.git("tag", "team/svc@1.2")  # loose, nested
    return repo


def test_loose_and_packed_tags_equal_git(tmp_path: Path) -> None:
    repo = tagged_repo(tmp_path)
    found = refs_from_files(str(repo.path))
    assert found == git_says(repo.path)
    assert found is not None and "release/2.0" in found[1] and "team/svc@1.2" in found[1]
    assert read_history(str(repo.path), ["."])["."].tags == found[1]


def test_untagged_and_detached_heads(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    first = repo.commit({"a": "1"}, date="2025-01-01T00:00:00+00:00")
    repo.commit({"a": "2"}, date="2025-02-01T00:00:00+00:00")
    assert refs_from_files(str(repo.path)) == git_says(repo.path)
    repo.git("checkout", "-q", "--detach", first)
    assert refs_from_files(str(repo.path)) == (first, ())


def test_what_git_must_decide(tmp_path: Path) -> None:
    repo = tagged_repo(tmp_path)
    tags = repo.path / ".git" / "refs" / "tags"
    os.symlink(tags / "v2.0.0", tags / "linked")
    assert refs_from_files(str(repo.path)) is None  # a symlinked ref
    (tags / "linked").unlink()
    (tags / "sym").write_text("ref: refs/tags/v2.0.0\n")
    assert refs_from_files(str(repo.path)) is None  # a symbolic tag ref
    (tags / "sym").unlink()
    assert refs_from_files(str(repo.path)) is not None
    repo.git("worktree", "add", "-q", str(tmp_path / "wt"))
    assert refs_from_files(str(tmp_path / "wt")) is None  # `.git` is a file
    # and the history still gets them from git
    assert read_history(str(tmp_path / "wt"), ["."])["."].tags == git_says(repo.path)[1]


def test_unborn_head_is_left_to_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    assert refs_from_files(str(repo.path)) is None
    assert read_history(str(repo.path), ["."])["."].reason == "repository has no commits"
