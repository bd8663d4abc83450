"""Bearer tokens for writes, and why the forms are CSRF-safe.

`RUNG_API_TOKEN` holds one token or several, comma-separated, each `NAME:SECRET` or a
bare `SECRET` (named `api`). The name is what the audit trail records. No token set:
the server is read-only and every write is refused (403).

CSRF: the server sets no cookie and keeps no session, so a browser never sends a
credential on its own. A write must carry the secret itself, in an
`Authorization: Bearer SECRET` header (the API) or in the form's `token` field (the
HTML forms, typed by the person). A page on another origin cannot know the secret, so
it cannot forge a write. As a second line, a form post whose `Origin` (or, without
one, `Referer`) names another host than the request's `Host` is refused.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_NAME = "api"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


@dataclass(frozen=True)
class Tokens:
    by_secret: Mapping[str, str]  # secret -> name

    def __bool__(self) -> bool:
        return bool(self.by_secret)

    def name_of(self, secret: str | None) -> str | None:
        """The name of the token `secret`, compared in constant time; None: no match."""
        if not secret:
            return None
        found = None
        for known, name in self.by_secret.items():
            if hmac.compare_digest(known.encode(), secret.encode()):
                found = name
        return found


def parse_tokens(spec: str | None) -> Tokens:
    """`alice:s3cret,ci:0123` -> {s3cret: alice, 0123: ci}; a bare secret is `api`."""
    out: dict[str, str] = {}
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, secret = part.partition(":")
        if sep and secret and _NAME.match(name):
            out[secret] = name
        else:
            out[part] = DEFAULT_NAME
    return Tokens(out)


class Refused(Exception):
    """A write without a valid token (status 401) or on a read-only server (403)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def bearer(headers: Mapping[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def authorise(tokens: Tokens, secret: str | None) -> str:
    """The token's name, or Refused."""
    if not tokens:
        raise Refused(403, "this server is read-only: start it with RUNG_API_TOKEN set")
    name = tokens.name_of(secret)
    if name is None:
        raise Refused(401, "a valid API token is required for writes")
    return name


def same_origin(headers: Mapping[str, str]) -> bool:
    """False when the request says it comes from a page of another host."""
    host = headers.get("host", "")
    source = headers.get("origin") or headers.get("referer")
    if not source or source == "null":
        return source != "null"
    return urlsplit(source).netloc == host
