"""Live probes of running services: GET the catalog's health and metrics URLs.

Safety: only http and https URLs are probed; credentials embedded in a URL are removed
before the request (and from the recorded URL); no proxy, cookie or authentication
handler is installed, so no credential is ever sent; redirects are followed only to the
same host (at most 5). Every failure becomes `LiveProbe(ok=False, message=...)`.
The timeout bounds the connection and each read, and the whole body read is given up
once the timeout has passed since the request started.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from http.client import HTTPException
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from rung.catalog.entity import Service
from rung.collect.facts import LiveProbe

DEFAULT_TIMEOUT = 5.0
METRICS_BODY_LIMIT = 256 * 1024
USER_AGENT = "rung-probe/0.1"
_ACCEPT_METRICS = (
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.9,*/*;q=0.1"
)

# probe name -> (Service attribute with the URL, bytes of body kept, Accept header)
PROBES: dict[str, tuple[str, int, str]] = {
    "health": ("health_url", 0, "*/*"),
    "metrics": ("metrics_url", METRICS_BODY_LIMIT, _ACCEPT_METRICS),
}


def probe_live(service: Service, *, timeout: float = DEFAULT_TIMEOUT) -> dict[str, LiveProbe]:
    """Probe each URL the service declares; no URL, no probe."""
    out: dict[str, LiveProbe] = {}
    for name, (attr, keep, accept) in PROBES.items():
        url = getattr(service, attr)
        if url:
            out[name] = probe(str(url), timeout=timeout, keep_bytes=keep, accept=accept)
    return out


def strip_credentials(url: str) -> str:
    """The URL without user information (user:password@) and fragment."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def probe(
    url: str, *, timeout: float = DEFAULT_TIMEOUT, keep_bytes: int = 0, accept: str = "*/*"
) -> LiveProbe:
    clean = strip_credentials(url)
    parts = urlsplit(clean) if clean else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return LiveProbe(url=clean, ok=False, message="not an http(s) URL: not probed")
    try:
        return _get(clean, timeout, keep_bytes, accept)
    except urllib.error.HTTPError as exc:
        exc.close()
        return LiveProbe(url=clean, ok=False, status_code=exc.code, message=_http_error(exc))
    except urllib.error.URLError as exc:
        return LiveProbe(url=clean, ok=False, message=_reason(exc.reason))
    except TimeoutError:
        return LiveProbe(url=clean, ok=False, message=f"timed out after {timeout:g} s")
    except (HTTPException, OSError, ValueError) as exc:
        return LiveProbe(url=clean, ok=False, message=_reason(exc))
    except Exception as exc:  # a probe never raises
        return LiveProbe(url=clean, ok=False, message=f"probe failed: {type(exc).__name__}")


def _get(url: str, timeout: float, keep_bytes: int, accept: str) -> LiveProbe:
    request = urllib.request.Request(
        url, method="GET", headers={"User-Agent": USER_AGENT, "Accept": accept}
    )
    start = time.monotonic()
    with _OPENER.open(request, timeout=timeout) as response:
        code = int(response.status)
        body, truncated = _read(response, keep_bytes, start + timeout)
    elapsed = int((time.monotonic() - start) * 1000)
    ok = 200 <= code < 300
    message = f"answered in {elapsed} ms"
    if truncated:
        message += f"; body cut at {keep_bytes // 1024} KiB"
    return LiveProbe(url=url, ok=ok, status_code=code, message=message, body=body)


def _read(response: IO[bytes], keep_bytes: int, deadline: float) -> tuple[str, bool]:
    """Up to keep_bytes of the body, decoded; raises TimeoutError past the deadline."""
    chunks: list[bytes] = []
    size = 0
    while size < keep_bytes:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(min(65536, keep_bytes - size))
        if not chunk:
            return b"".join(chunks).decode("utf-8", "replace"), False
        chunks.append(chunk)
        size += len(chunk)
    truncated = keep_bytes > 0 and bool(response.read(1))
    return b"".join(chunks).decode("utf-8", "replace"), truncated


def _http_error(exc: urllib.error.HTTPError) -> str:
    if 300 <= exc.code < 400:
        return "redirect to another host or scheme: not followed"
    return str(exc.reason or "error status")


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return str(reason.strerror)
    return str(reason) or type(reason).__name__


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:  # fmt: skip
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        same_host = (new.hostname or "").lower() == (old.hostname or "").lower()
        if new.scheme.lower() not in ("http", "https") or not same_host or "@" in new.netloc:
            return None  # urllib then raises HTTPError with the redirect status
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# No proxies (and so no proxy credentials), no cookies, no authentication handlers.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _SameHostRedirects())
