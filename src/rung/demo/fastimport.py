"""Write a whole repository history as one `git fast-import` stream.

One process per repository instead of one `git commit` per commit: thousands of commits
take about a second. Every byte of the stream is a function of its inputs, so the same
inputs give the same commit SHAs.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BRANCH = "refs/heads/main"


class FastImportError(RuntimeError):
    """git refused the generated stream (a bug in the generator, never user input)."""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    tz: str = "+0000"

    def ident(self, when: int, email: str | None = None) -> bytes:
        return f"{self.name} <{email or self.email}> {when} {self.tz}".encode()


class Stream:
    """Accumulates fast-import commands; commits are identified by their mark."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._mark = 0

    @staticmethod
    def _data(payload: bytes) -> bytes:
        return b"data %d\n%s\n" % (len(payload), payload)

    def commit(
        self,
        *,
        author: Person,
        when: int,
        message: str,
        changes: Mapping[str, str | None],
        parents: Sequence[int] = (),
        email: str | None = None,
    ) -> int:
        """Add a commit on main whose tree is the first parent's plus `changes`.

        A change maps a path to its new content, or to None to delete it. The first
        parent (if any) is `from`, further parents are merged in.
        """
        self._mark += 1
        who = author.ident(when, email)
        out = [b"commit ", BRANCH.encode(), b"\nmark :%d\n" % self._mark]
        out += [b"author ", who, b"\ncommitter ", who, b"\n"]
        out.append(self._data(message.encode()))
        if parents:
            out.append(b"from :%d\n" % parents[0])
            out += [b"merge :%d\n" % p for p in parents[1:]]
        for path in sorted(changes):
            content = changes[path]
            if content is None:
                out.append(b"D " + path.encode() + b"\n")
                continue
            out.append(b"M 100644 inline " + path.encode() + b"\n")
            out.append(self._data(content.encode()))
        self._parts.append(b"".join(out))
        return self._mark

    def tag(self, name: str, target: int, tagger: Person, when: int, message: str) -> None:
        """An annotated tag on commit `target`."""
        head = b"tag %s\nfrom :%d\ntagger " % (name.encode(), target)
        self._parts.append(head + tagger.ident(when) + b"\n" + self._data(message.encode()))

    def payload(self) -> bytes:
        return b"".join(self._parts) + b"done\n"

    @property
    def commits(self) -> int:
        return self._mark


def _git_env() -> dict[str, str]:
    """Ignore every user and system config so the result does not depend on the machine."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
    }


def _run(repo: Path, args: Sequence[str], stdin: bytes | None = None) -> None:
    proc = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", *args],
        cwd=repo,
        env=_git_env(),
        input=stdin,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise FastImportError(f"git {args[0]} in {repo.name}: {err[-800:]}")


def write_repository(repo: Path, stream: Stream) -> None:
    """Create `repo`, import `stream` into it and check out main's work tree."""
    repo.mkdir(parents=True, exist_ok=True)
    _run(repo, ["init", "-q", "-b", "main", "--template=", "."])
    _run(repo, ["fast-import", "--quiet", "--done"], stdin=stream.payload())
    _run(repo, ["reset", "-q", "--hard", "main"])
