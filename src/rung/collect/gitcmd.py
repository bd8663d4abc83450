"""Running the git CLI safely on untrusted repositories."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

# Never run hooks, filters, pagers or credential helpers configured by anyone; accept
# checkouts owned by another user (CI runs as root on mounted folders).
_SAFE_CONFIG = (
    "-c", "safe.directory=*",
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "diff.external=",
    "-c", "core.quotePath=false",
    "-c", "log.showSignature=false",
)  # fmt: skip


def global_configs() -> tuple[str, str]:
    """The config files git reads outside a repository when run through `git` below: no
    system config, no configuration from the environment, HOME kept, XDG_CONFIG_HOME
    not (so the XDG file is the one under HOME)."""
    home = os.environ.get("HOME", "/")
    return os.path.join(home, ".gitconfig"), os.path.join(home, ".config", "git", "config")


class GitError(RuntimeError):
    pass


def git(repo: str, args: Sequence[str], *, timeout: float = 300.0) -> bytes:
    """Run `git args` in `repo` and return stdout; raise GitError with stderr on failure."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_OPTIONAL_LOCKS": "0",
        # fully buffered output: to a pipe, `git log` otherwise writes (and wakes the
        # reader) once per commit
        "GIT_FLUSH": "0",
    }
    try:
        proc = subprocess.run(
            ["git", *_SAFE_CONFIG, *args],
            cwd=repo,
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {' '.join(args[:2])}: {exc}") from exc
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(msg[-1] if msg else f"git {args[0]} exited {proc.returncode}")
    return proc.stdout
