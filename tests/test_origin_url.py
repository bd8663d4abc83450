"""The origin URL read from `.git/config` equals what `git remote get-url origin` says
(credentials stripped), and anything a plain reading cannot decide is left to git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitrepo import Repo
from rung.catalog.repos import _ASK_GIT, _plain_origin, origin_url
from rung.catalog.urls import strip_credentials


def git_says(repo: Repo) -> str | None:
    proc = subprocess.run(
        ["git", "remote", "get-url", "origin"], cwd=repo.path, capture_output=True, text=True
    )
    url = proc.stdout.strip()
    return strip_credentials(url) if proc.returncode == 0 and url else None


def append_config(repo: Repo, text: str) -> None:
    with open(repo.path / ".git" / "config", "a", encoding="utf-8") as fh:
        fh.write(text)


PLAIN = {
    "none": "",
    "https": '[remote "origin"]\n\turl = https://git.example.com/shop/carts.git\n',
    "credentials": '[remote "origin"]\n\turl = https://bot:s3cr3t@git.example.com/shop/a.git\n',
    "scp": '[remote "origin"]\n  URL=git@github.com:shop/orders.git   \n',
    "two urls": '[remote "origin"]\n\turl = https://a.example/x.git\n\turl = https://b.example/x\n',
    "other remote": '[remote "upstream"]\n\turl = https://up.example/x.git\n',
    "same line": '[remote "origin"] url = https://c.example/y.git\n',
    "after other": '[remote "up"]\n\turl = https://u/x\n[remote "origin"]\n\tfetch = +r\n\turl = ssh://h/z\n',
}
ASK = {
    "insteadof": '[url "https://mirror.example/"]\n\tinsteadOf = https://git.example.com/\n'
    '[remote "origin"]\n\turl = https://git.example.com/shop/carts.git\n',
    "quoted": '[remote "origin"]\n\turl = "https://q.example/a b.git"\n',
    "include": "[include]\n\tpath = extra.config\n",
    "old syntax": "[remote.origin]\n\turl = https://old.example/x.git\n",
    "escaped header": '[remote "ori\\"gin"]\n\turl = https://e.example/x.git\n',
    "comment": '[remote "origin"]\n\turl = https://d.example/x.git # mirror\n',
}


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_plain_configs_are_read_without_git_and_agree_with_git(tmp_path: Path, name: str) -> None:
    repo = Repo(tmp_path / "r")
    append_config(repo, PLAIN[name])
    assert _plain_origin(str(repo.path)) is not _ASK_GIT
    assert origin_url(str(repo.path)) == git_says(repo)
    if name == "credentials":
        assert origin_url(str(repo.path)) == "https://git.example.com/shop/a.git"


@pytest.mark.parametrize("name", sorted(ASK))
def test_configs_a_plain_reading_cannot_decide_go_to_git(tmp_path: Path, name: str) -> None:
    repo = Repo(tmp_path / "r")
    append_config(repo, ASK[name])
    (repo.path / ".git" / "extra.config").write_text('[remote "origin"]\n\turl = https://i/x\n')
    assert _plain_origin(str(repo.path)) is _ASK_GIT
    assert origin_url(str(repo.path)) == git_says(repo)
    if name == "insteadof":
        assert origin_url(str(repo.path)) == "https://mirror.example/shop/carts.git"


def test_legacy_remotes_file_goes_to_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    (repo.path / ".git" / "remotes").mkdir()
    (repo.path / ".git" / "remotes" / "origin").write_text("URL: https://legacy.example/x.git\n")
    assert _plain_origin(str(repo.path)) is _ASK_GIT
    assert origin_url(str(repo.path)) == git_says(repo)


def test_a_git_file_goes_to_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"a": "1"}, date="2025-01-01T00:00:00+00:00")
    repo.git("remote", "add", "origin", "https://w.example/x.git")
    repo.git("worktree", "add", "-q", str(tmp_path / "wt"))
    wt = str(tmp_path / "wt")
    assert _plain_origin(wt) is _ASK_GIT
    assert origin_url(wt) == "https://w.example/x.git"
