"""Build real git repositories for tests: scripted commits with fixed dates and authors."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

DEFAULT_DATE = "2026-01-15T12:00:00+00:00"


def _env(author: str, email: str, date: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME=author,
        GIT_AUTHOR_EMAIL=email,
        GIT_COMMITTER_NAME=author,
        GIT_COMMITTER_EMAIL=email,
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
        GIT_CONFIG_NOSYSTEM="1",
        HOME=str(Path(os.environ.get("HOME", "/tmp"))),
    )
    return env


class Repo:
    """A git repository on disk that tests write files into and commit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=self.path,
            check=True,
            capture_output=True,
            text=True,
            env=dict(env) if env else None,
        ).stdout

    def write(self, files: Mapping[str, str | bytes]) -> None:
        for rel, content in files.items():
            p = self.path / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")

    def commit(
        self,
        files: Mapping[str, str | bytes] | None = None,
        *,
        message: str = "change",
        author: str = "Alice",
        email: str = "alice@example.com",
        date: str = DEFAULT_DATE,
        remove: tuple[str, ...] = (),
    ) -> str:
        if files:
            self.write(files)
        for rel in remove:
            self.git("rm", "-q", "-r", rel)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, env=_env(author, email, date))
        return self.git("rev-parse", "HEAD").strip()

    def tag(self, name: str) -> None:
        self.git("tag", name)


def make_repo(path: Path, files: Mapping[str, str | bytes], **commit_kw: str) -> Repo:
    """A repository with one commit holding `files`."""
    repo = Repo(path)
    repo.commit(files, **commit_kw)  # type: ignore[arg-type]
    return repo
