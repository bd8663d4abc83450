"""`rung.collect.gitcmd.git` gives the same output and the same errors whichever way git
runs: through in-memory files (`git -C`, posix_spawn, a process descriptor to wait on) or
through `subprocess.run` with pipes (the plain way, kept for other systems)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gitrepo import Repo
from rung.collect import gitcmd
from rung.collect.gitcmd import GitError, git

needs_memfd = pytest.mark.skipif(not gitcmd.IN_MEMORY, reason="no os.memfd_create here")


def _outcome(call: Callable[[], bytes]) -> tuple[str, object]:
    try:
        return "ok", call()
    except GitError as exc:
        return "error", str(exc)


def _both_ways(
    monkeypatch: pytest.MonkeyPatch, repo: str, args: list[str], timeout: float = 300.0
) -> tuple[str, object]:
    """What git() gives the in-memory way, asserted equal to what it gives the plain way."""
    with monkeypatch.context() as m:
        m.setattr(gitcmd, "IN_MEMORY", False)
        plain = _outcome(lambda: git(repo, args, timeout=timeout))
    fast = _outcome(lambda: git(repo, args, timeout=timeout))
    assert fast == plain
    return fast


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """Merges, an empty commit, a rename, unicode names, CRLF text, a symlink, and more
    output than a pipe holds."""
    repo = Repo(tmp_path_factory.mktemp("gitcmd") / "r")
    repo.commit({"a/ü ñ.txt": "x\r\ny\r\n", "b/plain.py": "1\n", "big.txt": "z" * 300_000})
    os.symlink("b/plain.py", repo.path / "link.py")
    repo.commit({"a/日本.md": "y\n"}, message="unicode and a symlink")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit({"b/side.py": "s\n"}, message="side")
    repo.git("checkout", "-q", "main")
    repo.commit({"b/main.py": "m\n"}, message="main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    repo.commit(message="empty")
    repo.git("mv", "b/plain.py", "a/moved.py")
    repo.commit(message="rename")
    for i in range(40):  # a long log: far more than a pipe's 64 KiB of output
        repo.commit({"n.txt": f"{i}\n"}, message=f"change {i} " + "m" * 4000)
    return repo


@needs_memfd
def test_output_is_the_same_either_way(awkward: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = str(awkward.path)
    for args in (
        ["log", "-z", "--name-status", "--diff-merges=separate", "--format=%H%x00%P%x00%B"],
        ["log", "-z", "--format=%H%x00%P%x00%T%x00%ct%x00%aE", "HEAD"],
        ["ls-files", "-z", "--cached", "--full-name"],
        ["cat-file", "-p", "HEAD:big.txt"],
        ["rev-parse", "HEAD^{commit}", "--symbolic", "--tags"],
    ):
        kind, out = _both_ways(monkeypatch, repo, args)
        assert kind == "ok" and out
    kind, out = _both_ways(monkeypatch, repo, ["cat-file", "-p", "HEAD:big.txt"])
    assert out == b"z" * 300_000
    executable = gitcmd._executable(os.environ["PATH"])  # the in-memory way is taken here
    assert executable is not None
    command = ["git", "cat-file", "-p", "HEAD:big.txt"]
    assert gitcmd._in_memory(command, executable, repo, dict(os.environ), 30.0) == (0, out, b"")


@needs_memfd
def test_errors_are_the_same_either_way(
    awkward: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = str(awkward.path)
    kind, why = _both_ways(monkeypatch, repo, ["rev-parse", "--verify", "no-such-ref"])
    assert kind == "error" and why
    assert _both_ways(monkeypatch, repo, ["rev-parse", "--verify", "-q", "nope"]) == (
        "error",
        "git rev-parse exited 1",  # no message on stderr
    )
    (tmp_path / "plain").mkdir()
    kind, why = _both_ways(monkeypatch, str(tmp_path / "plain"), ["rev-parse", "--git-dir"])
    assert kind == "error" and "not a git repository" in str(why)
    for missing in (str(tmp_path / "missing"), str(awkward.path / "big.txt"), ""):
        kind, why = _both_ways(monkeypatch, missing, ["status"])
        assert kind == "error" and str(why).startswith("git status: [Errno ")


@needs_memfd
def test_a_timeout_is_the_same_either_way(awkward: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    kind, why = _both_ways(monkeypatch, str(awkward.path), ["log", "-p"], timeout=0.0)
    assert kind == "error" and "timed out after 0.0 seconds" in str(why)


def test_git_is_found_on_the_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without git on PATH both ways fail alike (and the lookup is per PATH)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    kind, why = _both_ways(monkeypatch, str(tmp_path), ["--version"])
    assert kind == "error" and "No such file or directory" in str(why)
