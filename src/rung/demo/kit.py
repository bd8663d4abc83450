"""Shared vocabulary of the language kits: what a kit is told and what it returns."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rung.demo.history import FileEntry

INITIAL = "Initial commit"
LOCK = "Pin dependencies with a lock file"
UNIT = "Add unit tests"
INTEGRATION = "Add integration tests"
CONTRACT = "Add consumer contract tests"
MIGRATIONS = "Add database migrations"
LINT = "Configure linting"
LOAD = "Add load tests"
SQL_STORES = ("postgres", "mysql")


@dataclass(frozen=True, slots=True)
class Ctx:
    """What a language kit knows about the service it lays out."""

    name: str
    variant: str
    features: frozenset[str]
    datastore: str | None  # postgres, mysql, mongodb, redis or None
    port: int
    modules: int  # extra source modules, to vary the size of the service

    def has(self, feature: str) -> bool:
        return feature in self.features

    @property
    def ident(self) -> str:
        """The service name as an identifier: order-history -> order_history."""
        return self.name.replace("-", "_")

    @property
    def camel(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-"))

    @property
    def migrates(self) -> bool:
        return self.has("data.migrations") and self.datastore in SQL_STORES


@dataclass(frozen=True, slots=True)
class Toolchain:
    """Commands and snippets the language-neutral practices need (README, CI, Docker)."""

    language: str
    framework: str
    install: str
    run: str
    test: str
    coverage: str  # the test command with a coverage flag
    ci_setup: str  # GitHub Actions steps (YAML, indented 6 spaces) that set up the toolchain
    docker: str  # Dockerfile stages, without a USER line, ending before CMD
    cmd: str  # the final CMD line
    ignore: tuple[str, ...]  # .dockerignore entries


@dataclass(frozen=True, slots=True)
class KitResult:
    files: dict[str, FileEntry]
    churn: list[str]
    tool: Toolchain


Kit = Callable[[Ctx], KitResult]


def checksum(*parts: str, size: int = 32) -> bytes:
    """A deterministic fake digest for lock files."""
    out = b""
    seed = "/".join(parts).encode()
    while len(out) < size:
        out += hashlib.sha256(seed + bytes([len(out)])).digest()
    return out[:size]


def b64(*parts: str, size: int = 32) -> str:
    return base64.b64encode(checksum(*parts, size=size)).decode()


def hexsum(*parts: str) -> str:
    return checksum(*parts).hex()


def pick_deps(
    ctx: Ctx, base: Iterable[tuple[str, str]], table: Mapping[str, Iterable[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """Base dependencies plus those of every feature (or datastore) the service has."""
    deps = list(base)
    for key, extra in table.items():
        if (
            ctx.has(key)
            or key == f"db.{ctx.datastore}"
            or (key == "db.migrations" and ctx.migrates)
        ):
            deps += [d for d in extra if d not in deps]
    return deps


class Files:
    """Collects a kit's files with the stage and topic that introduce them."""

    def __init__(self) -> None:
        self.files: dict[str, FileEntry] = {}

    def add(self, stage: int, topic: str, files: Mapping[str, str]) -> None:
        for path, content in files.items():
            self.files[path] = FileEntry(content, stage, topic)

    def when(
        self, cond: bool, stage: int, topic: str, files: Callable[[], Mapping[str, str]]
    ) -> None:
        if cond:
            self.add(stage, topic, files())


def k6_script(ctx: Ctx, path: str = "/api/v1") -> dict[str, str]:
    return {
        "load/k6/smoke.js": f"""import http from 'k6/http';
import {{ check, sleep }} from 'k6';

export const options = {{
  stages: [
    {{ duration: '1m', target: 50 }},
    {{ duration: '3m', target: 200 }},
    {{ duration: '1m', target: 0 }},
  ],
  thresholds: {{ http_req_duration: ['p(95)<300'] }},
}};

export default function () {{
  const res = http.get(`${{__ENV.BASE_URL}}{path}/{ctx.name}`);
  check(res, {{ 'status is 200': (r) => r.status === 200 }});
  sleep(1);
}}
"""
    }
