"""Git and web URLs: credentials stripped, compared and named without them."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# scp-like git syntax: [user[:password]@]host:path (no scheme, colon before any slash)
_SCP = re.compile(r"^(?:(?P<user>[^@/:]+)(?::[^@/]*)?@)?(?P<host>[^@/:]+):(?P<path>(?!//).*)$")
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")
_SSH_SCHEMES = frozenset({"ssh", "git+ssh", "ssh+git"})


def is_url(text: str) -> bool:
    """Whether `text` names a remote (scheme URL or scp-like `git@host:org/repo`)."""
    return bool(_SCHEME.match(text)) or bool(_SCP.match(text) and "@" in text)


def strip_credentials(url: str) -> str:
    """`url` without a password or token. A scheme URL loses its whole user-info, except that
    ssh keeps a user name (never a password); scp-like `user:pass@host:path` keeps `user@`."""
    if _SCHEME.match(url):
        try:
            parts = urlsplit(url)
        except ValueError:
            return _USERINFO.sub(r"\1", url)
        userinfo, at, host = parts.netloc.rpartition("@")
        if not at:
            return url
        user = userinfo.partition(":")[0]
        keep = f"{user}@" if parts.scheme.lower() in _SSH_SCHEMES and user else ""
        return urlunsplit(parts._replace(netloc=keep + host))
    match = _SCP.match(url)
    if match and match.group("user"):
        return f"{match.group('user')}@{match.group('host')}:{match.group('path')}"
    return url


def _host_path(url: str) -> tuple[str, str]:
    """(host, path) of a remote without credentials; ("", url) for a local path."""
    text = strip_credentials(url)
    scheme = _SCHEME.match(text)
    if scheme:
        rest = text[scheme.end() :].split("?", 1)[0].split("#", 1)[0]
        netloc, _, path = rest.partition("/")
        return netloc.rpartition("@")[2].lower(), path
    match = _SCP.match(text)
    if match and "@" in text:
        return match.group("host").lower(), match.group("path")
    return "", text


def last_segment(url: str) -> str:
    """The repository name a URL ends with, without `.git` (`org/carts.git` -> `carts`)."""
    name = _host_path(url)[1].rstrip("/").rpartition("/")[2]
    return name[:-4] if name.endswith(".git") else name


def same_remote(a: str, b: str) -> bool:
    """Whether two remotes are the same, ignoring credentials, the user, the host's case,
    a trailing slash and `.git`."""
    return _comparable(a) == _comparable(b)


def _comparable(url: str) -> tuple[str, str]:
    host, path = _host_path(url.strip())
    path = path.strip("/")
    return host, path[:-4] if path.endswith(".git") else path


def scrub(value: Any) -> Any:
    """A copy of a YAML value with credentials stripped from every URL string in it."""
    if isinstance(value, str):
        return strip_credentials(value) if is_url(value) else value
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value
