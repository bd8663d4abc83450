"""Import layering: data flows one way; only store/ holds SQL; --help stays light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "rung"

# room -> rooms it must never import
FORBIDDEN = {
    "model": {"catalog", "collect", "checks", "assess", "store", "report", "web", "cli"},
    "catalog": {"checks", "assess", "store", "report", "web", "cli"},
    "collect": {"checks", "assess", "store", "report", "web", "cli"},
    "checks": {"assess", "store", "report", "web", "cli"},
    "assess": {"store", "report", "web", "cli"},
    "store": {"web", "cli"},
    "report": {"store", "web", "cli"},
}
SQL_MODULES = {"sqlalchemy", "alembic", "psycopg", "sqlite3"}
# The one sanctioned upward edge: validating a model needs the ids of the registered
# checks, so the loader asks the registry (lazily) for them.
ALLOWED = {("model/loader.py", "rung.checks.registry")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def _room_files(room: str) -> list[Path]:
    return sorted((SRC / room).rglob("*.py"))


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_rooms_do_not_import_downstream(room: str) -> None:
    bad = []
    for f in _room_files(room):
        for mod in _imports(f):
            parts = mod.split(".")
            if (str(f.relative_to(SRC)), mod) in ALLOWED:
                continue
            if parts[0] == "rung" and len(parts) > 1 and parts[1] in FORBIDDEN[room]:
                bad.append(f"{f.relative_to(SRC)} imports {mod}")
    assert bad == []


def test_only_store_holds_sql() -> None:
    bad = []
    for f in SRC.rglob("*.py"):
        rel = f.relative_to(SRC)
        if rel.parts[0] == "store":
            continue
        for mod in _imports(f):
            if mod.split(".")[0] in SQL_MODULES:
                bad.append(f"{rel} imports {mod}")
    assert bad == []


def test_help_imports_nothing_heavy() -> None:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rung", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Usage: rung" in proc.stdout
    heavy = (
        "sqlalchemy",
        "alembic",
        "fastapi",
        "distributed",
        "pygit2",
        "detect_secrets",
        "pydantic",
        "yaml",
        "jinja2",
        "rich.table",
        "rich.progress",
        "psycopg",
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()}
    full = {line.split("|")[-1].strip() for line in proc.stderr.splitlines()}
    assert [h for h in heavy if h in imported or h in full] == []
