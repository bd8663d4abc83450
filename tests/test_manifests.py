"""Manifest parsing: the direct dependencies of every ecosystem, and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.collect.facts import Dependency
from rung.collect.manifests import (
    MANIFEST_PATTERNS,
    is_manifest,
    is_pinned,
    iter_requirements,
    parse_manifests,
)


def parse(path: str, text: str, **extra: str) -> list[Dependency]:
    texts = {path: text, **extra}
    deps, errors = parse_manifests(texts, [path])
    assert errors == {}
    return deps


def triples(deps: list[Dependency]) -> list[tuple[str, int | None, bool]]:
    return [(d.name, d.line, d.dev) for d in deps]


# ----- Python -----------------------------------------------------------------------------


def test_requirements_txt() -> None:
    text = "\n".join(
        [
            "# comment",  # 1
            "-r base.txt",  # 2
            "--index-url https://example.org/simple",  # 3
            "Django_REST.framework[extra]==3.15.1 ; python_version > '3.8'",  # 4
            "requests>=2 --hash=sha256:abc",  # 5
            "https://example.org/pkg.whl",  # 6
            "./local/pkg",  # 7
            "-e git+https://example.org/x.git#egg=x",  # 8
            "flask \\",  # 9
            "  ==3.0.0  # trailing comment",  # 10
            "name @ https://example.org/name.zip",  # 11
        ]
    )
    deps = parse("requirements.txt", text)
    assert [(d.name, d.line, d.version) for d in deps] == [
        ("django-rest-framework", 4, "==3.15.1"),
        ("requests", 5, ">=2"),
        ("flask", 9, "==3.0.0"),
        ("name", 11, ""),
    ]
    assert all(d.ecosystem == "pypi" and d.manifest == "requirements.txt" for d in deps)


def test_requirements_dev_files_and_folders() -> None:
    deps, errors = parse_manifests(
        {
            "requirements-dev.txt": "pytest\n",
            "requirements/base.txt": "flask\n",
            "notes.txt": "x\n",
        },
        ["requirements-dev.txt", "requirements/base.txt", "notes.txt"],
    )
    assert errors == {}
    assert [(d.name, d.manifest, d.dev) for d in deps] == [
        ("pytest", "requirements-dev.txt", True),
        ("flask", "requirements/base.txt", False),
    ]


def test_pep503_normalisation_and_pinning() -> None:
    reqs = list(iter_requirements("Foo.Bar_baz==1.0\nZope-Interface===5\nx==1.*\ny>=1,==2\n"))
    assert [(name, is_pinned(v)) for _, _, name, v in reqs] == [
        ("foo-bar-baz", True),
        ("zope-interface", True),
        ("x", False),
        ("y", False),
    ]


def test_pyproject_pep621_poetry_pdm_uv_and_groups() -> None:
    text = "\n".join(
        [
            "[project]",  # 1
            'dependencies = ["FastAPI>=0.110", "prometheus_client"]',  # 2
            "[project.optional-dependencies]",  # 3
            'test = ["pytest-cov"]',  # 4
            'postgres = ["psycopg[binary]"]',  # 5
            "[dependency-groups]",  # 6
            'lint = ["ruff", {include-group = "test"}]',  # 7
            "[tool.poetry.dependencies]",  # 8
            'python = "^3.11"',  # 9
            'StructLog = {version = "^24"}',  # 10
            "[tool.poetry.group.dev.dependencies]",  # 11
            'mypy = "*"',  # 12
            "[tool.poetry.dev-dependencies]",  # 13
            'black = "*"',  # 14
            "[tool.pdm.dev-dependencies]",  # 15
            'docs = ["mkdocs"]',  # 16
            "[tool.uv]",  # 17
            'dev-dependencies = ["hypothesis"]',  # 18
        ]
    )
    assert triples(parse("pyproject.toml", text)) == [
        ("fastapi", 2, False),
        ("prometheus-client", 2, False),
        ("pytest-cov", 4, True),
        ("psycopg", 5, False),
        ("ruff", 7, True),
        ("structlog", 10, False),
        ("black", 14, True),
        ("mypy", 12, True),
        ("mkdocs", 16, True),
        ("hypothesis", 18, True),
    ]


def test_setup_cfg() -> None:
    text = "\n".join(
        [
            "[metadata]",
            "name = x",
            "[options]",
            "install_requires =",
            "    tenacity>=8",
            "    backoff; python_version < '4'",
            "tests_require = pytest",
            "[options.extras_require]",
            "dev = ruff",
            "sentry = sentry-sdk",
        ]
    )
    assert triples(parse("setup.cfg", text)) == [
        ("tenacity", 5, False),
        ("backoff", 6, False),
        ("pytest", 7, True),
        ("ruff", 9, True),
        ("sentry-sdk", 10, False),
    ]


def test_pipfile() -> None:
    text = '[packages]\nsentry_sdk = "*"\n\n[dev-packages]\ncoverage = {version = "*"}\n'
    assert triples(parse("Pipfile", text)) == [("sentry-sdk", 2, False), ("coverage", 5, True)]


# ----- Node, PHP --------------------------------------------------------------------------


def test_package_json_dependencies_and_dev_dependencies_only() -> None:
    text = (
        '{\n  "dependencies": {"Prom-Client": "^15", "@sentry/node": "7"},\n'
        '  "devDependencies": {"jest": "29"},\n  "peerDependencies": {"react": "18"}\n}\n'
    )
    deps = parse("web/package.json", text)
    assert [(d.name, d.version, d.dev, d.line) for d in deps] == [
        ("prom-client", "^15", False, 2),
        ("@sentry/node", "7", False, 2),
        ("jest", "29", True, 3),
    ]


def test_composer_json_skips_platform_packages() -> None:
    text = '{"require": {"php": ">=8", "ext-json": "*", "lib-pcre": "*", "sentry/sentry": "^4"},'
    text += ' "require-dev": {"phpunit/phpunit": "^10"}}'
    assert triples(parse("composer.json", text)) == [
        ("sentry/sentry", 1, False),
        ("phpunit/phpunit", 1, True),
    ]


# ----- Go ---------------------------------------------------------------------------------


def test_go_mod_excludes_indirect() -> None:
    text = "\n".join(
        [
            "module example.com/svc",  # 1
            "",  # 2
            "require github.com/Sirupsen/logrus v1.9.3",  # 3
            "require (",  # 4
            "\tgo.uber.org/zap v1.27.0 // a comment",  # 5
            "\tgithub.com/x/y v1.0.0 // indirect",  # 6
            "\t// a comment line",  # 7
            '\t"github.com/quoted/mod" v0.1.0',  # 8
            ")",  # 9
            "require github.com/z/z v1.0.0 // indirect",  # 10
            "replace github.com/a/b => ../b",  # 11
        ]
    )
    deps = parse("go.mod", text)
    assert [(d.name, d.line, d.version) for d in deps] == [
        ("github.com/sirupsen/logrus", 3, "v1.9.3"),
        ("go.uber.org/zap", 5, "v1.27.0"),
        ("github.com/quoted/mod", 8, "v0.1.0"),
    ]


def test_gopkg_toml_and_glide_yaml() -> None:
    gopkg = '[[constraint]]\n  name = "github.com/afex/hystrix-go"\n  version = "1.0"\n'
    assert triples(parse("Gopkg.toml", gopkg)) == [("github.com/afex/hystrix-go", 2, False)]
    glide = "package: x\nimport:\n- package: github.com/sirupsen/logrus\n"
    glide += "testImport:\n- package: github.com/stretchr/testify\n"
    assert triples(parse("glide.yaml", glide)) == [
        ("github.com/sirupsen/logrus", 3, False),
        ("github.com/stretchr/testify", 5, True),
    ]


# ----- JVM --------------------------------------------------------------------------------

POM = """<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>org.managed</groupId><artifactId>bom</artifactId></dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.micrometer</groupId>
      <artifactId>micrometer-registry-prometheus</artifactId>
      <version>1.12.0</version>
    </dependency>
    <dependency>
      <groupId>junit</groupId><artifactId>junit</artifactId><scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><groupId>org.jacoco</groupId><artifactId>jacoco-maven-plugin</artifactId></plugin>
      <plugin><artifactId>maven-surefire-plugin</artifactId></plugin>
    </plugins>
  </build>
  <profiles>
    <profile>
      <dependencies>
        <dependency><groupId>io.sentry</groupId><artifactId>sentry</artifactId></dependency>
      </dependencies>
    </profile>
  </profiles>
</project>
"""


def test_pom_with_namespaces_profiles_and_plugins() -> None:
    deps = parse("pom.xml", POM)
    assert [(d.name, d.ecosystem, d.line, d.dev, d.version) for d in deps] == [
        ("io.micrometer:micrometer-registry-prometheus", "maven", 12, False, "1.12.0"),
        ("junit:junit", "maven", 16, True, ""),
        ("org.jacoco:jacoco-maven-plugin", "maven-plugin", 21, False, ""),
        ("org.apache.maven.plugins:maven-surefire-plugin", "maven-plugin", 22, False, ""),
        ("io.sentry:sentry", "maven", 28, False, ""),
    ]


def test_pom_refuses_entities() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><project>&a;</project>'
    deps, errors = parse_manifests({"pom.xml": bomb}, ["pom.xml"])
    assert deps == []
    assert errors == {"pom.xml": "refused XML: EntitiesForbidden"}


def test_gradle_groovy_dsl() -> None:
    text = "\n".join(
        [
            "buildscript {",  # 1
            "  dependencies { classpath 'com.github.spotbugs:spotbugs-gradle-plugin:6.0.0' }",  # 2
            "}",  # 3
            "plugins {",  # 4
            "    id 'java'",  # 5
            "    id 'org.springframework.boot' version '3.2.0'",  # 6
            "}",  # 7
            "apply plugin: 'jacoco'",  # 8
            "dependencies {",  # 9
            "    implementation 'io.micrometer:micrometer-registry-prometheus:1.12.0'",  # 10
            "    implementation platform('org.springframework.boot:spring-boot-dependencies:3')",
            "    compileOnly group: 'org.projectlombok', name: 'lombok', version: '1.18.30'",  # 12
            '    testImplementation "au.com.dius.pact.consumer:junit5:${pactVersion}"',  # 13
            "    implementation project(':core')",  # 14
            "}",  # 15
        ]
    )
    deps = parse("build.gradle", text)
    assert [(d.name, d.ecosystem, d.line, d.dev) for d in deps] == [
        ("com.github.spotbugs:spotbugs-gradle-plugin", "gradle-plugin", 2, False),
        ("io.micrometer:micrometer-registry-prometheus", "gradle", 10, False),
        ("org.springframework.boot:spring-boot-dependencies", "gradle", 11, False),
        ("org.projectlombok:lombok", "gradle", 12, False),
        ("au.com.dius.pact.consumer:junit5", "gradle", 13, True),
        ("java", "gradle-plugin", 5, False),
        ("org.springframework.boot", "gradle-plugin", 6, False),
        ("jacoco", "gradle-plugin", 8, False),
    ]


def test_gradle_kotlin_dsl_with_version_catalog() -> None:
    text = "\n".join(
        [
            "plugins {",  # 1
            "    `java-library`",  # 2
            '    kotlin("jvm") version "1.9.22"',  # 3
            "    jacoco",  # 4
            "    alias(libs.plugins.spotless)",  # 5
            "}",  # 6
            "dependencies {",  # 7
            "    implementation(libs.micrometer.prometheus)",  # 8
            "    implementation(libs.bundles.otel)",  # 9
            '    implementation(kotlin("stdlib"))',  # 10
            '    testImplementation("io.mockk:mockk:1.13.9")',  # 11
            "}",  # 12
        ]
    )
    catalog = "\n".join(
        [
            "[libraries]",
            'micrometer-prometheus = { module = "io.micrometer:micrometer-registry-prometheus" }',
            'otel-api = { group = "io.opentelemetry", name = "opentelemetry-api" }',
            'otel_sdk = "io.opentelemetry:opentelemetry-sdk:1.36.0"',
            "[bundles]",
            'otel = ["otel-api", "otel_sdk"]',
            "[plugins]",
            'spotless = { id = "com.diffplug.spotless", version = "6.25.0" }',
        ]
    )
    deps = parse("svc/build.gradle.kts", text, **{"gradle/libs.versions.toml": catalog})
    assert [(d.name, d.ecosystem, d.line) for d in deps] == [
        ("io.micrometer:micrometer-registry-prometheus", "gradle", 8),
        ("io.opentelemetry:opentelemetry-api", "gradle", 9),
        ("io.opentelemetry:opentelemetry-sdk", "gradle", 9),
        ("org.jetbrains.kotlin:kotlin-stdlib", "gradle", 10),
        ("io.mockk:mockk", "gradle", 11),
        ("java-library", "gradle-plugin", 2),
        ("jacoco", "gradle-plugin", 4),
        ("com.diffplug.spotless", "gradle-plugin", 5),
        ("org.jetbrains.kotlin.jvm", "gradle-plugin", 3),
    ]


# ----- Ruby, .NET, Rust, Elixir -----------------------------------------------------------


def test_gemfile_groups() -> None:
    text = "\n".join(
        [
            "source 'https://rubygems.org'",  # 1
            "gem 'rails', '~> 7.1'",  # 2
            "# gem 'commented'",  # 3
            "group :development, :test do",  # 4
            "  gem 'rspec-rails'",  # 5
            "end",  # 6
            "platforms :jruby do",  # 7
            "  gem 'jdbc'",  # 8
            "end",  # 9
            "gem 'simplecov', require: false, group: :test",  # 10
            'gem "sentry-ruby"',  # 11
        ]
    )
    assert triples(parse("Gemfile", text)) == [
        ("rails", 2, False),
        ("rspec-rails", 5, True),
        ("jdbc", 8, False),
        ("simplecov", 10, True),
        ("sentry-ruby", 11, False),
    ]


def test_csproj_package_references() -> None:
    text = "\n".join(
        [
            '<Project Sdk="Microsoft.NET.Sdk.Web">',
            "  <ItemGroup>",
            '    <PackageReference Include="Serilog.AspNetCore" Version="8.0.0" />',
            '    <PackageReference Include="Polly">',
            "      <Version>8.2.0</Version>",
            "    </PackageReference>",
            '    <ProjectReference Include="../Core/Core.csproj" />',
            "  </ItemGroup>",
            "</Project>",
        ]
    )
    deps = parse("src/Api/Api.csproj", text)
    assert [(d.name, d.ecosystem, d.line, d.version, d.dev) for d in deps] == [
        ("serilog.aspnetcore", "nuget", 3, "8.0.0", False),
        ("polly", "nuget", 4, "8.2.0", False),
    ]
    test_proj = '<Project><ItemGroup><PackageReference Include="coverlet.collector" />'
    test_proj += "</ItemGroup></Project>"
    assert triples(parse("tests/Api.Tests/Api.Tests.csproj", test_proj)) == [
        ("coverlet.collector", 1, True)
    ]


def test_cargo_toml_sections_and_renames() -> None:
    text = "\n".join(
        [
            "[package]",  # 1
            'name = "svc"',  # 2
            "[dependencies]",  # 3
            'prometheus = "0.13"',  # 4
            'pg = { package = "tokio-postgres", version = "0.7" }',  # 5
            "[dev-dependencies]",  # 6
            'pact_consumer = "1"',  # 7
            "[build-dependencies]",  # 8
            'tonic-build = "0.11"',  # 9
            "[target.'cfg(unix)'.dependencies]",  # 10
            'nix = "0.28"',  # 11
            "[workspace.dependencies]",  # 12
            'serde = "1"',  # 13
        ]
    )
    assert [(d.name, d.line, d.dev, d.version) for d in parse("Cargo.toml", text)] == [
        ("prometheus", 4, False, "0.13"),
        ("tokio-postgres", 5, False, "0.7"),
        ("pact_consumer", 7, True, "1"),
        ("tonic-build", 9, False, "0.11"),
        ("nix", 11, False, "0.28"),
        ("serde", 13, False, "1"),
    ]


def test_mix_exs_deps() -> None:
    text = "\n".join(
        [
            "defmodule Svc.MixProject do",  # 1
            "  def project, do: [app: :svc, deps: deps()]",  # 2
            "  defp deps do",  # 3
            "    [",  # 4
            '      {:phoenix, "~> 1.7"},',  # 5
            '      {:excoveralls, "~> 0.18", only: :test},',  # 6
            '      {:credo, "~> 1.7", only: [:dev, :test], runtime: false},',  # 7
            '      {:prom_ex, "~> 1.9"}',  # 8
            "    ]",  # 9
            "  end",  # 10
            "end",  # 11
        ]
    )
    assert [(d.name, d.ecosystem, d.line, d.dev) for d in parse("mix.exs", text)] == [
        ("phoenix", "hex", 5, False),
        ("excoveralls", "hex", 6, True),
        ("credo", "hex", 7, True),
        ("prom_ex", "hex", 8, False),
    ]


# ----- errors, patterns, dedupe, the collector --------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "reason"),
    [
        ("package.json", '{"dependencies": ', "invalid JSON at line 1, column 18"),
        ("package.json", "[1, 2]", "unreadable manifest: ValueError"),
        ("Cargo.toml", "[dependencies\nx = 1\n", "invalid TOML at line 1, column 14"),
        ("pom.xml", "<project><dependencies>", "invalid XML at line 1"),
        ("pom.xml", "<settings/>", "unreadable manifest: ValueError"),
        ("glide.yaml", "import: [\n", "invalid YAML at line 2"),
        ("setup.cfg", "no section header\n", "invalid INI at line 1"),
        ("App.csproj", "<Project>", "invalid XML at line 1"),
    ],
)
def test_malformed_manifest_is_recorded_and_others_still_parse(
    path: str, text: str, reason: str
) -> None:
    texts = {f"bad/{path}": text, "requirements.txt": "flask==3.0.0\n"}
    deps, errors = parse_manifests(texts, sorted(texts))
    assert errors == {f"bad/{path}": reason}
    assert [d.name for d in deps] == ["flask"]
    assert "dependencies" not in reason  # never the file's content


def test_unreadable_manifest_is_an_error() -> None:
    deps, errors = parse_manifests({}, ["package.json"])
    assert (deps, errors) == ([], {"package.json": "not readable as text"})


def test_dedupe_per_manifest() -> None:
    text = (
        '[project]\ndependencies = ["flask"]\n[project.optional-dependencies]\nweb = ["Flask>=3"]\n'
    )
    deps = parse("pyproject.toml", text)
    assert [(d.name, d.line) for d in deps] == [("flask", 2)]


def test_manifest_patterns() -> None:
    for path in ["requirements-dev.txt", "requirements/prod.txt", "Pipfile", "a/Api.csproj",
                 "build.gradle.kts", "GLIDE.YML", "mix.exs", "Directory.Build.props"]:  # fmt: skip
        assert is_manifest(path), path
    for path in ["poetry.lock", "package-lock.json", "go.sum", "notes.txt", "Gemfile.lock"]:
        assert not is_manifest(path), path
    assert "package.json" in MANIFEST_PATTERNS
    assert all(p == p.lower() for p in MANIFEST_PATTERNS)


def test_collector_reads_manifests_of_the_service_tree_only(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "services/api/requirements.txt": "prometheus-client==0.20.0\n",
            "services/api/node_modules/x/package.json": '{"dependencies": {"left-pad": "1"}}',
            "services/web/package.json": '{"dependencies": {"express": "4"}}',
            "services/api/bad/package.json": "{",
        },
    )
    facts = facts_for(repo, "services/api")
    assert [(d.name, d.manifest, d.line) for d in facts.dependencies] == [
        ("prometheus-client", "services/api/requirements.txt", 1)
    ]
    assert dict(facts.manifest_errors) == {
        "services/api/bad/package.json": "invalid JSON at line 1, column 2"
    }


def test_parser_for_odd_paths_like_posixpath() -> None:
    import fnmatch
    import posixpath

    from rung.collect import manifests as mf

    def reference(path: str) -> object:
        base = posixpath.basename(path).lower()
        for pattern, parser in mf._PARSERS:
            if fnmatch.fnmatchcase(base, pattern):
                return parser
        parent = posixpath.basename(posixpath.dirname(path)).lower()
        return mf._requirements if parent == "requirements" and base.endswith(".txt") else None

    paths = [
        "requirements/dev.txt", "a/Requirements/x.TXT", "a/requirements//x.txt",
        "requirements//x.txt", "/requirements/x.txt", "//x.txt", "/x.txt", "x.txt",
        "requirements/", "a/requirements.txt/b.txt", "Pipfile", "a//Package.JSON",
        "src/app.csproj", "a/b/requirements-dev.txt", "requirements/sub/x.txt", "req/x.txt",
        "a/build.gradle.kts", "mix.exs", "a/Directory.Build.props", "",
    ]  # fmt: skip
    for p in paths:
        assert mf._parser_for(p) is reference(p), p


def test_manifest_paths_are_the_manifests_in_order() -> None:
    """`manifest_paths` finds through the path index what `is_manifest` says of each path."""
    from rung.collect.manifests import manifest_paths
    from rung.collect.pathindex import PathIndex

    paths = (
        "README.md",
        "svc/requirements/base.txt",
        "svc/Requirements-dev.TXT",
        "notes.txt",
        "app/Package.json",
        "web/x.csproj",
        ".csproj",
        "requirements/sub/other.txt",
        "a/REQUIREMENTS/b.txt",
        "go.mod",
        "go.mod.bak",
        "build.gradle.kts",
    )
    assert manifest_paths(PathIndex(paths)) == tuple(p for p in paths if is_manifest(p))
