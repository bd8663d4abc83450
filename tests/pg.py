"""A throwaway PostgreSQL server for tests: `initdb --no-sync` into a temporary folder and
`pg_ctl start` on a free port (as the `postgres` user when running as root).

Skips only when no server binary exists; with RUNG_REQUIRE_POSTGRES=1 (set by .ci/run)
a missing server is a failure, so CI never silently skips the PostgreSQL suite.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REQUIRE_ENV = "RUNG_REQUIRE_POSTGRES"
INITDB = ("--locale=C.UTF-8", "--no-sync", "--no-instructions")


def bindir() -> str | None:
    """The folder holding initdb/pg_ctl: $PG_BINDIR, pg_config --bindir, the Debian
    layout, or PATH."""
    candidates = [os.environ.get("PG_BINDIR")]
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("initdb")
    candidates.append(str(Path(found).resolve().parent) if found else None)
    for cand in candidates:
        if cand and (Path(cand) / "initdb").exists() and (Path(cand) / "pg_ctl").exists():
            return cand
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(bin_dir: str) -> Iterator[str]:
    """A running server; yields the admin URL (database `postgres`)."""
    as_root = os.geteuid() == 0
    run_as: dict[str, Any] = {"user": "postgres", "group": "postgres"} if as_root else {}
    tmp = tempfile.mkdtemp(prefix="rung-pgtest-")
    if as_root:
        shutil.chown(tmp, "postgres", "postgres")
    data = os.path.join(tmp, "data")
    try:
        subprocess.run(
            [
                f"{bin_dir}/initdb",
                "-D",
                data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                *INITDB,
            ],
            check=True,
            capture_output=True,
            cwd=tmp,
            **run_as,
        )
        port = _start(bin_dir, data, tmp, run_as)
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
                capture_output=True,
                cwd=tmp,
                **run_as,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _start(bin_dir: str, data: str, tmp: str, run_as: dict[str, Any]) -> int:
    for _ in range(5):  # the port may be taken between the probe and the bind: retry
        port = _free_port()
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {tmp} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        cmd = [f"{bin_dir}/pg_ctl", "-D", data, "-l", f"{tmp}/log", "-w", "-t", "30"]
        r = subprocess.run([*cmd, "-o", opts, "start"], capture_output=True, cwd=tmp, **run_as)
        if r.returncode == 0:
            return port
    raise RuntimeError(Path(f"{tmp}/log").read_text()[-2000:])
