"""The service entity: one entry of the catalog, whatever its source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ServiceSource(StrEnum):
    DESCRIPTOR = "descriptor"  # a catalog-info.yaml inside the repository
    CENTRAL = "central"  # the central catalog given with --catalog
    INFERRED = "inferred"  # no descriptor: inferred from the repository layout


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    title: str = ""
    type: str = ""


@dataclass(frozen=True)
class Service:
    """A service of the portfolio.

    `repo_path` is the local checkout (absolute); `root` is the service root relative to
    the repository root (POSIX, "." for the whole repository).
    """

    name: str
    repo_path: str
    repo_name: str
    root: str = "."
    repo_url: str | None = None  # never with credentials
    source: ServiceSource = ServiceSource.INFERRED
    owner: str | None = None
    system: str | None = None
    lifecycle: str | None = None
    type: str | None = None
    critical_path: bool | None = None  # None: not declared
    profile: str | None = None
    required_level_pin: int | None = None
    required_level_reason: str | None = None
    health_url: str | None = None
    metrics_url: str | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    depends_on: tuple[str, ...] = ()
    consumes_apis: tuple[str, ...] = ()
    provides_apis: tuple[str, ...] = ()
    descriptor_path: str | None = None  # repo-relative path, or the central catalog file
    descriptor: Mapping[str, Any] = field(default_factory=dict)  # the raw Component document
