"""config.py checks on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import Finding, Status
from rung.checks.builtin import config


def ev(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


# ----- dev.local_env -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "docker-compose.yml",
        "Docker-Compose.override.YAML",
        "compose.yaml",
        "skaffold.yml",
        "Tiltfile",
        "garden.yml",
        "devspace.yaml",
    ],
)
def test_local_env_pass(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "x: 1\n", "main.py": ""})
    f = config.dev_local_env(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, None)]


def test_local_env_devcontainer_folder_at_repo_root_for_monorepo_service(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            ".devcontainer/Dockerfile": "FROM a\n",
            ".devcontainer/devcontainer.json": "{}",
            "svc/a.py": "",
        },
    )
    f = config.dev_local_env(facts_for(r, "svc"))
    assert f.status is Status.PASS and ev(f) == [(".devcontainer/devcontainer.json", None)]


def test_local_env_service_root_then_repo_root(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"compose.yml": "x: 1\n", "svc/docker-compose.yml": "x: 1\n"})
    assert ev(config.dev_local_env(facts_for(r, "svc"))) == [
        ("svc/docker-compose.yml", None),
        ("compose.yml", None),
    ]


def test_local_env_fail_nested_or_other_service(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"svc/a/deploy/docker-compose.yml": "x: 1\n", "svc/b/compose.yml": "x", "svc/a/m.py": ""},
    )
    f = config.dev_local_env(facts_for(r, "svc/a"))
    assert f.status is Status.FAIL and f.evidence == ()


# ----- config.template -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ".env.example",
        ".ENV.Sample",
        "config/app.yaml.tmpl",
        "nginx.conf.j2",
        "config.hcl.ctmpl",
        "settings.example",
        "config/settings.example.yaml",
    ],
)
def test_template_pass(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "x", "main.py": ""})
    f = config.config_template(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, None)]


def test_template_helm_chart_templates_do_not_count(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            "chart/Chart.yaml": "name: x\n",
            "chart/templates/_helpers.tpl": "x",
            "chart/templates/sub/cm.yaml.tpl": "x",
            "node_modules/x/.env.example": "x",
        },
    )
    f = config.config_template(facts_for(r))
    assert f.status is Status.FAIL and f.evidence == ()


def test_template_outside_chart_templates_counts(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"templates/app.conf.tpl": "x", "chart/Chart.yaml": "x"})
    assert ev(config.config_template(facts_for(r))) == [("templates/app.conf.tpl", None)]


# ----- config.per_environment ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            ["k8s/overlays/dev/kustomization.yaml", "k8s/overlays/prod/kustomization.yaml"],
            ["k8s/overlays/dev", "k8s/overlays/prod"],
        ),
        (["chart/values-staging.yaml", "chart/values.production.yml"], None),
        (
            ["src/main/resources/application-dev.yml", "src/main/resources/application-prod.yml"],
            None,
        ),
        (["appsettings.Development.json", "appsettings.Production.json"], None),
        ([".env.staging", ".env.production"], None),
        (["config/dev.yaml", "config/prod.yaml"], None),
        (["settings/production.py", "settings/test.py"], None),
        (
            ["environments/prod/main.tf", "deploy/staging/vars.yaml"],
            ["environments/prod", "deploy/staging"],
        ),
        (["infra/dev.tfvars", "infra/pre-prod.tfvars"], None),
        (["docker-compose.uat.yml", "values-qa.yaml"], None),
    ],
)
def test_per_environment_pass(tmp_path: Path, files: list[str], expected: list[str] | None) -> None:
    r = make_repo(tmp_path / "r", dict.fromkeys(files, "x: 1\n"))
    f = config.config_per_environment(facts_for(r))
    assert f.status is Status.PASS
    assert sorted(e.path for e in f.evidence) == sorted(expected or files)


@pytest.mark.parametrize(
    "files",
    [
        ["k8s/overlays/canary/kustomization.yaml", "k8s/overlays/prod/kustomization.yaml"],
        ["k8s/overlays/blue-green/kustomization.yaml", "k8s/overlays/stable/kustomization.yaml"],
        ["config/local.yaml", "config/prod.yaml"],
        ["config/prod.yaml", "config/production.yaml"],
        ["src/test/java/AppTest.java", "src/dev.py", "test_dev.py"],
        ["values.yaml", "application.yml", ".env"],
    ],
)
def test_per_environment_fail(tmp_path: Path, files: list[str]) -> None:
    r = make_repo(tmp_path / "r", dict.fromkeys(files, "x: 1\n"))
    f = config.config_per_environment(facts_for(r))
    assert f.status is Status.FAIL


def test_per_environment_service_tree_only(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"svc/a/config/dev.yaml": "x", "svc/a/config/prod.yaml": "x", "svc/b/config/qa.yaml": "x"},
    )
    f = config.config_per_environment(facts_for(r, "svc/a"))
    assert f.status is Status.PASS
    assert ev(f) == [("svc/a/config/dev.yaml", None), ("svc/a/config/prod.yaml", None)]
    assert config.config_per_environment(facts_for(r, "svc/b")).status is Status.FAIL
