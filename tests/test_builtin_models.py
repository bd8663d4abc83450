"""The built-in maturity models: they validate, have the agreed shape and cite only known checks."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import pytest
import yaml

from rung.checks.base import CheckSpec, Finding, unknown
from rung.checks.registry import Registry
from rung.collect.facts import ServiceFacts
from rung.model.loader import load_model
from rung.model.schema import EvidenceRule, Model

BUILTIN = files("rung") / "model" / "builtin"

# Every pass/fail check id of checks.md (repository contents, catalog annotations, live checks).
REPOSITORY_CHECKS = frozenset(
    {
        "readme.present",
        "readme.setup",
        "readme.tests",
        "container.dockerfile",
        "container.dockerignore",
        "container.nonroot",
        "dev.local_env",
        "config.template",
        "config.per_environment",
        "deploy.k8s",
        "deploy.probes",
        "deploy.progressive",
        "ci.config",
        "ci.runs_tests",
        "ci.on_change_request",
        "tests.present",
        "tests.integration",
        "tests.contract",
        "tests.load",
        "tests.coverage",
        "data.migrations",
        "obs.metrics",
        "obs.tracing",
        "obs.structured_logging",
        "obs.error_tracking",
        "obs.health_endpoint",
        "obs.alert_rules",
        "ops.runbook",
        "resilience.patterns",
        "security.dependency_updates",
        "security.static_analysis",
        "security.lockfile",
        "security.no_committed_secrets",
        "change.codeowners",
        "change.review_template",
        "release.changelog",
        "release.versioned",
        "api.spec",
        "docs.contributing",
        "docs.architecture",
        "quality.linter",
        "catalog.descriptor",
        "catalog.owner",
    }
)
CATALOG_ANNOTATION_CHECKS = frozenset(
    {
        "catalog.oncall",
        "catalog.dashboard",
        "catalog.docs",
        "catalog.error_tracking",
        "catalog.code_quality",
        "catalog.cost_center",
        "catalog.lifecycle",
    }
)
LIVE_CHECKS = frozenset({"live.health", "live.metrics"})
# Built-in checks rung adds beyond checks.md (extensions, never renames).
EXTRA_REPOSITORY_CHECKS = frozenset({"deploy.resources"})
KNOWN_CHECKS = REPOSITORY_CHECKS | EXTRA_REPOSITORY_CHECKS | CATALOG_ANNOTATION_CHECKS | LIVE_CHECKS

MICROSERVICES_PILLARS: list[tuple[str, str, list[str]]] = [
    ("ease-of-development", "Ease of Development", ["development-infrastructure"]),
    (
        "releasability",
        "Releasability",
        [
            "configuration-management",
            "build-and-ci",
            "environments-and-deployments",
            "release-management",
            "testing",
            "data-management",
        ],
    ),
    (
        "operations-resilience",
        "Operations & Resilience",
        [
            "service-resilience",
            "performance-capacity",
            "synthetic-monitoring",
            "monitoring",
            "logging",
            "tracing",
            "alerting",
            "incident-management",
        ],
    ),
    (
        "security-compliance",
        "Security & Compliance",
        [
            "application-security",
            "audit-logging",
            "risk-management",
            "change-management",
            "inter-service-communication",
            "internal-external-audits",
        ],
    ),
    (
        "organization-culture-processes",
        "Organization, Culture & Processes",
        ["cost-reporting", "documentation", "tech-debt-management", "inner-source"],
    ),
]

MICROSERVICES_AREA_NAMES = {
    "development-infrastructure": "Development Infrastructure",
    "configuration-management": "Configuration Management",
    "build-and-ci": "Build and CI",
    "environments-and-deployments": "Environments and Deployments",
    "release-management": "Release Management and Compliance",
    "testing": "Testing",
    "data-management": "Data Management",
    "service-resilience": "Service Resilience",
    "performance-capacity": "Performance Testing & Capacity Planning",
    "synthetic-monitoring": "Synthetic Monitoring",
    "monitoring": "Monitoring",
    "logging": "Logging",
    "tracing": "Tracing",
    "alerting": "Alerting",
    "incident-management": "Incident Management",
    "application-security": "Application Security",
    "audit-logging": "Audit Logging",
    "risk-management": "Risk Management",
    "change-management": "Change Management",
    "inter-service-communication": "Inter-Service Communication",
    "internal-external-audits": "Internal & External Audits",
    "cost-reporting": "Cost Reporting",
    "documentation": "Documentation",
    "tech-debt-management": "Tech Debt Management",
    "inner-source": "Inner-Source",
}

RISK_FACTORS = {
    "change_frequency": {"signal": "git.commits_90d", "points": {0: 0, 10: 1, 40: 2, 120: 3}},
    "collaborators": {"signal": "git.authors_90d", "points": {0: 0, 3: 1, 8: 2}},
    "age": {"signal": "age_days", "points": {0: 0, 365: 1, 1095: 2}},
    "critical_path": {"signal": "catalog.critical_path", "points": {False: 0, True: 3}},
}
RISK_LEVELS = {
    "microservices": {0: 1, 3: 2, 5: 3, 8: 4},
    "cd-maturity": {0: 1, 3: 2, 5: 3, 8: 4, 11: 5},
}
LEVEL_NAMES = {
    "microservices": ["Repeatable", "Consistent", "Quantitatively Managed", "Optimizing"],
    "cd-maturity": ["Basic", "Beginner", "Intermediate", "Advanced", "Expert"],
}
MODEL_IDS = ["microservices", "cd-maturity"]


def _raw(model_id: str) -> dict[str, Any]:
    data = yaml.safe_load((BUILTIN / f"{model_id}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _model(model_id: str) -> Model:
    return Model.model_validate(_raw(model_id))


def _rule(model: Model, full_id: str) -> EvidenceRule:
    area_id, slug = full_id.split("/")
    for exps in model.area(area_id).levels.values():
        for exp in exps:
            if exp.id == slug:
                return exp.evidence
    raise KeyError(full_id)


def _not_run(facts: ServiceFacts) -> Finding:
    return unknown("stub", "not run in this test")


# ----- both models ----------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_validates_against_the_schema_without_unknown_keys(model_id: str) -> None:
    model = _model(model_id)
    assert model.id == model_id
    assert model.version == 1
    assert model.default_profile is None
    assert model.checks == []
    extras = [
        (type(obj).__name__, obj.model_extra)
        for obj in [model, *model.pillars, *(a for _, a in model.areas())]
        if obj.model_extra
    ]
    extras += [("Expectation", e.model_extra) for _, _, e in model.expectations() if e.model_extra]
    assert extras == []


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_loads_through_the_loader_with_the_checks_md_registry(model_id: str) -> None:
    registry = Registry({c: CheckSpec(id=c, summary=c, func=_not_run) for c in KNOWN_CHECKS})
    loaded = load_model(model_id, registry=registry)
    assert loaded.source == f"builtin:{model_id}"
    assert loaded.warnings == ()
    assert loaded.model == _model(model_id)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_level_names(model_id: str) -> None:
    model = _model(model_id)
    names = LEVEL_NAMES[model_id]
    assert [(ld.level, ld.name) for ld in model.levels] == list(enumerate(names, start=1))
    assert all(ld.summary for ld in model.levels)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_area_has_one_to_three_expectations_at_every_level(model_id: str) -> None:
    model = _model(model_id)
    wanted = list(range(1, len(LEVEL_NAMES[model_id]) + 1))
    for _, area in model.areas():
        assert sorted(area.levels) == wanted, area.id
        for lvl, exps in area.levels.items():
            assert 1 <= len(exps) <= 3, f"{area.id} level {lvl}"


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_texts_are_filled_in(model_id: str) -> None:
    model = _model(model_id)
    assert model.description
    assert all(p.description for p in model.pillars)
    assert all(a.description for _, a in model.areas())
    for area, _, exp in model.expectations():
        assert exp.expectation.strip(), f"{area.id}/{exp.id}"
        assert exp.support.strip(), f"{area.id}/{exp.id}"


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_ids_are_unique(model_id: str) -> None:
    model = _model(model_id)
    area_ids = [a.id for _, a in model.areas()]
    assert len(area_ids) == len(set(area_ids))
    for _, area in model.areas():
        slugs = [e.id for exps in area.levels.values() for e in exps]
        assert len(slugs) == len(set(slugs)), area.id


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_cited_check_is_a_known_pass_fail_check(model_id: str) -> None:
    model = _model(model_id)
    cited = {c for _, _, e in model.expectations() for c in e.evidence.check_ids()}
    assert cited - KNOWN_CHECKS == set()
    assert not any(c.startswith(("git.", "stack.")) for c in cited)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_no_live_checks_at_levels_one_and_two(model_id: str) -> None:
    model = _model(model_id)
    early = [
        f"{a.id}/{e.id}"
        for a, lvl, e in model.expectations()
        if lvl <= 2 and LIVE_CHECKS & set(e.evidence.check_ids())
    ]
    assert early == []


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_catalog_annotations_at_level_one_only_as_an_alternative(model_id: str) -> None:
    # Most repositories have no descriptor: a level-1 rule may accept an annotation
    # only inside `any:` next to evidence from the repository itself.
    model = _model(model_id)
    for area, lvl, exp in model.expectations():
        rule = exp.evidence
        if lvl != 1 or not CATALOG_ANNOTATION_CHECKS & set(rule.check_ids()):
            continue
        assert not rule.all_, f"{area.id}/{exp.id}"
        repo_checks = REPOSITORY_CHECKS | EXTRA_REPOSITORY_CHECKS
        assert repo_checks & set(rule.any_ or []), f"{area.id}/{exp.id}"


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_risk_policy_is_the_product_default(model_id: str) -> None:
    raw = _raw(model_id)["risk"]
    assert raw == {"factors": RISK_FACTORS, "levels": RISK_LEVELS[model_id]}
    risk = _model(model_id).risk
    assert risk is not None
    assert risk.levels == RISK_LEVELS[model_id]
    assert {k: (f.signal, f.points) for k, f in risk.factors.items()} == {
        k: (v["signal"], v["points"]) for k, v in RISK_FACTORS.items()
    }
    assert max(risk.levels.values()) == _model(model_id).max_level()


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_profile_focus_areas_exist(model_id: str) -> None:
    model = _model(model_id)
    area_ids = {a.id for _, a in model.areas()}
    assert set(model.profiles) == {"ecommerce", "fintech", "saas"}
    for name, profile in model.profiles.items():
        assert profile.description, name
        assert profile.focus_factor == 2, name
        assert profile.focus, name
        assert set(profile.focus) <= area_ids, name


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_source_talk_specifics_are_not_copied(model_id: str) -> None:
    text = (BUILTIN / f"{model_id}.yaml").read_text(encoding="utf-8").lower()
    for word in ("grofers", "support at", "consul", "vault", "jenkins", "opsgenie", "loki"):
        assert word not in text, word


# ----- microservices ----------------------------------------------------------------------


def test_microservices_pillars_and_areas_in_order() -> None:
    model = _model("microservices")
    assert [(p.id, p.name, [a.id for a in p.areas]) for p in model.pillars] == MICROSERVICES_PILLARS
    assert {a.id: a.name for _, a in model.areas()} == MICROSERVICES_AREA_NAMES
    assert len(model.areas()) == 25


def test_microservices_machine_checked_share_of_levels_one_and_two() -> None:
    model = _model("microservices")
    early = [e for _, lvl, e in model.expectations() if lvl <= 2]
    checked = [e for e in early if not e.evidence.attest]
    assert len(checked) / len(early) >= 0.6


def test_microservices_profiles_focus_the_areas_the_talk_highlights() -> None:
    profiles = _model("microservices").profiles
    assert {k: p.focus for k, p in profiles.items()} == {
        "ecommerce": ["service-resilience", "monitoring"],
        "fintech": ["testing", "internal-external-audits"],
        "saas": ["service-resilience", "performance-capacity", "monitoring"],
    }


@pytest.mark.parametrize(
    ("full_id", "all_", "any_"),
    [
        ("development-infrastructure/readme", ["readme.present"], None),
        ("development-infrastructure/documented-setup", ["readme.setup", "readme.tests"], None),
        ("development-infrastructure/dockerized", ["container.dockerfile"], None),
        ("development-infrastructure/config-templates", ["config.template"], None),
        (
            "development-infrastructure/one-step-local-env",
            ["dev.local_env", "container.dockerignore"],
            None,
        ),
        ("development-infrastructure/develop-against-contracts", None, ["tests.contract"]),
        ("configuration-management/no-committed-secrets", ["security.no_committed_secrets"], None),
        ("configuration-management/per-environment-config", ["config.per_environment"], None),
        ("build-and-ci/automated-build", ["ci.config"], None),
        ("build-and-ci/ci-on-every-change", ["ci.runs_tests", "ci.on_change_request"], None),
        ("monitoring/service-metrics", None, ["obs.metrics"]),
        ("monitoring/endpoint-metrics", ["obs.metrics"], None),
        ("change-management/ownership", None, ["catalog.owner", "change.codeowners"]),
        ("performance-capacity/capacity-baseline", None, ["deploy.resources", "tests.load"]),
        ("logging/default-logs-collected", None, ["deploy.k8s", "obs.structured_logging"]),
        ("risk-management/risks-known", ["catalog.owner"], None),
        ("inter-service-communication/api-contract", ["api.spec"], None),
    ],
)
def test_microservices_agreed_rules(
    full_id: str, all_: list[str] | None, any_: list[str] | None
) -> None:
    rule = _rule(_model("microservices"), full_id)
    assert (rule.all_, rule.any_, rule.attest) == (all_, any_, False)


@pytest.mark.parametrize(
    "full_id",
    [
        "configuration-management/reload-on-system-config",
        "configuration-management/runtime-app-config",
        "configuration-management/dynamic-secrets",
        "build-and-ci/build-metrics",
        "build-and-ci/integration-retrospectives",
        "synthetic-monitoring/production-synthetics",
        "audit-logging/structured-audit-events",
        "inter-service-communication/authenticated-calls",
    ],
)
def test_microservices_attested_expectations(full_id: str) -> None:
    assert _rule(_model("microservices"), full_id).attest is True


# ----- cd-maturity ------------------------------------------------------------------------


def test_cd_maturity_is_one_pillar_with_the_five_categories() -> None:
    model = _model("cd-maturity")
    assert [(p.id, [a.id for a in p.areas]) for p in model.pillars] == [
        (
            "continuous-delivery",
            ["culture", "architecture", "deployment", "verification", "reporting"],
        )
    ]
    assert [a.name for _, a in model.areas()] == [
        "Culture",
        "Architecture",
        "Deployment",
        "Verification",
        "Reporting",
    ]


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_builtin_models_load_with_the_real_registry(model_id: str) -> None:
    from rung.model.loader import load_model

    loaded = load_model(model_id)
    assert loaded.warnings == ()
    assert loaded.model.id == model_id
