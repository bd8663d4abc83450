"""Dependency-based checks on real git repositories, across ecosystems.

For each ecosystem family a "rich" repository declares the libraries every check looks
for, and a "plain" one declares a web framework and a database driver only: each check
must pass on the former with the exact evidence and fail on the latter.
"""

from __future__ import annotations

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

ECOSYSTEMS = {
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
