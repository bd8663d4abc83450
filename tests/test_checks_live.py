"""live.health and live.metrics against a real HTTP server on 127.0.0.1, through the real
collector (which calls probe_live)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from facts_helper import AS_OF
from gitrepo import make_repo
from rung.catalog.entity import Service
from rung.checks.base import Evidence, Finding, Status
from rung.checks.builtin import live
from rung.checks.runner import run_check
from rung.collect.collector import collect_repository
from rung.collect.facts import ServiceFacts

PER_ENDPOINT = """# HELP process_cpu_seconds_total CPU time.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5
# HELP http_server_requests_seconds Request latency.
# TYPE http_server_requests_seconds histogram
http_server_requests_seconds_bucket{method="GET",uri="/carts/{id}",le="0.1"} 3
http_server_requests_seconds_bucket{method="GET",uri="/carts/{id}",le="+Inf"} 4
http_server_requests_seconds_sum{method="GET",uri="/carts/{id}"} 0.3
http_server_requests_seconds_count{method="GET",uri="/carts/{id}"} 4
"""
SUMMARY = """# TYPE request_latency summary
request_latency{handler="/api/orders",quantile="0.99"} 0.12
request_latency_count{handler="/api/orders"} 10
"""
NO_ENDPOINT = """# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 3
http_request_duration_seconds_bucket{le="+Inf"} 4
http_request_duration_seconds_count 4
# TYPE http_requests_total counter
http_requests_total{path="/carts",code="200"} 4
"""

ROUTES: dict[str, tuple[int, str]] = {
    "/health": (200, "ok"),
    "/down": (503, "unavailable"),
    "/metrics": (200, PER_ENDPOINT),
    "/metrics-summary": (200, SUMMARY),
    "/metrics-plain": (200, NO_ENDPOINT),
    "/metrics-html": (200, "<html><body>dashboard</body></html>"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        code, body = ROUTES.get(self.path, (404, "not found"))
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def repo_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(make_repo(tmp_path_factory.mktemp("live") / "svc", {"main.go": "package x\n"}).path)


def facts(repo_path: str, health: str | None = None, metrics: str | None = None) -> ServiceFacts:
    svc = Service(
        name="svc", repo_path=repo_path, repo_name="svc", health_url=health, metrics_url=metrics
    )
    (out,) = collect_repository(repo_path, [svc], AS_OF, live=True)
    return out


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/health"


# ----- live.health ------------------------------------------------------------------------------


def test_health_passes_on_2xx(repo_path: str, base_url: str) -> None:
    url = f"{base_url}/health"
    f = run_check(live.live_health, facts(repo_path, health=url))
    assert f.status is Status.PASS
    assert [(e.path, e.line) for e in f.evidence] == [(url, None)]
    assert "200" in f.evidence[0].message


def test_health_fails_on_503(repo_path: str, base_url: str) -> None:
    url = f"{base_url}/down"
    f = run_check(live.live_health, facts(repo_path, health=url))
    assert f.status is Status.FAIL
    assert [e.path for e in f.evidence] == [url]
    assert "503" in f.message


def test_health_fails_when_nothing_listens(repo_path: str) -> None:
    url = closed_port_url()
    f = run_check(live.live_health, facts(repo_path, health=url))
    assert f.status is Status.FAIL
    assert [e.path for e in f.evidence] == [url]


def test_health_unknown_without_url(repo_path: str) -> None:
    f = run_check(live.live_health, facts(repo_path))
    assert f.status is Status.UNKNOWN
    assert f.message == "no health URL in the catalog"


# ----- live.metrics -----------------------------------------------------------------------------


def test_metrics_passes_on_per_endpoint_histogram(repo_path: str, base_url: str) -> None:
    url = f"{base_url}/metrics"
    f = run_check(live.live_metrics, facts(repo_path, metrics=url))
    assert f.status is Status.PASS
    assert f.evidence == (Evidence(url, 6, "latency series http_server_requests_seconds by uri"),)


def test_metrics_passes_on_per_handler_summary(repo_path: str, base_url: str) -> None:
    url = f"{base_url}/metrics-summary"
    f = run_check(live.live_metrics, facts(repo_path, metrics=url))
    assert f.status is Status.PASS
    assert f.evidence == (Evidence(url, 2, "latency series request_latency by handler"),)


@pytest.mark.parametrize("path", ["/metrics-plain", "/metrics-html"])
def test_metrics_fails_without_per_endpoint_latency(
    repo_path: str, base_url: str, path: str
) -> None:
    url = f"{base_url}{path}"
    f = run_check(live.live_metrics, facts(repo_path, metrics=url))
    assert f.status is Status.FAIL
    assert [e.path for e in f.evidence] == [url]


def test_metrics_fails_on_error_status(repo_path: str, base_url: str) -> None:
    url = f"{base_url}/down"
    f: Finding = run_check(live.live_metrics, facts(repo_path, metrics=url))
    assert f.status is Status.FAIL
    assert "503" in f.message


def test_metrics_unknown_without_url(repo_path: str) -> None:
    f = run_check(live.live_metrics, facts(repo_path))
    assert f.status is Status.UNKNOWN
    assert f.message == "no metrics URL in the catalog"


def test_live_checks_are_live_kind() -> None:
    assert {s.kind for s in live.CHECKS} == {live.CheckKind.LIVE}


# ----- parser -----------------------------------------------------------------------------------


def test_parser_handles_escapes_and_openmetrics() -> None:
    text = (
        "# TYPE rpc_duration_seconds histogram\n"
        'rpc_duration_seconds_bucket{grpc_method="Get",msg="a \\"b\\", c",le="1"} 2 1700000000\n'
        "# EOF\n"
    )
    ((sample, label),) = list(live.latency_series(text))
    assert (sample.name, sample.line, label) == ("rpc_duration_seconds_bucket", 2, "grpc_method")
    assert sample.labels["msg"] == 'a \\"b\\", c'


def test_parser_skips_malformed_lines() -> None:
    types, samples = live.parse_exposition('garbage{{{\nx{a="1"\n\n{"utf8.name"} 1\n')
    assert (types, samples) == ({}, [])
