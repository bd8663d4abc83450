"""Dependency-based checks on real git repositories, across ecosystems.

For each ecosystem family a "rich" repository declares the libraries every check looks
for, and a "plain" one declares a web framework and a database driver only: each check
must pass on the former with the exact evidence and fail on the latter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import Repo, make_repo
from rung.checks.base import Finding, Status
from rung.checks.builtin.dependencies import CHECKS
from rung.checks.runner import run_check

SPECS = {spec.id: spec for spec in CHECKS}
CHECK_IDS = sorted(SPECS)


def lines(*ls: str) -> str:
    return "\n".join(ls) + "\n"


def run(repo: Repo, check_id: str, root: str = ".") -> Finding:
    return run_check(SPECS[check_id], facts_for(repo, root))


def first_evidence(f: Finding) -> tuple[str, int | None]:
    return f.evidence[0].path, f.evidence[0].line


# ----- ecosystems: (rich files, plain files, expected first evidence of rich) -------------

PY_RICH = {
    "pyproject.toml": lines(
        "[project]",
        'name = "svc"',
        "dependencies = [",
        '  "prometheus-client>=0.17",',
        '  "opentelemetry-sdk",',
        '  "structlog",',
        '  "sentry-sdk[flask]",',
        '  "tenacity",',
        '  "SQLAlchemy>=2",',
        "]",
        "[project.optional-dependencies]",
        'test = ["pytest-cov", "pact-python"]',
    ),
    "uv.lock": "version = 1\n",
    "alembic/versions/0001_init.py": "def upgrade():\n    pass\n",
}
PY_PLAIN = {"requirements.txt": "flask>=2\npsycopg2-binary\n"}
PY_EXPECT = {
    "obs.metrics": ("pyproject.toml", 4),
    "obs.tracing": ("pyproject.toml", 5),
    "obs.structured_logging": ("pyproject.toml", 6),
    "obs.error_tracking": ("pyproject.toml", 7),
    "resilience.patterns": ("pyproject.toml", 8),
    "tests.contract": ("pyproject.toml", 12),
    "tests.coverage": ("pyproject.toml", 12),
    "security.lockfile": ("uv.lock", None),
    "data.migrations": ("alembic/versions/0001_init.py", None),
}

NODE_RICH = {
    "package.json": lines(
        "{",
        '  "name": "svc",',
        '  "dependencies": {',
        '    "prom-client": "^15.0.0",',
        '    "@opentelemetry/api": "^1.7.0",',
        '    "pino": "^8.0.0",',
        '    "@sentry/node": "^7.0.0",',
        '    "opossum": "^8.0.0",',
        '    "pg": "^8.0.0",',
        '    "knex": "^3.0.0"',
        "  },",
        '  "devDependencies": {',
        '    "@pact-foundation/pact": "^12.0.0",',
        '    "nyc": "^15.0.0"',
        "  }",
        "}",
    ),
    "package-lock.json": '{"lockfileVersion": 3}\n',
    "migrations/20240101_init.js": lines(
        "exports.up = function (knex) {",
        "  return knex.schema.createTable('t', () => {});",
        "};",
    ),
}
NODE_PLAIN = {
    "package.json": '{"name": "svc", "dependencies": {"express": "^4", "mongoose": "^7"}}'
}
NODE_EXPECT = {
    "obs.metrics": ("package.json", 4),
    "obs.tracing": ("package.json", 5),
    "obs.structured_logging": ("package.json", 6),
    "obs.error_tracking": ("package.json", 7),
    "resilience.patterns": ("package.json", 8),
    "tests.contract": ("package.json", 13),
    "tests.coverage": ("package.json", 14),
    "security.lockfile": ("package-lock.json", None),
    "data.migrations": ("migrations/20240101_init.js", 1),
}

GO_RICH = {
    "go.mod": lines(
        "module example.com/svc",
        "",
        "go 1.22",
        "",
        "require (",
        "\tgithub.com/prometheus/client_golang v1.19.0",
        "\tgo.opentelemetry.io/otel v1.24.0",
        "\tgo.uber.org/zap v1.27.0",
        "\tgithub.com/getsentry/sentry-go v0.27.0",
        "\tgithub.com/sony/gobreaker v0.5.0",
        "\tgithub.com/jackc/pgx/v5 v5.5.0",
        "\tgithub.com/pact-foundation/pact-go/v2 v2.0.0",
        ")",
    ),
    "go.sum": "github.com/x v1 h1:abc=\n",
    "Makefile": "test:\n\tgo test -coverprofile=cover.out ./...\n",
    "db/migrations/000001_init.up.sql": "CREATE TABLE t (id int);\n",
}
GO_PLAIN = {
    "go.mod": lines(
        "module example.com/svc",
        "",
        "go 1.22",
        "",
        "require github.com/gin-gonic/gin v1.9.1",
        "require github.com/lib/pq v1.10.9",
        "require github.com/prometheus/client_golang v1.19.0 // indirect",
    ),
}
GO_EXPECT = {
    "obs.metrics": ("go.mod", 6),
    "obs.tracing": ("go.mod", 7),
    "obs.structured_logging": ("go.mod", 8),
    "obs.error_tracking": ("go.mod", 9),
    "resilience.patterns": ("go.mod", 10),
    "tests.contract": ("go.mod", 12),
    "tests.coverage": ("Makefile", 2),
    "security.lockfile": ("go.sum", None),
    "data.migrations": ("db/migrations/000001_init.up.sql", None),
}


def _pom(*deps: str, plugins: str = "") -> str:
    return lines(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<project xmlns="http://maven.apache.org/POM/4.0.0">',
        "  <modelVersion>4.0.0</modelVersion>",
        "  <groupId>com.example</groupId>",
        "  <artifactId>svc</artifactId>",
        "  <dependencies>",
        *(f"    <dependency>{d}</dependency>" for d in deps),
        "  </dependencies>",
        f"  <build><plugins>{plugins}</plugins></build>",
        "</project>",
    )


def _dep(g: str, a: str, extra: str = "") -> str:
    return f"<groupId>{g}</groupId><artifactId>{a}</artifactId>{extra}"


MAVEN_RICH = {
    "pom.xml": _pom(
        _dep("io.micrometer", "micrometer-registry-prometheus"),
        _dep("io.opentelemetry", "opentelemetry-api"),
        _dep("net.logstash.logback", "logstash-logback-encoder", "<version>7.4</version>"),
        _dep("io.sentry", "sentry-spring-boot-starter"),
        _dep("io.github.resilience4j", "resilience4j-spring-boot3"),
        _dep("org.springframework.boot", "spring-boot-starter-data-jpa"),
        _dep(
            "org.springframework.cloud",
            "spring-cloud-starter-contract-verifier",
            "<scope>test</scope>",
        ),
        plugins="<plugin><groupId>org.jacoco</groupId>"
        "<artifactId>jacoco-maven-plugin</artifactId></plugin>",
    ),
    "src/main/resources/db/migration/V1__init.sql": "CREATE TABLE t (id int);\n",
}
MAVEN_PLAIN = {
    "pom.xml": _pom(
        _dep("org.springframework.boot", "spring-boot-starter-web"),
        _dep("org.postgresql", "postgresql"),
    )
}
MAVEN_EXPECT = {
    "obs.metrics": ("pom.xml", 7),
    "obs.tracing": ("pom.xml", 8),
    "obs.structured_logging": ("pom.xml", 9),
    "obs.error_tracking": ("pom.xml", 10),
    "resilience.patterns": ("pom.xml", 11),
    "tests.contract": ("pom.xml", 13),
    "tests.coverage": ("pom.xml", 15),
    "data.migrations": ("src/main/resources/db/migration/V1__init.sql", None),
}

GRADLE_RICH = {
    "build.gradle": lines(
        "plugins {",
        "    id 'java'",
        "    id 'jacoco'",
        "}",
        "",
        "dependencies {",
        "    implementation libs.micrometer.prometheus",
        "    implementation 'io.opentelemetry:opentelemetry-api:1.36.0'",
        "    implementation 'net.logstash.logback:logstash-logback-encoder:7.4'",
        "    implementation 'io.sentry:sentry-spring-boot-starter:7.0.0'",
        "    implementation group: 'io.github.resilience4j', name: 'resilience4j-circuitbreaker'",
        "    implementation 'org.flywaydb:flyway-core:10.0.0'",
        "    testImplementation 'au.com.dius.pact.consumer:junit5:4.6.5'",
        "}",
    ),
    "gradle/libs.versions.toml": lines(
        "[libraries]",
        'micrometer-prometheus = { module = "io.micrometer:micrometer-registry-prometheus" }',
    ),
    "gradle.lockfile": "empty=\n",
    "src/main/resources/db/migration/V1__init.sql": "CREATE TABLE t (id int);\n",
}
GRADLE_PLAIN = {
    "build.gradle.kts": lines(
        "plugins { java }",
        "dependencies {",
        '    implementation("org.springframework.boot:spring-boot-starter-web:3.2.0")',
        '    implementation("org.postgresql:postgresql:42.7.0")',
        "}",
    )
}
GRADLE_EXPECT = {
    "obs.metrics": ("build.gradle", 7),
    "obs.tracing": ("build.gradle", 8),
    "obs.structured_logging": ("build.gradle", 9),
    "obs.error_tracking": ("build.gradle", 10),
    "resilience.patterns": ("build.gradle", 11),
    "tests.contract": ("build.gradle", 13),
    "tests.coverage": ("build.gradle", 3),
    "security.lockfile": ("gradle.lockfile", None),
    "data.migrations": ("src/main/resources/db/migration/V1__init.sql", None),
}


def _csproj(*packages: str) -> str:
    return lines(
        '<Project Sdk="Microsoft.NET.Sdk">',
        "  <ItemGroup>",
        *(f'    <PackageReference Include="{p}" Version="1.0.0" />' for p in packages),
        "  </ItemGroup>",
        "</Project>",
    )


CSHARP_RICH = {
    "Svc.csproj": _csproj(
        "prometheus-net.AspNetCore",
        "OpenTelemetry.Extensions.Hosting",
        "Serilog.AspNetCore",
        "Sentry.AspNetCore",
        "Polly",
        "Microsoft.EntityFrameworkCore.SqlServer",
    ),
    "Svc.Tests/Svc.Tests.csproj": _csproj("PactNet", "coverlet.collector"),
    "packages.lock.json": '{"version": 1}\n',
    "Migrations/20240101000000_Init.cs": lines(
        "using Microsoft.EntityFrameworkCore.Migrations;",
        "",
        "public partial class Init : Migration",
        "{",
        "}",
    ),
}
CSHARP_PLAIN = {"Svc.csproj": _csproj("Newtonsoft.Json", "Npgsql")}
CSHARP_EXPECT = {
    "obs.metrics": ("Svc.csproj", 3),
    "obs.tracing": ("Svc.csproj", 4),
    "obs.structured_logging": ("Svc.csproj", 5),
    "obs.error_tracking": ("Svc.csproj", 6),
    "resilience.patterns": ("Svc.csproj", 7),
    "tests.contract": ("Svc.Tests/Svc.Tests.csproj", 3),
    "tests.coverage": ("Svc.Tests/Svc.Tests.csproj", 4),
    "security.lockfile": ("packages.lock.json", None),
    "data.migrations": ("Migrations/20240101000000_Init.cs", 3),
}

RUBY_RICH = {
    "Gemfile": lines(
        'source "https://rubygems.org"',
        "",
        'gem "rails", "~> 7.1"',
        'gem "pg"',
        'gem "prometheus-client"',
        'gem "opentelemetry-sdk"',
        'gem "sentry-ruby"',
        'gem "circuitbox"',
        "",
        "group :test do",
        '  gem "pact"',
        '  gem "simplecov", require: false',
        "end",
    ),
    "Gemfile.lock": "GEM\n",
    "db/migrate/20240101000000_create_users.rb": "class CreateUsers\nend\n",
}
RUBY_PLAIN = {"Gemfile": 'gem "sinatra"\ngem "pg"\n'}
RUBY_EXPECT = {
    "obs.metrics": ("Gemfile", 5),
    "obs.tracing": ("Gemfile", 6),
    "obs.error_tracking": ("Gemfile", 7),
    "resilience.patterns": ("Gemfile", 8),
    "tests.contract": ("Gemfile", 11),
    "tests.coverage": ("Gemfile", 12),
    "security.lockfile": ("Gemfile.lock", None),
    "data.migrations": ("db/migrate/20240101000000_create_users.rb", None),
}

PHP_RICH = {
    "composer.json": lines(
        "{",
        '  "require": {',
        '    "php": ">=8.2",',
        '    "promphp/prometheus_client_php": "^2.10",',
        '    "open-telemetry/sdk": "^1.0",',
        '    "sentry/sentry": "^4.0",',
        '    "ackintosh/ganesha": "^3.0",',
        '    "doctrine/orm": "^3.0"',
        "  },",
        '  "require-dev": {',
        '    "pact-foundation/pact-php": "^10.0",',
        '    "php-coveralls/php-coveralls": "^2.7"',
        "  }",
        "}",
    ),
    "composer.lock": "{}\n",
    "migrations/Version20240101000000.php": "<?php\nfinal class Version20240101000000 {}\n",
}
PHP_PLAIN = {
    "composer.json": '{"require": {"php": ">=8.2", "slim/slim": "^4", "doctrine/dbal": "^3"}}'
}
PHP_EXPECT = {
    "obs.metrics": ("composer.json", 4),
    "obs.tracing": ("composer.json", 5),
    "obs.error_tracking": ("composer.json", 6),
    "resilience.patterns": ("composer.json", 7),
    "tests.contract": ("composer.json", 11),
    "tests.coverage": ("composer.json", 12),
    "security.lockfile": ("composer.lock", None),
    "data.migrations": ("migrations/Version20240101000000.php", None),
}

RUST_RICH = {
    "Cargo.toml": lines(
        "[package]",
        'name = "svc"',
        'version = "0.1.0"',
        "",
        "[dependencies]",
        'prometheus = "0.13"',
        'opentelemetry = "0.22"',
        'sentry = "0.32"',
        'backoff = "0.4"',
        'sqlx = { version = "0.7", features = ["postgres"] }',
        "",
        "[dev-dependencies]",
        'pact_consumer = "1.1"',
    ),
    "Cargo.lock": "version = 3\n",
    "migrations/20240101000000_init.sql": "CREATE TABLE t (id int);\n",
    ".github/workflows/ci.yml": lines(
        "on: [push]",
        "jobs:",
        "  test:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: cargo tarpaulin --out Xml",
    ),
}
RUST_PLAIN = {"Cargo.toml": '[dependencies]\naxum = "0.7"\ntokio-postgres = "0.7"\n'}
RUST_EXPECT = {
    "obs.metrics": ("Cargo.toml", 6),
    "obs.tracing": ("Cargo.toml", 7),
    "obs.error_tracking": ("Cargo.toml", 8),
    "resilience.patterns": ("Cargo.toml", 9),
    "tests.contract": ("Cargo.toml", 13),
    "tests.coverage": (".github/workflows/ci.yml", 6),
    "security.lockfile": ("Cargo.lock", None),
    "data.migrations": ("migrations/20240101000000_init.sql", None),
}

ELIXIR_RICH = {
    "mix.exs": lines(
        "defmodule Svc.MixProject do",
        "  use Mix.Project",
        "  defp deps do",
        "    [",
        '      {:prom_ex, "~> 1.9"},',
        '      {:opentelemetry, "~> 1.3"},',
        '      {:sentry, "~> 10.0"},',
        '      {:fuse, "~> 2.5"},',
        '      {:ecto_sql, "~> 3.11"},',
        '      {:excoveralls, "~> 0.18", only: :test}',
        "    ]",
        "  end",
        "end",
    ),
    "mix.lock": "%{}\n",
    "priv/repo/migrations/20240101000000_create_users.exs": "defmodule M do\nend\n",
}
ELIXIR_PLAIN = {
    "mix.exs": lines(
        "defmodule S do",
        "  defp deps do",
        '    [{:plug, "~> 1.15"}, {:postgrex, ">= 0.0.0"}]',
        "  end",
        "end",
    )
}
ELIXIR_EXPECT = {
    "obs.metrics": ("mix.exs", 5),
    "obs.tracing": ("mix.exs", 6),
    "obs.error_tracking": ("mix.exs", 7),
    "resilience.patterns": ("mix.exs", 8),
    "tests.coverage": ("mix.exs", 10),
    "security.lockfile": ("mix.lock", None),
    "data.migrations": ("priv/repo/migrations/20240101000000_create_users.exs", None),
}

ECOSYSTEMS = {
    "elixir": (ELIXIR_RICH, ELIXIR_PLAIN, ELIXIR_EXPECT),
    "python": (PY_RICH, PY_PLAIN, PY_EXPECT),
    "node": (NODE_RICH, NODE_PLAIN, NODE_EXPECT),
    "go": (GO_RICH, GO_PLAIN, GO_EXPECT),
    "maven": (MAVEN_RICH, MAVEN_PLAIN, MAVEN_EXPECT),
    "gradle": (GRADLE_RICH, GRADLE_PLAIN, GRADLE_EXPECT),
    "csharp": (CSHARP_RICH, CSHARP_PLAIN, CSHARP_EXPECT),
    "ruby": (RUBY_RICH, RUBY_PLAIN, RUBY_EXPECT),
    "php": (PHP_RICH, PHP_PLAIN, PHP_EXPECT),
    "rust": (RUST_RICH, RUST_PLAIN, RUST_EXPECT),
}


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Repo]:
    out = {}
    for eco, (rich, plain, _) in ECOSYSTEMS.items():
        out[eco, "rich"] = make_repo(tmp_path_factory.mktemp(f"{eco}-rich"), rich)
        out[eco, "plain"] = make_repo(tmp_path_factory.mktemp(f"{eco}-plain"), plain)
    return out


@pytest.mark.parametrize("eco", sorted(ECOSYSTEMS))
@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_rich_repository(repos: dict[tuple[str, str], Repo], eco: str, check_id: str) -> None:
    expected = ECOSYSTEMS[eco][2].get(check_id)
    finding = run(repos[eco, "rich"], check_id)
    if expected is None:  # the row names no library of this ecosystem
        assert finding.status is Status.FAIL, finding
        return
    assert finding.status is Status.PASS, finding
    assert first_evidence(finding) == expected


@pytest.mark.parametrize("eco", sorted(ECOSYSTEMS))
@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_plain_repository_fails(
    repos: dict[tuple[str, str], Repo], eco: str, check_id: str
) -> None:
    finding = run(repos[eco, "plain"], check_id)
    assert finding.status is Status.FAIL, finding


# ----- special cases ----------------------------------------------------------------------


def _one(tmp_path: Path, files: dict[str, str], check_id: str, root: str = ".") -> Finding:
    return run(make_repo(tmp_path / "r", files), check_id, root)


def _evidence(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "requirements.txt": "flask==3.0.0\n",
                "app.py": "from flask import Flask\napp = Flask(__name__)\n\n"
                '@app.route("/metrics")\ndef metrics():\n    return ""\n',
            },
            ("app.py", 4),
        ),
        (
            {
                "go.mod": "module x\n\ngo 1.22\n",
                "main.go": 'package main\n\nfunc main() {\n\thttp.Handle("/metrics", h)\n}\n',
            },
            ("main.go", 4),
        ),
        (
            {
                "Svc.csproj": _csproj("Newtonsoft.Json"),
                "Program.cs": "var app = b.Build();\napp.MapMetrics();\n",
            },
            ("Program.cs", 2),
        ),
        (
            {
                "package.json": '{"dependencies": {"express": "4"}}',
                "server.js": "app.get('/metrics', h)\n",
            },
            ("server.js", 1),
        ),
    ],
)
def test_metrics_route_in_code(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, int]
) -> None:
    f = _one(tmp_path, files, "obs.metrics")
    assert f.status is Status.PASS
    assert first_evidence(f) == expected


def test_metrics_route_called_from_a_test_is_not_a_route(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "flask==3.0.0\n",
        "tests/test_app.py": 'def test_m(client):\n    client.get("/metrics")\n',
    }
    assert _one(tmp_path, files, "obs.metrics").status is Status.FAIL


def test_indirect_go_dependency_is_not_a_metrics_client(
    repos: dict[tuple[str, str], Repo],
) -> None:
    facts = facts_for(repos["go", "plain"])
    assert "github.com/prometheus/client_golang" not in {d.name for d in facts.dependencies}


@pytest.mark.parametrize(
    ("deps", "status"),
    [
        ({"dd-trace": "5"}, Status.FAIL),  # Datadog is not in checks.md's list
        ({"jaeger-client": "3"}, Status.PASS),
        ({"zipkin": "0.22"}, Status.PASS),
        ({"opentracing": "0.14"}, Status.PASS),
        ({"@opentelemetry/exporter-prometheus": "0.49"}, Status.FAIL),  # metrics only
    ],
)
def test_tracing_libraries(tmp_path: Path, deps: dict[str, str], status: Status) -> None:
    import json

    f = _one(tmp_path, {"package.json": json.dumps({"dependencies": deps})}, "obs.tracing")
    assert f.status is status


def test_spring_cloud_sleuth_counts_as_tracing(tmp_path: Path) -> None:
    pom = _pom(_dep("org.springframework.cloud", "spring-cloud-starter-sleuth"))
    f = _one(tmp_path, {"pom.xml": pom}, "obs.tracing")
    assert (f.status, first_evidence(f)) == (Status.PASS, ("pom.xml", 7))


def test_loguru_needs_serialize(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "loguru==0.7.2\n",
        "app.py": "from loguru import logger\nlogger.info('x')\n",
    }
    f = _one(tmp_path / "a", files, "obs.structured_logging")
    assert f.status is Status.FAIL
    assert "serialize=True" in f.message
    files["app.py"] = (
        "import sys\nfrom loguru import logger\nlogger.add(sys.stderr, serialize=True)\n"
    )
    f = _one(tmp_path / "b", files, "obs.structured_logging")
    assert f.status is Status.PASS
    assert _evidence(f) == [("requirements.txt", 1), ("app.py", 3)]


def test_slog_json_handler(tmp_path: Path) -> None:
    files = {
        "go.mod": "module x\n\ngo 1.22\n",
        "main.go": "package main\n\nvar l = slog.New(slog.NewJSONHandler(os.Stdout, nil))\n",
    }
    f = _one(tmp_path, files, "obs.structured_logging")
    assert (f.status, first_evidence(f)) == (Status.PASS, ("main.go", 3))


def test_slog_text_handler_is_not_structured(tmp_path: Path) -> None:
    files = {
        "go.mod": "module x\n\ngo 1.22\n",
        "main.go": "package main\n\nvar l = slog.New(slog.NewTextHandler(os.Stdout, nil))\n",
    }
    assert _one(tmp_path, files, "obs.structured_logging").status is Status.FAIL


@pytest.mark.parametrize(
    ("gem", "status"),
    [("honeybadger", Status.PASS), ("airbrake", Status.PASS), ("rollbar", Status.PASS),
     ("bugsnag", Status.PASS), ("newrelic_rpm", Status.FAIL)],
)  # fmt: skip
def test_error_tracking_vendors(tmp_path: Path, gem: str, status: Status) -> None:
    f = _one(tmp_path, {"Gemfile": f'gem "{gem}"\n'}, "obs.error_tracking")
    assert f.status is status


MESH_BASE = {"requirements.txt": "flask==3.0.0\n"}


@pytest.mark.parametrize(
    ("manifest", "line"),
    [
        (
            "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n"
            "  name: svc\nspec:\n  http:\n  - route:\n    - destination: {host: svc}\n"
            "    retries:\n      attempts: 3\n",
            9,
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: svc}\n---\n"
            "apiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nspec:\n"
            "  trafficPolicy:\n    outlierDetection:\n      consecutive5xxErrors: 5\n",
            9,
        ),
        (
            "apiVersion: linkerd.io/v1alpha2\nkind: ServiceProfile\nspec:\n  routes:\n"
            "  - name: GET /items\n    isRetryable: true\n",
            6,
        ),
    ],
)
def test_mesh_resilience_policies(tmp_path: Path, manifest: str, line: int) -> None:
    f = _one(tmp_path, {**MESH_BASE, "k8s/mesh.yaml": manifest}, "resilience.patterns")
    assert (f.status, first_evidence(f)) == (Status.PASS, ("k8s/mesh.yaml", line))


def test_virtual_service_without_retries_fails(tmp_path: Path) -> None:
    vs = "kind: VirtualService\nspec:\n  http:\n  - route:\n    - destination: {host: svc}\n"
    f = _one(tmp_path, {**MESH_BASE, "k8s/vs.yaml": vs}, "resilience.patterns")
    assert f.status is Status.FAIL


def test_retries_of_another_document_do_not_count(tmp_path: Path) -> None:
    text = "kind: VirtualService\nspec: {}\n---\nkind: Other\nretries: 3\n"
    f = _one(tmp_path, {**MESH_BASE, "k8s/vs.yaml": text}, "resilience.patterns")
    assert f.status is Status.FAIL


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("pacts/web-api.json", '{"consumer": {"name": "web"}}'),
        ("test/contracts/web-api.pact.json", "{}"),
        ("out/contract.json", '{"metadata": {"pactSpecification": {"version": "3.0.0"}}}'),
        ("test/imposters.ejs", '{ "imposters": [] }'),
        ("src/test/resources/contracts/shouldReturnItems.groovy", "Contract.make {}\n"),
    ],
)
def test_contract_files(tmp_path: Path, path: str, content: str) -> None:
    f = _one(tmp_path, {**MESH_BASE, path: content}, "tests.contract")
    assert (f.status, first_evidence(f)) == (Status.PASS, (path, None))


def test_plain_json_is_not_a_contract(tmp_path: Path) -> None:
    f = _one(tmp_path, {**MESH_BASE, "data/items.json": "{}"}, "tests.contract")
    assert f.status is Status.FAIL


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".coveragerc": "[run]\n"}, (".coveragerc", None)),
        ({"pyproject.toml": "[tool.ruff]\n\n[tool.coverage.run]\nbranch = true\n"},
         ("pyproject.toml", 3)),
        ({"setup.cfg": "[metadata]\nname = x\n[coverage:run]\n"}, ("setup.cfg", 3)),
        ({"tox.ini": "[testenv]\ncommands = pytest --cov=svc\n"}, ("tox.ini", 2)),
        ({"package.json": '{\n  "jest": {\n    "collectCoverage": true\n  }\n}'},
         ("package.json", 3)),
        ({"package.json": '{\n  "scripts": {\n    "test": "jest --coverage"\n  }\n}'},
         ("package.json", 3)),
        ({".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: go test -cover\n"},
         (".github/workflows/ci.yml", 4)),
        ({"Jenkinsfile": "sh 'coverage run -m pytest'\n"}, ("Jenkinsfile", 1)),
        ({"phpunit.xml.dist": "<phpunit>\n  <coverage>\n  </coverage>\n</phpunit>\n"},
         ("phpunit.xml.dist", 2)),
    ],
)  # fmt: skip
def test_coverage_config_and_flags(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, int | None]
) -> None:
    f = _one(tmp_path, {**MESH_BASE, **files}, "tests.coverage")
    assert (f.status, first_evidence(f)) == (Status.PASS, expected)


def test_coverage_flag_in_repository_level_ci_counts_for_a_member(tmp_path: Path) -> None:
    files = {
        "services/api/requirements.txt": "flask==3.0.0\n",
        ".github/workflows/api.yml": "jobs:\n  t:\n    steps:\n      - run: pytest --cov\n",
    }
    f = _one(tmp_path, files, "tests.coverage", root="services/api")
    assert (f.status, first_evidence(f)) == (Status.PASS, (".github/workflows/api.yml", 4))


def test_coverage_of_a_sibling_service_tree_does_not_count(tmp_path: Path) -> None:
    files = {
        "services/api/requirements.txt": "flask==3.0.0\n",
        "services/web/.coveragerc": "[run]\n",
    }
    assert _one(tmp_path, files, "tests.coverage", root="services/api").status is Status.FAIL


# ----- security.lockfile ------------------------------------------------------------------


def test_fully_pinned_requirements_are_a_lock_file(tmp_path: Path) -> None:
    reqs = lines(
        "# pinned by pip-compile",
        "-r base.txt",
        "--index-url https://example.org/simple",
        "flask==3.0.0 \\",
        "    --hash=sha256:abc",
        "requests[socks]==2.31.0 ; python_version >= '3.8'",
    )
    f = _one(tmp_path, {"requirements.txt": reqs}, "security.lockfile")
    assert (f.status, _evidence(f)) == (Status.PASS, [("requirements.txt", None)])


def test_one_unpinned_requirement_fails_with_its_line(tmp_path: Path) -> None:
    reqs = "flask==3.0.0\nrequests>=2\n"
    f = _one(tmp_path, {"requirements.txt": reqs}, "security.lockfile")
    assert f.status is Status.FAIL
    assert f.message == "no lock file for pypi (requirements.txt)"
    assert _evidence(f) == [("requirements.txt", None), ("requirements.txt", 2)]


def test_wildcard_pin_is_not_pinned(tmp_path: Path) -> None:
    f = _one(tmp_path, {"requirements.txt": "flask==3.*\n"}, "security.lockfile")
    assert f.status is Status.FAIL


def test_workspace_lock_at_the_root_locks_a_member(tmp_path: Path) -> None:
    files = {
        "package.json": '{"workspaces": ["services/*"]}',
        "pnpm-lock.yaml": "lockfileVersion: '6.0'\n",
        "services/web/package.json": '{"dependencies": {"express": "4"}}',
    }
    f = _one(tmp_path, files, "security.lockfile", root="services/web")
    assert (f.status, _evidence(f)) == (Status.PASS, [("pnpm-lock.yaml", None)])


def test_root_lock_of_another_ecosystem_does_not_lock(tmp_path: Path) -> None:
    files = {"poetry.lock": "", "services/web/package.json": '{"dependencies": {"express": "4"}}'}
    f = _one(tmp_path, files, "security.lockfile", root="services/web")
    assert f.status is Status.FAIL
    assert f.message == "no lock file for npm (services/web/package.json)"


def test_root_go_sum_does_not_lock_a_nested_module(tmp_path: Path) -> None:
    files = {
        "go.sum": "x v1 h1:abc=\n",
        "services/api/go.mod": "module api\n\nrequire github.com/gin-gonic/gin v1.9.1\n",
    }
    f = _one(tmp_path, files, "security.lockfile", root="services/api")
    assert f.status is Status.FAIL


def test_a_lock_file_of_one_declared_ecosystem_passes(tmp_path: Path) -> None:
    """checks.md: "a lock file". Real-world layout: a Laravel service whose composer.lock
    pins the PHP dependencies, with an unlocked package.json for its asset build."""
    files = {
        "composer.json": '{"require": {"laravel/framework": "5.4.*"}}',
        "composer.lock": "{}",
        "package.json": '{"devDependencies": {"laravel-mix": "0.*"}}',
    }
    f = _one(tmp_path, files, "security.lockfile")
    assert (f.status, _evidence(f)) == (Status.PASS, [("composer.lock", None)])
    assert f.message == "dependencies locked: composer (no lock file for npm)"
    files["yarn.lock"] = ""
    f = _one(tmp_path / "b", files, "security.lockfile")
    assert (f.status, _evidence(f)) == (
        Status.PASS,
        [("composer.lock", None), ("yarn.lock", None)],
    )
    assert f.message == "dependencies locked: composer, npm"


def test_no_declared_ecosystem_locked_fails(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3"\n',
        "package.json": '{"devDependencies": {"prettier": "3"}}',
    }
    f = _one(tmp_path, files, "security.lockfile")
    assert f.status is Status.FAIL
    assert f.message == "no lock file for npm (package.json); pypi (pyproject.toml)"


def test_no_manifest_is_not_applicable(tmp_path: Path) -> None:
    f = _one(tmp_path, {"deploy.sh": "echo hi\n"}, "security.lockfile")
    assert f.status is Status.NOT_APPLICABLE


def test_unreadable_manifest_makes_lockfile_unknown(tmp_path: Path) -> None:
    f = _one(tmp_path, {"package.json": "{not json"}, "security.lockfile")
    assert f.status is Status.UNKNOWN
    assert "package.json: invalid JSON at line 1" in f.message


def test_unreadable_manifest_makes_a_missing_library_unknown(tmp_path: Path) -> None:
    files = {"package.json": "{not json", "requirements.txt": "flask==3.0.0\n"}
    f = _one(tmp_path, files, "obs.metrics")
    assert f.status is Status.UNKNOWN
    assert "package.json" in f.message


# ----- data.migrations --------------------------------------------------------------------


def test_migrations_not_applicable_without_a_database(tmp_path: Path) -> None:
    f = _one(tmp_path, {"requirements.txt": "flask==3.0.0\n"}, "data.migrations")
    assert f.status is Status.NOT_APPLICABLE


def test_migrations_are_evidence_of_a_database(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "flask==3.0.0\n",
        "db/migrations/001_init.sql": "CREATE TABLE t();\n",
    }
    f = _one(tmp_path, files, "data.migrations")
    assert (f.status, first_evidence(f)) == (Status.PASS, ("db/migrations/001_init.sql", None))


@pytest.mark.parametrize(
    ("path", "content", "line"),
    [
        ("shop/migrations/0001_initial.py", "from django.db import migrations\n", None),
        ("prisma/migrations/20240101_init/migration.sql", "CREATE TABLE t();\n", None),
        ("sql/20240101_init.sql", "-- comment\n-- +goose Up\nCREATE TABLE t();\n", 2),
        ("src/main/resources/db/changelog/db.changelog-master.yaml", "databaseChangeLog:\n", None),
        ("priv/repo/migrations/20240101_create_users.exs", "defmodule M do\nend\n", None),
        ("db/migrations/20240101-create-user.js",
         "module.exports = {\n  async up(queryInterface) {}\n};\n", 2),
        ("src/migrations/1700000000-Init.ts",
         "export class Init1700000000 implements MigrationInterface {}\n", 1),
    ],
)  # fmt: skip
def test_migration_tools(tmp_path: Path, path: str, content: str, line: int | None) -> None:
    files = {"requirements.txt": "psycopg2-binary==2.9.9\n", path: content}
    f = _one(tmp_path, files, "data.migrations")
    assert (f.status, first_evidence(f)) == (Status.PASS, (path, line))


def test_javascript_in_a_migrations_folder_needs_migration_content(tmp_path: Path) -> None:
    files = {"package.json": '{"dependencies": {"pg": "8"}}', "migrations/helpers.js": "x = 1\n"}
    assert _one(tmp_path, files, "data.migrations").status is Status.FAIL
