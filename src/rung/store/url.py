"""Database URLs: the default SQLite file, driver normalisation, password masking.

No SQLAlchemy here: these helpers run before anything heavy is imported.
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT_DIR = ".rung"
DEFAULT_FILE = "rung.db"
ENV_VAR = "RUNG_DATABASE_URL"  # read by the CLI layer only

_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<at>@)")
_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


def default_url(cwd: Path | None = None) -> str:
    """The workspace database: `.rung/rung.db` under the current folder."""
    path = (cwd or Path.cwd()) / DEFAULT_DIR / DEFAULT_FILE
    return f"sqlite:///{path}"


def normalise(url: str) -> str:
    """A URL SQLAlchemy can open: a plain path means an SQLite file; `postgresql://`
    means psycopg 3 (the driver rung ships with)."""
    url = url.strip()
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme, rest = url.split("://", 1)
    return f"{_DRIVERS.get(scheme, scheme)}://{rest}"


def masked(text: str) -> str:
    """`text` with the password of every URL in it replaced by `***`."""
    return _PASSWORD.sub(lambda m: f"{m['head']}***{m['at']}", text)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (None for in-memory databases and other backends)."""
    if not is_sqlite(url):
        return None
    rest = url.split("://", 1)[1]
    if not rest.startswith("/") or rest in ("/", "/:memory:"):
        return None
    return Path(rest[1:].split("?", 1)[0])


_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][\w+.-]*://)(?P<user>[^:/@\s]*):[^@\s/]*@")
_TOKEN = re.compile(r"(?P<scheme>\bhttps?://)[^:/@\s]+@")


def strip_credentials(text: str) -> str:
    """`text` with the password of every URL masked and the bare token of every http(s)
    URL (https://TOKEN@host) removed: what rung keeps in its database."""
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _TOKEN.sub(lambda m: f"{m['scheme']}***@", text)
