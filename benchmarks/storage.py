"""Snapshot storage figures: full vs incremental `rung scan`, and database sizes.

    .venv/bin/python benchmarks/storage.py [--services 200] [--snapshots 5] [--pg-url URL]

Generates a synthetic portfolio (rung.demo.generator), then with the real CLI (one
subprocess per scan, so start-up and imports count):

1. a full scan, 2. a second scan with nothing changed (incremental), 3. a scan after one
repository got a new commit (only its services are rescanned), then more scans up to
--snapshots, on SQLite and on PostgreSQL (a throwaway server from tests/pg.py unless
--pg-url names one). Prints times, reuse counts and the database size per backend.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-26"


def rung(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "rung", *args], capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"rung {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return took, proc.stdout


def scan(repos: Path, db: str, *extra: str) -> tuple[float, int]:
    took, _ = rung("scan", str(repos), "--as-of", AS_OF, "--no-live", "-q", "--db", db, *extra)
    _, out = rung("snapshots", "--format", "json", "--db", db)
    return took, int(json.loads(out)[-1]["reused"])


def touch_one_repository(repos: Path) -> str:
    repo = sorted(p for p in repos.iterdir() if (p / ".git").exists())[0]
    (repo / "BENCHMARK.md").write_text(f"touched {time.time()}\n", encoding="utf-8")
    env = ["-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), *env, "commit", "-qm", "touch"], check=True)
    return repo.name


def sqlite_size(db: str) -> int:
    path = Path(db.removeprefix("sqlite:///"))
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def pg_size(db: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return int(size or 0)


@contextmanager
def throwaway_pg() -> Iterator[str]:
    sys.path.insert(0, str(ROOT / "tests"))
    import pg  # tests/pg.py

    bindir = pg.bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries: pass --pg-url")
    with pg.server(bindir) as admin:
        yield admin


def run_backend(name: str, repos: Path, db: str, snapshots: int, size) -> None:  # type: ignore[no-untyped-def]
    rung("db", "upgrade", "--db", db)
    empty = size(db)
    full, reused0 = scan(repos, db)
    incr, reused1 = scan(repos, db)
    touched = touch_one_repository(repos)
    changed, reused2 = scan(repos, db)
    for _ in range(max(0, snapshots - 3)):
        scan(repos, db)
    _, out = rung("snapshots", "--format", "json", "--db", db)
    infos = json.loads(out)
    services = infos[-1]["services"]
    print(f"\n[{name}] {services} services")
    print(f"  full scan            {full:7.2f} s  (reused {reused0})")
    print(f"  incremental, no change {incr:5.2f} s  (reused {reused1}; {incr / full:.0%} of full)")
    print(f"  after one commit in {touched}: {changed:.2f} s (reused {reused2})")
    t_report, _ = rung("report", "--format", "json", "--db", db)
    t_hist, _ = rung("history", "--db", db)
    print(f"  rung report --format json {t_report:.2f} s; rung history {t_hist:.2f} s")
    total = size(db)
    n = len(infos)
    data = total - empty
    print(
        f"  database: {total / 1e6:.2f} MB for {n} snapshots (empty schema {empty / 1e6:.2f} MB;"
        f" {data / n / 1e6:.2f} MB per snapshot)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--services", type=int, default=200)
    ap.add_argument("--snapshots", type=int, default=5)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--pg-url", help="an empty PostgreSQL database (default: throwaway server)")
    ap.add_argument("--no-pg", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from rung.demo.generator import generate_portfolio

    with tempfile.TemporaryDirectory(prefix="rung-bench-") as tmp:
        start = time.perf_counter()
        portfolio = generate_portfolio(
            Path(tmp) / "demo",
            seed=args.seed,
            services=args.services,
            now=datetime(2026, 11, 26, tzinfo=UTC),
        )
        repos = Path(portfolio.root)
        print(f"generated {args.services} services in {time.perf_counter() - start:.1f} s")
        run_backend("sqlite", repos, f"sqlite:///{tmp}/rung.db", args.snapshots, sqlite_size)
        if args.no_pg:
            return
        if args.pg_url:
            run_backend("postgresql", repos, args.pg_url, args.snapshots, pg_size)
            return
        with throwaway_pg() as admin:
            from sqlalchemy import create_engine, text

            engine = create_engine(admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text('CREATE DATABASE "rung_bench"'))
            engine.dispose()
            url = admin.rsplit("/", 1)[0] + "/rung_bench"
            run_backend("postgresql", repos, url, args.snapshots, pg_size)


if __name__ == "__main__":
    main()
