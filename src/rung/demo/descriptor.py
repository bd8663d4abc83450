"""Backstage `catalog-info.yaml` documents for the demo services."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import yaml

ORG = "example-shop"


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    description: str
    owner: str
    system: str
    language: str
    framework: str
    repo: str
    root: str
    features: frozenset[str]
    lifecycle: str = "production"
    depends_on: Sequence[str] = ()
    extra: Mapping[str, str] = field(default_factory=dict)  # rung.dev/* annotations


def _tool_annotations(e: CatalogEntry) -> dict[str, str]:
    has = e.features.__contains__
    out: dict[str, str] = {}
    if has("catalog.oncall"):
        out["pagerduty.com/service-id"] = (
            "P" + "".join(c for c in e.name.upper() if c.isalpha())[:6]
        )
    if has("catalog.dashboard"):
        out["grafana/dashboard-selector"] = f"tags @> '{e.name}'"
    if has("catalog.error_tracking"):
        out["sentry.io/project-slug"] = f"{ORG}/{e.name}"
    if has("catalog.docs"):
        out["backstage.io/techdocs-ref"] = "dir:."
    if has("catalog.code_quality"):
        out["sonarqube.org/project-key"] = f"{ORG}_{e.name}"
    if has("catalog.cost_center"):
        out["rung.dev/cost-center"] = "cc-4711"
    return out


def render(e: CatalogEntry) -> str:
    slug = f"{ORG}/{e.repo}"
    annotations = {"github.com/project-slug": slug}
    if e.root != ".":
        annotations["backstage.io/source-location"] = (
            f"url:https://github.com/{slug}/tree/main/{e.root}"
        )
    annotations |= dict(e.extra) | _tool_annotations(e)
    metadata: dict[str, object] = {
        "name": e.name,
        "description": e.description,
        "annotations": annotations,
        "tags": sorted(
            {e.language.lower().replace("#", "sharp"), e.framework.lower().replace(" ", "-")}
        ),
    }
    if "catalog.dashboard" in e.features:
        metadata["links"] = [
            {
                "url": f"https://grafana.example.com/d/{e.name}",
                "title": "Service dashboard",
                "type": "dashboard",
            }
        ]
    spec: dict[str, object] = {"type": "service"}
    if "catalog.lifecycle" in e.features:
        spec["lifecycle"] = e.lifecycle
    if "catalog.owner" in e.features:
        spec["owner"] = e.owner
    spec["system"] = e.system
    if e.depends_on:
        spec["dependsOn"] = [f"component:{d}" for d in e.depends_on]
    doc = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": metadata,
        "spec": spec,
    }
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, width=120)
