"""Which practices a service of a maturity tier shows, and their language-neutral files.

Feature names are the built-in check ids of checks.md: a service "has" `deploy.probes` when
its files should make that check pass.
"""

from __future__ import annotations

import random
from functools import lru_cache

from rung.demo.kit import Toolchain

# The practices the generator can produce, by the tier where a service typically adopts
# them. `tier_features()` re-tiers them after the built-in model, so that a tier-N service
# shows the evidence of the model's levels 1..N (before the noise below).
BASE_TIERS: dict[int, tuple[str, ...]] = {
    1: (
        "readme.present", "ci.config", "tests.present", "security.lockfile",
        "container.dockerfile", "obs.health_endpoint",
    ),
    2: (
        "readme.setup", "readme.tests", "ci.runs_tests", "ci.on_change_request",
        "container.dockerignore", "config.template", "config.per_environment", "deploy.k8s",
        "deploy.probes", "deploy.resources", "obs.metrics", "obs.structured_logging",
        "change.codeowners",
        "security.dependency_updates", "catalog.descriptor", "catalog.owner",
        "catalog.lifecycle", "quality.linter",
    ),
    3: (
        "dev.local_env", "tests.integration", "tests.contract", "tests.coverage", "obs.tracing",
        "obs.error_tracking", "obs.alert_rules", "ops.runbook", "release.changelog",
        "release.versioned", "change.review_template", "api.spec", "data.migrations",
        "resilience.patterns", "security.static_analysis", "container.nonroot",
    ),
    4: (
        "tests.load", "deploy.progressive", "docs.architecture", "docs.contributing",
        "catalog.oncall", "catalog.dashboard", "catalog.error_tracking", "catalog.docs",
        "catalog.code_quality", "catalog.cost_center",
    ),
}  # fmt: skip

# Files of these practices live at the repository root (shared by a monorepo's services).
REPO_LEVEL = frozenset(
    {
        "ci.config", "ci.runs_tests", "ci.on_change_request", "change.codeowners",
        "change.review_template", "security.dependency_updates", "security.static_analysis",
        "release.changelog", "release.versioned", "docs.contributing", "dev.local_env",
    }
)  # fmt: skip

# A practice whose prerequisite is missing is dropped too.
REQUIRES = {
    "readme.setup": "readme.present", "readme.tests": "readme.present",
    "ci.runs_tests": "ci.config", "ci.on_change_request": "ci.config",
    "security.static_analysis": "ci.config", "deploy.probes": "deploy.k8s",
    "deploy.progressive": "deploy.k8s", "deploy.resources": "deploy.k8s",
    "container.dockerignore": "container.dockerfile",
    "container.nonroot": "container.dockerfile", "catalog.owner": "catalog.descriptor",
    "catalog.lifecycle": "catalog.descriptor", "catalog.oncall": "catalog.descriptor",
    "catalog.dashboard": "catalog.descriptor", "catalog.error_tracking": "catalog.descriptor",
    "catalog.docs": "catalog.descriptor", "catalog.code_quality": "catalog.descriptor",
    "catalog.cost_center": "catalog.descriptor", "tests.integration": "tests.present",
    "tests.contract": "tests.present", "tests.coverage": "tests.present",
    "tests.load": "tests.present",
}  # fmt: skip


PRODUCIBLE = frozenset(f for fs in BASE_TIERS.values() for f in fs)


@lru_cache(maxsize=1)
def tier_features() -> dict[int, tuple[str, ...]]:
    """Tier -> the producible check ids the built-in model cites first at that level
    (all of an `all:` rule; the first producible one of an `any:` rule), with their
    prerequisites; practices the model does not cite keep their base tier."""
    from rung.model.loader import load_model

    model = load_model("microservices").model
    base = {f: t for t, fs in BASE_TIERS.items() for f in fs}
    tier_of: dict[str, int] = {}

    def adopt(feature: str, level: int) -> None:
        while feature:
            tier_of[feature] = min(tier_of.get(feature, level), level)
            feature = REQUIRES.get(feature, "")

    rules = sorted(((lvl, e.evidence) for _a, lvl, e in model.expectations()), key=lambda x: x[0])
    for level, rule in rules:  # every all: first ...
        for feature in rule.all_ or []:
            if feature in PRODUCIBLE:
                adopt(feature, level)
    for level, rule in rules:  # ... then the most basic alternative of each any:
        options = sorted((base[c], c) for c in rule.any_ or [] if c in PRODUCIBLE)
        if options and not any(tier_of.get(c, 99) <= level for _t, c in options):
            adopt(options[0][1], level)
    for tier, features in BASE_TIERS.items():
        for feature in features:
            tier_of.setdefault(feature, tier)
    return {t: tuple(sorted(f for f, ft in tier_of.items() if ft == t)) for t in range(1, 5)}


def choose_features(rng: random.Random, tier: int) -> frozenset[str]:
    """The practices of a service at `tier`, with the noise real portfolios have."""
    tiers = tier_features()
    if tier == 0:
        chosen = {f for f in tiers[1] if rng.random() < 0.35}
        return normalise(chosen)
    chosen = {f for t in range(1, tier + 1) for f in tiers[t]}
    for t in range(3, tier + 1):  # not every mature service has everything
        chosen -= {f for f in tiers[t] if rng.random() < 0.12}
    if tier >= 2 and rng.random() < 0.3:  # ... and some miss a basic practice
        chosen.discard(rng.choice(tiers[rng.choice((1, 2))]))
    if tier < 4 and rng.random() < 0.35:  # ... while others already do something advanced
        chosen.add(rng.choice(tiers[tier + 1]))
    return normalise(chosen)


def normalise(features: set[str]) -> frozenset[str]:
    out = set(features)
    changed = True
    while changed:
        missing = {f for f in out if f in REQUIRES and REQUIRES[f] not in out}
        out -= missing
        changed = bool(missing)
    return frozenset(out)


def readme(name: str, description: str, owner: str, tool: Toolchain, feats: frozenset[str]) -> str:
    lines = [f"# {name}", "", f"{description}.", ""]
    if "readme.setup" in feats:
        lines += ["## Getting started", "", "```bash", tool.install, tool.run, "```", ""]
    if "readme.tests" in feats:
        lines += ["## Running the tests", "", "```bash", tool.test, "```", ""]
    if "ops.runbook" in feats:
        lines += ["## Operations", "", "See [the runbook](docs/runbook.md).", ""]
    if "catalog.owner" in feats:
        lines += ["## Ownership", "", f"Maintained by `{owner}`.", ""]
    return "\n".join(lines)


def dockerfile(tool: Toolchain, nonroot: bool) -> str:
    user = "USER 10001:10001\n" if nonroot else ""
    return f"{tool.docker}{user}{tool.cmd}\n"


def _probes(port: int, path: str) -> str:
    return (
        f"          readinessProbe:\n            httpGet:\n              path: {path}\n"
        f"              port: {port}\n            periodSeconds: 10\n"
        f"          livenessProbe:\n            httpGet:\n              path: {path}\n"
        f"              port: {port}\n            initialDelaySeconds: 15\n"
    )


def workload(name: str, port: int, feats: frozenset[str], health: str, team: str) -> str:
    progressive = "deploy.progressive" in feats
    kind = ("argoproj.io/v1alpha1", "Rollout") if progressive else ("apps/v1", "Deployment")
    labels = f"    app: {name}\n    team: {team}\n"
    if "catalog.cost_center" in feats:
        labels += "    cost-center: cc-4711\n"
    strategy = (
        "  strategy:\n    canary:\n      steps:\n        - setWeight: 10\n"
        "        - pause: {duration: 10m}\n"
        "        - setWeight: 50\n"
        "        - pause: {duration: 10m}\n"
        if progressive
        else ""
    )
    scrape = (
        (
            "      annotations:\n"
            '        prometheus.io/scrape: "true"\n'
            f'        prometheus.io/port: "{port}"\n'
        )
        if "obs.metrics" in feats
        else ""
    )
    probes = _probes(port, health) if "deploy.probes" in feats else ""
    resources = (
        "          resources:\n            requests:\n              cpu: 100m\n"
        "              memory: 256Mi\n"
        if "deploy.resources" in feats
        else ""
    )
    return (
        f"apiVersion: {kind[0]}\nkind: {kind[1]}\nmetadata:\n  name: {name}\n  labels:\n{labels}"
        f"spec:\n  replicas: 3\n{strategy}  selector:\n    matchLabels:\n      app: {name}\n"
        f"  template:\n    metadata:\n      labels:\n        app: {name}\n{scrape}"
        f"    spec:\n      containers:\n        - name: {name}\n"
        f"          image: registry.example.com/shop/{name}:latest\n"
        f"          ports:\n            - containerPort: {port}\n{probes}{resources}"
    )


def k8s_files(
    name: str, port: int, feats: frozenset[str], health: str, team: str
) -> dict[str, str]:
    stem = "rollout" if "deploy.progressive" in feats else "deployment"
    out = {
        f"deploy/k8s/base/{stem}.yaml": workload(name, port, feats, health, team),
        "deploy/k8s/base/service.yaml": (
            f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n"
            f"    app: {name}\n  ports:\n    - port: 80\n      targetPort: {port}\n"
        ),
        "deploy/k8s/base/kustomization.yaml": (
            f"apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            f"resources:\n  - {stem}.yaml\n  - service.yaml\n"
        ),
    }
    return out


def overlays(feats: frozenset[str]) -> dict[str, str]:
    """Per-environment config: Kustomize overlays next to manifests, or config files."""
    if "deploy.k8s" in feats:
        return {
            f"deploy/k8s/overlays/{env}/kustomization.yaml": (
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                f"resources:\n  - ../../base\nnamePrefix: {env}-\nreplicas:\n  - name: app\n"
                f"    count: {count}\n"
            )
            for env, count in (("staging", 1), ("production", 3))
        }
    return {
        f"config/{env}.yaml": f"log_level: {level}\ndatabase_pool_size: {pool}\n"
        for env, level, pool in (("staging", "debug", 5), ("production", "info", 20))
    }


def env_example(name: str, datastore: str | None, port: int) -> str:
    url = {
        "postgres": f"postgresql://localhost:5432/{name}",
        "mysql": f"mysql://localhost:3306/{name}",
        "mongodb": f"mongodb://localhost:27017/{name}",
        "redis": "redis://localhost:6379/0",
    }.get(datastore or "", "")
    lines = [f"PORT={port}", "LOG_LEVEL=info"] + ([f"DATABASE_URL={url}"] if url else [])
    if datastore in ("postgres", "mysql"):
        lines += [f"DATABASE_USER={name.replace('-', '_')}", "# DATABASE_PASSWORD comes from Vault"]
    return "\n".join(lines) + "\n"


def alert_rules(name: str) -> str:
    return f"""apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {name}-alerts
spec:
  groups:
    - name: {name}.rules
      rules:
        - alert: {name.title().replace("-", "")}HighErrorRate
          expr: |
            sum(rate(http_requests_total{{service="{name}",code=~"5.."}}[5m]))
              / sum(rate(http_requests_total{{service="{name}"}}[5m])) > 0.05
          for: 10m
          labels:
            severity: page
          annotations:
            summary: More than 5% of {name} requests fail
            runbook_url: https://github.com/example-shop/{name}/blob/main/docs/runbook.md
"""


def runbook(name: str) -> str:
    return f"""# {name} runbook

## Alerts

### HighErrorRate
1. Check the dashboard for the failing endpoint.
2. Look at recent deploys: `kubectl rollout history deployment/{name}`.
3. Roll back if the errors started with a deploy: `kubectl rollout undo deployment/{name}`.

## Dependencies
Who to call when a dependency is down: see the service catalog.
"""


def openapi(name: str, description: str) -> str:
    return f"""openapi: 3.0.3
info:
  title: {name}
  description: {description}
  version: 1.0.0
paths:
  /api/v1/{name}:
    get:
      summary: List {name}
      responses:
        "200":
          description: OK
"""


def adrs(name: str, datastore: str | None) -> dict[str, str]:
    store = datastore or "no database"
    return {
        "docs/adr/0001-record-architecture-decisions.md": (
            "# 1. Record architecture decisions\n\nStatus: accepted\n\n"
            "We record significant decisions as ADRs, as described by Michael Nygard.\n"
        ),
        f"docs/adr/0002-use-{store.replace(' ', '-')}.md": (
            f"# 2. Use {store} for {name}\n\nStatus: accepted\n\n"
            "## Context\n\nWe need durable storage with transactions.\n\n"
            f"## Decision\n\n{name} uses {store}.\n"
        ),
    }


def secret_file(key_id: str) -> str:
    """A committed credential for the secret check to find (fake, generated, never valid)."""
    return f"AWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID={key_id}\nBUCKET=shop-exports\n"


def password_file(value: str) -> str:
    return f'database:\n  host: db.internal\n  user: app\n  password: "{value}"\n'
