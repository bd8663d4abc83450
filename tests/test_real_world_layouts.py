"""Regression tests from real-world repositories (docs/real-world-detection.md).

Each test rebuilds, in miniature and on a real git repository, a layout that a real
open-source service had and that rung once judged wrongly. The repository named in a
test's docstring is where the layout was seen; nothing of it is used here.
"""

from __future__ import annotations

from pathlib import Path

from facts_helper import facts_for
from gitrepo import make_repo
from rung.catalog.discover import discover
from rung.checks.base import CheckSpec, Finding, Status
from rung.checks.builtin import change, observability, security, tests
from rung.checks.runner import run_check

# Fake values written for these tests: random characters, no real credential.
ENCRYPTED = "lAK+IGj7PLcxuBWbA5/bT9O1bJ5rVPpWVhWsPUXsSrrsPwauThiqD0vhDM8sPq3K1tn5Zw=="
HEX_KEY = "9f4c2b7d1e8a3f6c0b5d2e9a7c4f1b8d3e6a0c5f2b9d7e4a1c8f3b6d0e5a2c9f"


def run(tmp_path: Path, spec: CheckSpec, files: dict[str, str]) -> Finding:
    repo = make_repo(tmp_path / "repo", {"README.md": "# svc\n", **files})
    return run_check(spec, facts_for(repo))


def paths(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


def roots(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    repo = make_repo(tmp_path / "shop", {"README.md": "# shop\n", **files})
    return sorted((s.name, s.root) for s in discover([str(repo.path)]).services)


# ----- checks ---------------------------------------------------------------------------


def test_spring_request_mapping_with_method_before_path(tmp_path: Path) -> None:
    """microservices-demo/carts: `@RequestMapping(method = GET, path = "/health")`."""
    src = (
        "@RestController\npublic class HealthCheckController {\n"
        '    @RequestMapping(method = RequestMethod.GET, path = "/health")\n'
        "    Map<String, Object> getHealth() { return null; }\n}\n"
    )
    f = run(tmp_path, observability.health_endpoint, {"src/main/java/HealthCheck.java": src})
    assert (f.status, paths(f)) == (Status.PASS, [("src/main/java/HealthCheck.java", 3)])


def test_encrypted_travis_value_is_no_secret(tmp_path: Path) -> None:
    """microservices-demo/orders: a Travis `secure:` value whose random text holds "auth"."""
    travis = f"language: java\nnotifications:\n  slack:\n    secure: {ENCRYPTED}\n"
    f = run(tmp_path, security.no_committed_secrets, {".travis.yml": travis})
    assert f.status is Status.PASS


def test_placeholder_keyword_values_are_no_secrets(tmp_path: Path) -> None:
    """front-end's `secret: 'sooper secret'`, petclinic's k8s `password: "pass"`, Laravel's
    validation rules and `'secret' => 'your-secret-key'`, the FastAPI template's test
    `"password": "password123"`: words and short numbers, no high-entropy secrets."""
    files = {
        "config.js": "module.exports = {\n  session: {\n    secret: 'sooper secret',\n  },\n};\n",
        "k8s/db.yml": 'kind: Secret\nstringData:\n  username: "user"\n  password: "pass"\n',
        "app/RegisterUser.php": "<?php\nreturn ['password' => 'required|string|min:6'];\n",
        "config/queue.php": "<?php\nreturn ['secret' => 'your-secret-key'];\n",
        "tests/test_private.py": 'json = {"password": "password123"}\n',
    }
    f = run(tmp_path, security.no_committed_secrets, files)
    assert f.status is Status.PASS


def test_random_keyword_value_is_still_a_secret(tmp_path: Path) -> None:
    """realworld-axum-sqlx's CI: `HMAC_KEY: <96 hex digits>` stays a finding."""
    wf = f"on: push\njobs:\n  t:\n    env:\n      HMAC_KEY: {HEX_KEY}\n"
    f = run(tmp_path, security.no_committed_secrets, {".github/workflows/ci.yml": wf})
    assert (f.status, paths(f)) == (Status.FAIL, [(".github/workflows/ci.yml", 5)])


def test_unnamed_minified_bundle_is_not_scanned(tmp_path: Path) -> None:
    """laravel-realworld: a built `public/js/app.js` with `t.password` in a huge line."""
    line = "var a=" + ",".join(f"k{i}='{HEX_KEY[: 20 + i % 10]}'" for i in range(80))
    bundle = line + ",token:e,t.password;\n"
    assert len(bundle) > 2000
    f = run(tmp_path, security.no_committed_secrets, {"public/js/app.js": bundle})
    assert f.status is Status.PASS


def test_maintenance_line_tag_is_no_version(tmp_path: Path) -> None:
    """spring-petclinic's only tag is `1.5.x`; Spring's `2.0.0.RELEASE` is a version."""
    repo = make_repo(tmp_path / "repo", {"README.md": "# svc\n"})
    repo.tag("1.5.x")
    f = run_check(change.release_versioned, facts_for(repo))
    assert f.status is Status.FAIL
    repo.tag("2.0.0.RELEASE")
    f = run_check(change.release_versioned, facts_for(repo))
    assert (f.status, paths(f)) == (Status.PASS, [("refs/tags/2.0.0.RELEASE", None)])


def test_keep_files_are_no_tests(tmp_path: Path) -> None:
    """rails-realworld: an empty `test/integration/.keep` is no integration test."""
    files = {
        "test/integration/.keep": "",
        "test/controllers/.keep": "",
        "test/models/user_test.rb": "require 'test_helper'\n",
    }
    f = run(tmp_path, tests.tests_integration, files)
    assert f.status is Status.FAIL
    f = run(tmp_path / "b", tests.tests_present, files)
    assert (f.status, paths(f)) == (Status.PASS, [("test/models/user_test.rb", None)])


def test_rust_test_functions_are_tests(tmp_path: Path) -> None:
    """realworld-axum-sqlx: a bare `#[test]` fn in a module, no `#[cfg(test)]`."""
    src = "pub fn slugify(s: &str) -> String { s.into() }\n\n#[test]\nfn test_slugify() {}\n"
    f = run(tmp_path, tests.tests_present, {"Cargo.toml": "[package]\n", "src/http/mod.rs": src})
    assert (f.status, paths(f)) == (Status.PASS, [("src/http/mod.rs", 3)])


# ----- service inference ------------------------------------------------------------------

DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"


def test_source_folder_service_is_named_after_its_parent(tmp_path: Path) -> None:
    """GoogleCloudPlatform/microservices-demo: `src/cartservice/src/Dockerfile` and
    `src/cartservice/tests/`: the service is `cartservice` at `src/cartservice`."""
    files = {
        "src/cartservice/src/Dockerfile": "FROM mcr.microsoft.com/dotnet/aspnet\n",
        "src/cartservice/src/cartservice.csproj": "<Project/>\n",
        "src/cartservice/tests/cartservice.tests.csproj": "<Project/>\n",
        "src/adservice/Dockerfile": "FROM eclipse-temurin\n",
        "src/adservice/build.gradle": "plugins {}\n",
    }
    assert roots(tmp_path, files) == [
        ("adservice", "src/adservice"),
        ("cartservice", "src/cartservice"),
    ]


def test_shared_deployment_folders_are_no_services(tmp_path: Path) -> None:
    """microservices-demo's `kubernetes-manifests/`, `helm-chart/` and `release/` hold
    the workloads of every service: they deploy services, they are none."""
    files = {
        "src/ad/Dockerfile": "FROM x\n",
        "src/cart/Dockerfile": "FROM x\n",
        "kubernetes-manifests/ad.yaml": DEPLOYMENT.format(name="ad"),
        "kubernetes-manifests/cart.yaml": DEPLOYMENT.format(name="cart"),
        "release/all.yaml": DEPLOYMENT.format(name="ad") + "---\n" + DEPLOYMENT.format(name="cart"),
        "helm-chart/Chart.yaml": "name: shop\n",
        "helm-chart/templates/ad.yaml": DEPLOYMENT.format(name="{{ .Values.ad.name }}"),
        "helm-chart/templates/cart.yaml": DEPLOYMENT.format(name="{{ .Values.cart.name }}"),
        "gitops/payment/deployment.yaml": DEPLOYMENT.format(name="payment"),
    }
    assert roots(tmp_path, files) == [("ad", "src/ad"), ("cart", "src/cart")]


def test_dotnet_web_projects_are_services(tmp_path: Path) -> None:
    """dotnet/eShop (.NET Aspire, no Dockerfiles): Web and Worker SDK projects are the
    services; class libraries are parts of them; a root package.json runs e2e tests."""
    web = '<Project Sdk="Microsoft.NET.Sdk.Web">\n</Project>\n'
    files = {
        "package.json": '{"devDependencies": {"@playwright/test": "1"}}',
        "src/Basket.API/Basket.API.csproj": web,
        "src/Ordering.API/Ordering.API.csproj": web,
        "src/OrderProcessor/OrderProcessor.csproj": web.replace("Web", "Worker"),
        "src/EventBus/EventBus.csproj": '<Project Sdk="Microsoft.NET.Sdk">\n</Project>\n',
        "tests/Basket.UnitTests/Basket.UnitTests.csproj": web,
    }
    assert roots(tmp_path, files) == [
        ("Basket.API", "src/Basket.API"),
        ("OrderProcessor", "src/OrderProcessor"),
        ("Ordering.API", "src/Ordering.API"),
    ]


def test_go_route_after_a_prefix_variable(tmp_path: Path) -> None:
    """GoogleCloudPlatform/microservices-demo frontend: `r.HandleFunc(baseUrl+"/_healthz", h)`."""
    src = (
        "package main\n\nfunc main() {\n"
        '\tr.HandleFunc(baseUrl+"/_healthz", func(w http.ResponseWriter, _ *http.Request) {})\n}\n'
    )
    f = run(tmp_path, observability.health_endpoint, {"main.go": src})
    assert (f.status, paths(f)) == (Status.PASS, [("main.go", 4)])


def test_csharp_grpc_health_namespace(tmp_path: Path) -> None:
    """microservices-demo cartservice: `using Grpc.Health.V1;` (C# casing)."""
    src = "using Grpc.Core;\nusing Grpc.Health.V1;\n\nclass HealthCheckService : HealthBase {}\n"
    f = run(tmp_path, observability.health_endpoint, {"src/services/HealthCheckService.cs": src})
    assert (f.status, paths(f)) == (Status.PASS, [("src/services/HealthCheckService.cs", 2)])
