"""Scan benchmark against the raw-git floor (issue #5). A script, not a test.

    python benchmarks/scan.py --services 100 300 1000

For each N it generates a portfolio (rung.demo: 40-300 files per service, histories of
10-2,000 commits, ~15% of the services in monorepos, a few repositories of 20,000+
commits), then measures, each as the median of --runs runs, after one untimed warm-up:

- floor: per repository `git log --no-merges --format=%H%x00%ct%x00%aE` over the whole
  history, `git ls-files -z`, and reading every tracked file <= 1 MiB, in a process
  pool of --jobs workers (the scan's parallelism);
- full: `python -m rung scan --full --format summary` (a subprocess, end to end:
  start-up, discovery, collection, checks, assessment, the snapshot write and a
  summary) and its ratio to the floor;
- rescan: the same command without --full on an unchanged portfolio (incremental),
  and its ratio to `git rev-parse HEAD` in every repository (--jobs threads);
- peak RSS of the scan's process tree (os.wait4: the largest process of the tree; the
  portfolio is generated in a child process so that this process stays small: a child
  counts its parent's memory at fork time in its own peak);
- dask: the full scan through a Dask LocalCluster of 2 single-threaded worker
  processes (`--executor tcp://...`, the cluster already running) and its ratio to
  the process pool;
- time per service of the full scan;
- report: `python -m rung report --format json` of the stored snapshot (the whole §8
  document, ~37 KB per service), the cost a full report adds to a scan that prints one.

Every Python process here (scans, Dask workers) runs with the bytecode cache on (in a
temporary folder: PYTHONPYCACHEPREFIX), as an installed rung has its bytecode compiled
by pip; an environment with PYTHONDONTWRITEBYTECODE=1 would otherwise make every run
compile rung's modules from source again (~0.2 s per command).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MAX_FILE = 1024 * 1024
AS_OF = "2026-11-26"


@dataclass
class Row:
    services: int
    repos: int
    files: int
    commits: int
    floor: float
    full: float
    revparse: float
    rescan: float
    rss_kib: int
    dask: float | None
    report: float

    def cells(self) -> list[str]:
        dask = "-" if self.dask is None else f"{self.dask:.2f}"
        ratio = "-" if self.dask is None else f"{self.dask / self.full:.2f}x"
        return [
            str(self.services), str(self.repos), str(self.files), str(self.commits),
            f"{self.floor:.2f}", f"{self.full:.2f}", f"{self.full / self.floor:.2f}x",
            f"{self.revparse:.2f}", f"{self.rescan:.2f}", f"{self.rescan / self.revparse:.2f}x",
            f"{self.rss_kib / 1024:.0f}", dask, ratio,
            f"{1000 * self.full / self.services:.0f}", f"{self.report:.2f}",
        ]  # fmt: skip


HEADER = [
    "N", "repos", "files", "commits", "floor s", "full s", "full/floor", "rev-parse s",
    "rescan s", "rescan/rev-parse", "peak RSS MiB", "dask s", "dask/pool", "ms/service",
    "report s",
]  # fmt: skip


def _git(repo: str, *args: str) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, check=True, env={**os.environ, "LC_ALL": "C"}
    ).stdout


def floor_repo(repo: str) -> int:
    """The raw cost of reading one repository once: history, file list, file contents."""
    _git(repo, "log", "--no-merges", "--format=%H%x00%ct%x00%aE", "HEAD")
    total = 0
    for rel in _git(repo, "ls-files", "-z").decode("utf-8", "surrogateescape").split("\0"):
        path = os.path.join(repo, rel)
        readable = rel and not os.path.islink(path) and os.path.isfile(path)
        if readable and os.path.getsize(path) <= MAX_FILE:
            with open(path, "rb") as fh:
                total += len(fh.read())
    return total


def rev_parse(repo: str) -> bytes:
    return _git(repo, "rev-parse", "HEAD")


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(runs: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(runs))


def floor(repos: Sequence[str], jobs: int) -> float:
    def run() -> None:
        with cf.ProcessPoolExecutor(jobs) as pool:
            list(pool.map(floor_repo, repos, chunksize=4))

    return timed(run)


def revparse_floor(repos: Sequence[str], jobs: int) -> float:
    def run() -> None:
        with cf.ThreadPoolExecutor(jobs) as pool:
            list(pool.map(rev_parse, repos))

    return timed(run)


def scan(portfolio: Path, db: Path, jobs: int, *extra: str) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, largest process of the tree) of one `rung scan`."""
    cmd = [sys.executable, "-m", "rung", "scan", str(portfolio), "--db", f"sqlite:///{db}"]
    cmd += ["--no-live", "-q", "--as-of", AS_OF, "--format", "summary", "--out", os.devnull]
    cmd += ["--jobs", str(jobs), *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"scan failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss


def report(db: Path) -> float:
    """Wall time of `rung report --format json` of the latest stored snapshot."""
    cmd = [sys.executable, "-m", "rung", "report", "--db", f"sqlite:///{db}"]
    cmd += ["--format", "json", "--out", os.devnull]
    return timed(lambda: subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL))


@contextmanager
def dask_cluster() -> Iterator[str | None]:
    try:
        from distributed import LocalCluster
    except ImportError:
        yield None
        return
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def generate(dest: Path, n: int, seed: int) -> list[str]:
    """Generate the portfolio in a child process: this process stays small, because a
    child started by fork/vfork counts its parent's resident memory in its own peak
    (ru_maxrss keeps the high-water mark of the memory it had before exec)."""
    code = (
        "import json, sys\n"
        "from rung.demo.generator import generate_portfolio\n"
        "dest, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])\n"
        "p = generate_portfolio(dest, seed=seed, services=n,\n"
        "    monorepos=max(1, round(0.15 * n / 4.5)),  # 3-6 services each: ~15% of services\n"
        "    max_commits=2000, big_repos=2 if n < 300 else 3, big_commits=20000,\n"
        "    modules=(30, 250))\n"
        "print(json.dumps([str(r) for r in p.repositories]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(dest), str(n), str(seed)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    repos: list[str] = json.loads(out)
    return repos


def shape(repos: Sequence[str]) -> tuple[int, int]:
    files = sum(len(_git(r, "ls-files", "-z").split(b"\0")) - 1 for r in repos)
    commits = sum(int(_git(r, "rev-list", "--count", "HEAD")) for r in repos)
    return files, commits


def measure(n: int, work: Path, args: argparse.Namespace) -> Row:
    dest = work / f"portfolio-{n}"
    t = time.perf_counter()
    repos = generate(dest, n, args.seed)
    files, commits = shape(repos)
    _log(f"N={n}: {len(repos)} repositories, {files} files, {commits} commits "
         f"(generated in {time.perf_counter() - t:.0f} s)")  # fmt: skip
    db = work / f"bench-{n}.db"
    db.unlink(missing_ok=True)
    floor(repos, args.jobs)  # warm the page cache
    scan(dest, db, args.jobs, "--full")  # creates the database
    fl = median_of(args.runs, lambda: floor(repos, args.jobs))
    fulls = [scan(dest, db, args.jobs, "--full") for _ in range(args.runs)]
    full = statistics.median(t for t, _ in fulls)
    _log(f"N={n}: floor {fl:.2f} s, full {full:.2f} s")
    rp = median_of(args.runs, lambda: revparse_floor(repos, args.jobs))
    rescan = median_of(args.runs, lambda: scan(dest, db, args.jobs)[0])
    _log(f"N={n}: rev-parse {rp:.2f} s, rescan {rescan:.2f} s")
    dask_time = None
    if not args.no_dask:
        with dask_cluster() as address:
            if address is not None:
                dask_time = median_of(
                    args.runs,
                    lambda: scan(dest, db, args.jobs, "--full", "--executor", address)[0],
                )
                _log(f"N={n}: dask {dask_time:.2f} s")
    rss = max(r for _, r in fulls)
    rep = median_of(args.runs, lambda: report(db))
    row = Row(n, len(repos), files, commits, fl, full, rp, rescan, rss, dask_time, rep)
    if not args.keep:
        shutil.rmtree(dest, ignore_errors=True)
        db.unlink(missing_ok=True)
    return row


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def table(rows: Sequence[Row]) -> str:
    cells = [HEADER, *(r.cells() for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    lines = ["| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in cells]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|")
    return "\n".join(lines)


def targets(rows: Sequence[Row]) -> list[str]:
    big, small = max(rows, key=lambda r: r.services), min(rows, key=lambda r: r.services)
    out = [
        f"full scan / floor at N={big.services}: {big.full / big.floor:.2f}x (target <= 2.0x)",
        f"rescan / rev-parse at N={big.services}: {big.rescan / big.revparse:.2f}x "
        "(target <= 2.0x)",
        f"peak RSS N={big.services} / N={small.services}: {big.rss_kib / small.rss_kib:.2f}x "
        "(target <= 1.5x)",
    ]
    if big.dask is not None:
        out.append(f"dask / pool at N={big.services}: {big.dask / big.full:.2f}x (target <= 1.3x)")
    per = ", ".join(f"{1000 * r.full / r.services:.0f} ms at N={r.services}" for r in rows)
    out.append(f"time per service: {per}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--services", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep portfolios and databases")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask measurement")
    args = parser.parse_args(argv)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached (see the docstring)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir(), "rung-bench-pyc")))
    work = args.dir or Path(tempfile.mkdtemp(prefix="rung-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = [measure(n, work, args) for n in args.services]
    print(f"rung scan benchmark: {args.jobs} jobs, {os.cpu_count()} CPUs, median of {args.runs}")
    print(table(rows))
    print()
    print("\n".join(targets(rows)))
    if args.dir is None and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
