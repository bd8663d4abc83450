"""The service entity: one entry of the catalog, whatever its source."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
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


def _tuple(v: Any) -> tuple[Any, ...]:
    return tuple(v or ())


def _dict(v: Any) -> dict[str, Any]:
    return dict(v or {})


# How each non-scalar field comes back from its JSON form (`dataclasses.asdict`).
_FROM_JSON: dict[str, Callable[[Any], Any]] = {
    "source": ServiceSource,
    "annotations": _dict,
    "labels": _dict,
    "descriptor": _dict,
    "tags": _tuple,
    "depends_on": _tuple,
    "consumes_apis": _tuple,
    "provides_apis": _tuple,
    "links": lambda v: tuple(Link(**item) for item in v or ()),
}
_FIELDS = frozenset(f.name for f in fields(Service))


def service_from_dict(data: Mapping[str, Any]) -> Service:
    """The Service whose `dataclasses.asdict` form, through JSON, is `data` (keys that
    are no field of this version are ignored)."""
    return Service(**{k: _FROM_JSON.get(k, _same)(v) for k, v in data.items() if k in _FIELDS})


def _same(v: Any) -> Any:
    return v


def shallow_fields(service: Service) -> dict[str, Any]:
    """The fields of `service` by name, values as they are: what `dataclasses.asdict`
    gives, without its deep copy, once a JSON encoder turns the Links inside with
    `json_default`."""
    return {name: getattr(service, name) for name in _FIELD_ORDER}


def json_default(value: object) -> Any:
    """A JSON encoder's fallback: a dataclass met inside a Service (a Link) as
    `dataclasses.asdict` makes it, anything else as text."""
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


_FIELD_ORDER = tuple(f.name for f in fields(Service))
