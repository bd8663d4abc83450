"""Live probes against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rung.catalog.entity import Service
from rung.collect.live import METRICS_BODY_LIMIT, probe, probe_live, strip_credentials

BIG = "x" * (METRICS_BODY_LIMIT + 1000)
SEEN_HEADERS: list[dict[str, str]] = []


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        SEEN_HEADERS.append({k.lower(): v for k, v in self.headers.items()})
        path = self.path
        if path == "/slow":
            time.sleep(1.5)
        if path.startswith("/redirect-same"):
            return self._reply(302, "", location="/health")
        if path == "/redirect-other":
            port = self.server.server_address[1]
            return self._reply(302, "", location=f"http://localhost:{port}/health")
        code, body = {
            "/health": (200, "ok"),
            "/created": (204, ""),
            "/broken": (500, "boom"),
            "/metrics": (200, "up 1\n"),
            "/big": (200, BIG),
            "/slow": (200, "late"),
        }.get(path, (404, "no"))
        self._reply(code, body)

    def _reply(self, code: int, body: str, location: str | None = None) -> None:
        data = body.encode()
        self.send_response(code)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        # the probe may stop reading (timeout, body limit)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def svc(health: str | None = None, metrics: str | None = None) -> Service:
    return Service(name="s", repo_path="/x", repo_name="x", health_url=health, metrics_url=metrics)


def test_health_2xx_and_metrics_body(base: str) -> None:
    out = probe_live(svc(f"{base}/health", f"{base}/metrics"))
    assert set(out) == {"health", "metrics"}
    health, metrics = out["health"], out["metrics"]
    assert (health.ok, health.status_code, health.url, health.body) == (
        True,
        200,
        f"{base}/health",
        "",
    )
    assert health.message.startswith("answered in ")
    assert (metrics.ok, metrics.status_code, metrics.body) == (True, 200, "up 1\n")
    assert probe(f"{base}/created").ok


def test_error_status_is_not_ok(base: str) -> None:
    p = probe_live(svc(f"{base}/broken"))["health"]
    assert (p.ok, p.status_code) == (False, 500)


def test_timeout(base: str) -> None:
    p = probe_live(svc(f"{base}/slow"), timeout=0.3)["health"]
    assert p.ok is False and p.status_code is None
    assert "timed out" in p.message


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = probe(f"http://127.0.0.1:{port}/health", timeout=1)
    assert p.ok is False and p.status_code is None
    assert "refused" in p.message.lower()


def test_metrics_body_is_bounded(base: str) -> None:
    p = probe_live(svc(metrics=f"{base}/big"))["metrics"]
    assert p.ok and len(p.body) == METRICS_BODY_LIMIT
    assert "body cut at 256 KiB" in p.message


def test_redirects_same_host_only(base: str) -> None:
    same = probe(f"{base}/redirect-same")
    assert (same.ok, same.status_code) == (True, 200)
    other = probe(f"{base}/redirect-other")
    assert (other.ok, other.status_code) == (False, 302)
    assert "not followed" in other.message


def test_credentials_are_neither_sent_nor_kept(base: str) -> None:
    SEEN_HEADERS.clear()
    url = base.replace("http://", "http://admin:hunter2@") + "/health"
    p = probe(url)
    assert p.ok and p.url == f"{base}/health"
    assert "hunter2" not in repr(p)
    assert SEEN_HEADERS and all("authorization" not in h for h in SEEN_HEADERS)
    assert SEEN_HEADERS[-1]["user-agent"].startswith("rung")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "not a url", "http://", "javascript:x"]
)
def test_only_http_urls_are_probed(url: str) -> None:
    p = probe(url)
    assert p.ok is False and p.message == "not an http(s) URL: not probed"


def test_no_urls_no_probes() -> None:
    assert probe_live(svc()) == {}


def test_strip_credentials() -> None:
    assert strip_credentials("https://u:p@host:8443/a?b=1#frag") == "https://host:8443/a?b=1"
    assert strip_credentials("http://host/x") == "http://host/x"
