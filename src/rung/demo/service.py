"""Lay out one service: choose its practices, ask its language kit, add practice files."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rung.demo import practices as pr
from rung.demo.descriptor import CatalogEntry, render
from rung.demo.history import FileEntry
from rung.demo.kit import Ctx, Kit, Toolchain
from rung.demo.lang_dotnet import csharp_kit
from rung.demo.lang_go import go_kit
from rung.demo.lang_jvm import java_kit
from rung.demo.lang_misc import php_kit, rust_kit
from rung.demo.lang_node import node_kit
from rung.demo.lang_python import python_kit
from rung.demo.lang_ruby import ruby_kit
from rung.demo.plan import PORTS, VARIANTS, ServicePlan

KITS: dict[str, Kit] = {
    "python": python_kit, "java": java_kit, "go": go_kit, "node": node_kit,
    "ruby": ruby_kit, "csharp": csharp_kit, "rust": rust_kit, "php": php_kit,
}  # fmt: skip
HEALTH_PATHS = {"fastapi": "/healthz", "chi": "/healthz", "express": "/ready", "aspnet": "/healthz"}
HEALTH_PATHS |= {"maven": "/actuator/health/readiness", "gradle": "/actuator/health/readiness"}


def feature_tier(feature: str, default: int = 1) -> int:
    """The tier at which a practice appears in a service's history."""
    for tier, features in pr.tier_features().items():
        if feature in features:
            return tier
    return default


@dataclass
class Realised:
    """A planned service turned into files (relative to its root) and a toolchain."""

    plan: ServicePlan
    features: frozenset[str]
    variant: str
    tool: Toolchain
    files: dict[str, FileEntry]
    churn: list[str]
    port: int
    annotations: dict[str, str] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()

    @property
    def health(self) -> str:
        return HEALTH_PATHS.get(self.variant, "/health")

    def has(self, feature: str) -> bool:
        return feature in self.features


def service_features(rng: random.Random, plan: ServicePlan, monorepo: bool) -> frozenset[str]:
    feats = set(pr.choose_features(rng, plan.tier))
    if monorepo or plan.ident.critical:  # every monorepo and critical service is catalogued
        feats |= {"catalog.descriptor", "catalog.owner", "catalog.lifecycle"}
    if monorepo:
        feats -= pr.REPO_LEVEL
    return pr.normalise(feats)


def _variant(rng: random.Random, language: str, feats: frozenset[str]) -> str:
    if language == "java" and "security.lockfile" in feats:
        return "gradle"  # Maven has no lock file: a pinned Java service builds with Gradle
    return rng.choice(VARIANTS[language])


def realise(rng: random.Random, plan: ServicePlan, monorepo: bool) -> Realised:
    feats = service_features(rng, plan, monorepo)
    variant = _variant(rng, plan.language, feats)
    port = PORTS.get(plan.language, 8080)
    ctx = Ctx(plan.name, variant, feats, plan.datastore, port, plan.modules)
    result = KITS[plan.language](ctx)
    svc = Realised(plan, feats, variant, result.tool, dict(result.files), result.churn, port)
    for feature, topic, build in PRACTICE_FILES:
        if feature in feats:
            stage = feature_tier(feature)
            svc.files.update({p: FileEntry(c, stage, topic) for p, c in build(svc).items()})
    return svc


def add_descriptor(svc: Realised, description: str) -> None:
    plan = svc.plan
    entry = CatalogEntry(
        name=plan.name,
        description=description,
        owner=plan.ident.team,
        system=plan.ident.system,
        language=svc.tool.language,
        framework=svc.tool.framework,
        repo=plan.repo,
        root=plan.root,
        features=svc.features,
        lifecycle="experimental" if plan.profile == "new" else "production",
        depends_on=svc.depends_on,
        extra=svc.annotations,
    )
    stage = 1 if plan.ident.critical else 2
    svc.files["catalog-info.yaml"] = FileEntry(
        render(entry), stage, "Register in the service catalog"
    )


def _readme(s: Realised) -> dict[str, str]:
    text = pr.readme(s.plan.name, s.plan.ident.description, s.plan.ident.team, s.tool, s.features)
    return {"README.md": text}


def _docker(s: Realised) -> dict[str, str]:
    return {"Dockerfile": pr.dockerfile(s.tool, s.has("container.nonroot"))}


def _k8s(s: Realised) -> dict[str, str]:
    return pr.k8s_files(s.plan.name, s.port, s.features, s.health, s.plan.ident.team)


Builder = Callable[[Realised], Mapping[str, str]]


def _dockerignore(s: Realised) -> dict[str, str]:
    return {".dockerignore": "\n".join(s.tool.ignore) + "\n"}


def _env_example(s: Realised) -> dict[str, str]:
    return {".env.example": pr.env_example(s.plan.name, s.plan.datastore, s.port)}


def _overlays(s: Realised) -> dict[str, str]:
    return pr.overlays(s.features)


def _alerts(s: Realised) -> dict[str, str]:
    return {"deploy/monitoring/alerts.yaml": pr.alert_rules(s.plan.name)}


def _runbook(s: Realised) -> dict[str, str]:
    return {"docs/runbook.md": pr.runbook(s.plan.name)}


def _openapi(s: Realised) -> dict[str, str]:
    return {"api/openapi.yaml": pr.openapi(s.plan.name, s.plan.ident.description)}


def _adrs(s: Realised) -> dict[str, str]:
    return pr.adrs(s.plan.name, s.plan.datastore)


PRACTICE_FILES: tuple[tuple[str, str, Builder], ...] = (
    ("readme.present", "Add README", _readme),
    ("container.dockerfile", "Containerise the service", _docker),
    ("container.dockerignore", "Add .dockerignore", _dockerignore),
    ("config.template", "Document configuration", _env_example),
    ("deploy.k8s", "Add Kubernetes manifests", _k8s),
    ("config.per_environment", "Add per-environment configuration", _overlays),
    ("obs.alert_rules", "Add alerting rules", _alerts),
    ("ops.runbook", "Write the runbook", _runbook),
    ("api.spec", "Publish the OpenAPI contract", _openapi),
    ("docs.architecture", "Record architecture decisions", _adrs),
)
