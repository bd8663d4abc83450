"""Dashboard figures for a 1,000-service portfolio (issue 6).

    .venv/bin/python benchmarks/web.py [--services 1000] [--duration 10] [--connections 16]

Builds a stored portfolio: a synthetic portfolio of real git repositories
(rung.demo.generator), scanned with run_scan, widened to --services services by copying
the real scans under new names, stored in SQLite. Then starts `rung serve` (one uvicorn
process) on loopback and reports:

1. the first heatmap request (the snapshot is read and assessed once, then cached);
2. the heatmap page: server time (median of 15 requests, client-side wall time on
   loopback) and HTML size (raw and gzip), with the default 100 rows a page and with
   all 1,000 on one page;
3. the first and second request of the roadmap, teams and trends pages, and /metrics;
4. /api/services under a load generator: requests/second and p99 latency, with `wrk`
   (Debian's package) when installed, else a Python load generator (threads,
   keep-alive connections).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

AS_OF = datetime(2026, 11, 26, tzinfo=UTC)


def build(root: Path, services: int) -> str:
    from rung.assess.portfolio import assess_portfolio
    from rung.demo.generator import generate_portfolio
    from rung.model.loader import load_model
    from rung.scanner import run_scan
    from rung.store.api import Store

    portfolio = generate_portfolio(root / "repos", services=48, seed=7, max_commits=200)
    model = load_model("microservices")
    result = run_scan([str(portfolio.root)], model, as_of=AS_OF, live=False)
    base = [a.scan for a in result.assessments]
    scans = list(base)
    for i in range(services - len(base)):
        src = base[i % len(base)]
        svc = dataclasses.replace(src.service, name=f"{src.service.name}-{i:04d}")
        scans.append(dataclasses.replace(src, service=svc))
    widened = dataclasses.replace(result, assessments=tuple(assess_portfolio(model.model, scans)))
    url = f"sqlite:///{root / 'rung.db'}"
    with Store.open(url) as store:
        store.save(widened)
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "rung", "serve", "--db", url, "--port", str(port)]
    proc = subprocess.Popen([*cmd, "--log-level", "warning"], stdout=subprocess.DEVNULL)
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("rung serve did not start")


def fetch(port: int, path: str) -> tuple[float, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    took = time.perf_counter() - start
    conn.close()
    if resp.status != 200:
        raise SystemExit(f"GET {path}: {resp.status}")
    return took, body


def page_figures(port: int, label: str, paths: list[str], repeat: int = 15) -> str:
    """The first request of each of `paths` (distinct queries with full pages: computed
    and rendered by the server), then the first path again `repeat` times (served from
    the per-snapshot cache)."""
    computed, body = [], b""
    for path in paths:
        took, body = fetch(port, path)
        computed.append(took)
    cached = [fetch(port, paths[0])[0] for _ in range(repeat)]
    _, body = fetch(port, paths[0])
    return (
        f"{label:24} computed: median {statistics.median(computed) * 1000:6.1f} ms, "
        f"max {max(computed) * 1000:6.1f} ms ({len(paths)} queries); "
        f"cached: median {statistics.median(cached) * 1000:5.1f} ms; "
        f"{len(body) / 1024:6.1f} KiB (gzip {len(gzip.compress(body)) / 1024:4.1f} KiB)"
    )


def with_wrk(port: int, path: str, seconds: int, conns: int) -> str:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{conns}",
            f"-d{seconds}s",
            "--latency",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    found = [m.group(1) if m else "?" for m in (rps, p50, p99)]
    return (
        f"wrk -t2 -c{conns} -d{seconds}s {path}: {found[0]} requests/s, p50 {found[1]}, "
        f"p99 {found[2]}, non-2xx {errors.group(1) if errors else 0}"
    )


def with_threads(port: int, path: str, seconds: int, conns: int) -> str:
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else float("nan")
    return (
        f"python load generator, {conns} keep-alive connections, {seconds}s {path}: "
        f"{len(latencies) / seconds:.1f} requests/s, p99 {p99 * 1000:.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="rung-web-bench-"))
    try:
        t0 = time.perf_counter()
        url = build(root, args.services)
        print(f"portfolio of {args.services} services stored in {time.perf_counter() - t0:.1f} s")
        port = free_port()
        proc = serve(url, port)
        try:
            cold, _ = fetch(port, "/")
            print(f"first heatmap request (reads and assesses the snapshot): {cold:.2f} s")
            pages = max(1, args.services // 100)
            sorts = ("gap_weight", "name", "level")
            print(
                page_figures(port, "heatmap, 100 a page", [f"/?page={i + 1}" for i in range(pages)])
            )
            every = [f"/?per_page={args.services}&sort={s}" for s in sorts]
            print(page_figures(port, f"heatmap, {args.services} a page", every))
            api = [f"/api/services?page={i + 1}" for i in range(pages)]
            print(page_figures(port, "/api/services", api))
            for path in ("/roadmap", "/teams", "/trends"):
                took, body = fetch(port, path)
                again, _ = fetch(port, path)
                print(f"{path:24} first {took * 1000:6.0f} ms, then {again * 1000:5.1f} ms")
            took, body = fetch(port, "/metrics")
            print(
                f"/metrics (first of this snapshot) {took * 1000:.0f} ms, {len(body) // 1024} KiB"
            )
            load = with_wrk if shutil.which("wrk") else with_threads
            print(load(port, "/api/services", args.duration, args.connections))
            print(f"(server: one uvicorn process; {os.cpu_count()} CPUs shared with the client)")
        finally:
            proc.terminate()
            proc.wait(10)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
