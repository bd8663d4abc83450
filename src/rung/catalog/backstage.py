"""Backstage documents -> service fields.

One `kind: Component` document becomes the fields of a `Service` (everything but where it
lives). Choices made here:

- Entity references are shortened: the default kind of the field and the `default`
  namespace are dropped. `spec.owner: group:default/team-x` (or `group:team-x`) is
  `team-x`; `user:default/jane` is `user:jane`; `group:ops/team-x` is `ops/team-x`.
  `spec.dependsOn: component:default/carts` is `carts`, `resource:default/db` is
  `resource:db`; API refs drop `api:` and `default/`.
- `metadata.name` must be a Backstage name (letters and digits, possibly separated by
  one of `-_.`); a document with a missing or invalid name (e.g. a template placeholder
  `${{ values.name }}`) is reported and skipped.
- Annotation values are coerced to strings (booleans as `true`/`false`, null as "");
  nested values are reported and dropped.
- rung's own annotations are read through `RUNG_ANNOTATIONS`; a bad value is reported
  and the field left unset (None).
- Credentials embedded in any URL (links, health, metrics) are stripped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rung.catalog.entity import Link
from rung.catalog.urls import strip_credentials
from rung.catalog.yamldocs import YamlDoc

Warn = Callable[[int | None, str], None]

ANNOTATION_SERVICE_ROOT = "rung.dev/service-root"
ANNOTATION_REPOSITORY = "rung.dev/repository"
_NAME = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")


class BadValue(ValueError):
    pass


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise BadValue(f"expected 'true' or 'false', got {value!r}")
    return lowered == "true"


def _level(value: str) -> int:
    text = value.strip()
    if not text.isdigit() or not 0 <= int(text) <= 9:
        raise BadValue(f"expected a level 0..9, got {value!r}")
    return int(text)


def _text(value: str) -> str | None:
    return value.strip() or None


def _url(value: str) -> str | None:
    text = value.strip()
    return strip_credentials(text) if text else None


# annotation -> (Service field, parser)
RUNG_ANNOTATIONS: dict[str, tuple[str, Callable[[str], object]]] = {
    "rung.dev/critical-path": ("critical_path", _bool),
    "rung.dev/profile": ("profile", _text),
    "rung.dev/required-level": ("required_level_pin", _level),
    "rung.dev/required-level-reason": ("required_level_reason", _text),
    "rung.dev/health-url": ("health_url", _url),
    "rung.dev/metrics-url": ("metrics_url", _url),
}


@dataclass(frozen=True)
class Component:
    """What one Component document says, before it is placed in a repository."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)  # Service keyword arguments
    service_root: str | None = None  # rung.dev/service-root
    repository: str | None = None  # rung.dev/repository (central catalog)


def entity_ref(value: str, default_kind: str) -> str:
    """Shorten an entity reference: drop the default kind and the default namespace."""
    kind, sep, rest = value.partition(":")
    if not sep or "/" in kind:
        kind, rest = "", value
    namespace, slash, name = rest.rpartition("/")
    if slash and namespace.lower() != "default":
        name = f"{namespace}/{name}"
    if kind and kind.lower() != default_kind:
        return f"{kind}:{name}"
    return name


def _scalar(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _str_map(value: object, what: str, doc: YamlDoc, warn: Warn) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        warn(doc.line_of("metadata", what), f"metadata.{what} is not a mapping: ignored")
        return {}
    out: dict[str, str] = {}
    for key, raw in value.items():
        text = _scalar(raw)
        if text is None:
            warn(doc.line_of("metadata", what, str(key)), f"metadata.{what}.{key}: not a scalar")
            continue
        out[str(key)] = text
    return out


def _str_list(value: object, where: str, line: int, warn: Warn) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else None
    if items is None:
        warn(line, f"{where} is not a list: ignored")
        return []
    out = []
    for item in items:
        text = _scalar(item)
        if text is None or not text:
            warn(line, f"{where}: ignored an entry that is not a string")
            continue
        out.append(text)
    return out


def _links(value: object, doc: YamlDoc, warn: Warn) -> tuple[Link, ...]:
    line = doc.line_of("metadata", "links")
    if value is None:
        return ()
    if not isinstance(value, list):
        warn(line, "metadata.links is not a list: ignored")
        return ()
    links = []
    for item in value:
        url = item.get("url") if isinstance(item, Mapping) else None
        if not isinstance(url, str) or not url.strip():
            warn(line, "metadata.links: ignored an entry without a url")
            continue
        title = _scalar(item.get("title")) or ""
        kind = _scalar(item.get("type")) or ""
        links.append(Link(url=strip_credentials(url.strip()), title=title, type=kind))
    return tuple(links)


def _spec_text(spec: Mapping[str, Any], key: str, doc: YamlDoc, warn: Warn) -> str | None:
    value = spec.get(key)
    text = _scalar(value)
    if text is None:
        warn(doc.line_of("spec", key), f"spec.{key} is not a string: ignored")
    return text or None


def _rung_fields(annotations: Mapping[str, str], doc: YamlDoc, warn: Warn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (attr, parse) in RUNG_ANNOTATIONS.items():
        if key not in annotations:
            continue
        try:
            out[attr] = parse(annotations[key])
        except BadValue as exc:
            warn(doc.line_of("metadata", "annotations", key), f"annotation {key}: {exc}")
    return out


def _refs(
    spec: Mapping[str, Any], key: str, kind: str, doc: YamlDoc, warn: Warn
) -> tuple[str, ...]:
    raw = _str_list(spec.get(key), f"spec.{key}", doc.line_of("spec", key), warn)
    return tuple(entity_ref(item, kind) for item in raw)


def parse_component(doc: YamlDoc, warn: Warn) -> Component | None:
    """The Component in `doc` (a mapping of kind Component), or None (reported) if unusable."""
    data: Mapping[str, Any] = doc.data
    metadata = data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, Mapping) else None
    if not isinstance(name, str) or not name:
        warn(doc.line, "Component without metadata.name: ignored")
        return None
    if not _NAME.match(name):
        warn(doc.line_of("metadata", "name"), f"Component name {name!r} is not valid: ignored")
        return None
    assert isinstance(metadata, Mapping)
    spec = data.get("spec")
    if not isinstance(spec, Mapping):
        if spec is not None:
            warn(doc.line_of("spec"), "spec is not a mapping: ignored")
        spec = {}
    annotations = _str_map(metadata.get("annotations"), "annotations", doc, warn)
    owner = _spec_text(spec, "owner", doc, warn)
    fields: dict[str, Any] = {
        "owner": entity_ref(owner, "group") if owner else None,
        "system": _spec_text(spec, "system", doc, warn),
        "lifecycle": _spec_text(spec, "lifecycle", doc, warn),
        "type": _spec_text(spec, "type", doc, warn),
        "annotations": annotations,
        "labels": _str_map(metadata.get("labels"), "labels", doc, warn),
        "tags": tuple(
            _str_list(metadata.get("tags"), "metadata.tags", doc.line_of("metadata", "tags"), warn)
        ),
        "links": _links(metadata.get("links"), doc, warn),
        "depends_on": _refs(spec, "dependsOn", "component", doc, warn),
        "consumes_apis": _refs(spec, "consumesApis", "api", doc, warn),
        "provides_apis": _refs(spec, "providesApis", "api", doc, warn),
        **_rung_fields(annotations, doc, warn),
    }
    return Component(
        name=name,
        fields=fields,
        service_root=annotations.get(ANNOTATION_SERVICE_ROOT, "").strip() or None,
        repository=annotations.get(ANNOTATION_REPOSITORY, "").strip() or None,
    )


def location_targets(doc: YamlDoc, warn: Warn) -> list[str]:
    """`spec.target` and `spec.targets` of a Location document."""
    spec = doc.data.get("spec")
    if not isinstance(spec, Mapping):
        warn(doc.line, "Location without spec: ignored")
        return []
    targets = []
    single = spec.get("target")
    if single is not None:
        if isinstance(single, str) and single.strip():
            targets.append(single.strip())
        else:
            warn(doc.line_of("spec", "target"), "spec.target is not a string: ignored")
    line = doc.line_of("spec", "targets")
    targets.extend(t.strip() for t in _str_list(spec.get("targets"), "spec.targets", line, warn))
    return targets


def document_kind(doc: YamlDoc) -> str | None:
    """The kind of a mapping document, lower-cased (None if absent)."""
    kind = doc.data.get("kind")
    return kind.strip().lower() if isinstance(kind, str) else None
