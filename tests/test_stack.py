"""Tech stack facts from real repositories (real manifests through the real collector)."""

from __future__ import annotations

import json
from pathlib import Path

from facts_helper import AS_OF, facts_for
from gitrepo import make_repo
from rung.catalog.entity import Service
from rung.collect.collector import collect_repository
from rung.collect.facts import Dependency, ServiceFacts
from rung.collect.stack import (
    DATASTORES,
    FRAMEWORKS,
    has_database_dependency,
    stack_facts,
)

COMPOSE = """services:
  app:
    build: .
    depends_on: [db, cache]
  db:
    image: "postgres:15-alpine"
  cache:
    image: docker.io/library/redis:7@sha256:abc
  search:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.11.0
  mq:
    image: bitnami/rabbitmq
  sqlserver:
    image: mcr.microsoft.com/mssql/server:2022-latest
  web:
    image: nginx:1.25
"""


def test_python_service(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "orders",
        {
            "requirements.txt": "Django==5.0\npsycopg2-binary==2.9\ncelery==5.3\nredis==5\n",
            "orders/models.py": "x = 1\n" * 100,
            "orders/static/app.js": "let a = 1;\n",
            "orders/static/vendor.min.js": "x" * 5000,
            "orders/api_pb2.py": "y" * 5000,
            "scripts/run.sh": "#!/bin/sh\n",
            "README.md": "# orders\n" * 50,
            "node_modules/lib/index.js": "z" * 9000,
        },
    )
    stack = stack_facts(facts_for(repo))
    assert stack["languages"] == {"Python": 600, "JavaScript": 11, "Shell": 10}
    assert stack["frameworks"] == ["Django"]
    assert stack["datastores"] == ["PostgreSQL", "Redis"]
    assert stack["infrastructure"] == []
    json.dumps(stack)  # plain JSON data


def test_languages_ordered_by_bytes() -> None:
    svc = Service(name="s", repo_path="/x", repo_name="x")
    facts = ServiceFacts(
        service=svc,
        files=("a.go", "b.ts", "c.tsx", "d.unknown"),
        sizes={"a.go": 10, "b.ts": 30, "c.tsx": 5, "d.unknown": 100},
    )
    assert list(stack_facts(facts)["languages"].items()) == [("TypeScript", 35), ("Go", 10)]


def test_jvm_service_with_compose_and_kubernetes(tmp_path: Path) -> None:
    pom = """<project><dependencies>
  <dependency><groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-web</artifactId></dependency>
  <dependency><groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-data-mongodb</artifactId></dependency>
  <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-clients</artifactId>
  </dependency>
</dependencies></project>
"""
    deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: carts\n"
    repo = make_repo(
        tmp_path / "carts",
        {
            "pom.xml": pom,
            "src/main/java/Carts.java": "class Carts {}\n",
            "docker-compose.yml": COMPOSE,
            "k8s/deployment.yaml": deploy,
            "infra/main.tf": 'resource "aws_s3_bucket" "b" {}\n',
        },
    )
    stack = stack_facts(facts_for(repo, name="carts"))
    assert stack["frameworks"] == ["Spring Boot"]
    assert stack["datastores"] == [
        "Elasticsearch",
        "Kafka",
        "MongoDB",
        "PostgreSQL",
        "RabbitMQ",
        "Redis",
        "SQL Server",
    ]
    assert stack["infrastructure"] == ["Kubernetes", "Terraform"]
    assert stack["languages"] == {"Java": 15}


def test_go_node_and_dotnet_services_in_a_monorepo(tmp_path: Path) -> None:
    gomod = """module example.com/api

go 1.22

require (
\tgithub.com/gin-gonic/gin v1.9.1
\tgithub.com/jackc/pgx/v5 v5.5.0
\tgithub.com/redis/go-redis/v9 v9.3.0
\tgithub.com/lib/pq v1.10.9 // indirect
)
"""
    package = {
        "dependencies": {"@nestjs/core": "^10", "mongoose": "^8", "kafkajs": "^2"},
        "devDependencies": {"typescript": "^5"},
    }
    csproj = '<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup>'
    csproj += '<PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="8" />'
    csproj += "</ItemGroup></Project>\n"
    repo = make_repo(
        tmp_path / "mono",
        {
            "api/go.mod": gomod,
            "api/main.go": "package main\n",
            "api/api.nomad.hcl": 'job "api" {}\n',
            "web/package.json": json.dumps(package),
            "web/src/main.ts": "export {}\n",
            "web/serverless.yml": "service: web\nprovider:\n  name: aws\n",
            "billing/Billing.csproj": csproj,
            "billing/Program.cs": "var x = 1;\n",
            "billing/taskdef.json": '{"family": "billing", "containerDefinitions": []}',
            "deploy/ansible.cfg": "[defaults]\n",
            "k8s/billing-deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
        },
    )
    services = [
        Service(name=n, repo_path=str(repo.path), repo_name="mono", root=n)
        for n in ("api", "web", "billing")
    ]
    api, web, billing = (
        stack_facts(f) for f in collect_repository(str(repo.path), services, AS_OF, live=False)
    )
    assert (api["frameworks"], api["datastores"]) == (["Gin"], ["PostgreSQL", "Redis"])
    assert api["infrastructure"] == ["Nomad"]
    assert (web["frameworks"], web["datastores"]) == (["NestJS"], ["Kafka", "MongoDB"])
    assert web["infrastructure"] == ["Lambda/serverless"]
    assert web["languages"] == {"TypeScript": 10}
    assert (billing["frameworks"], billing["datastores"]) == (["ASP.NET Core"], ["PostgreSQL"])
    # billing's own task definition, and a Kubernetes manifest named after it elsewhere
    assert billing["infrastructure"] == ["ECS", "Kubernetes"]


def test_helm_chart_dependencies_and_dockerfile_base(tmp_path: Path) -> None:
    chart = """apiVersion: v2
name: shop
dependencies:
  - name: postgresql
    version: 12.x
    repository: https://charts.bitnami.com/bitnami
  - name: memcached
    version: 6.x
"""
    repo = make_repo(
        tmp_path / "shop",
        {
            "chart/Chart.yaml": chart,
            "db/Dockerfile": "FROM --platform=linux/amd64 mysql:8 AS base\n",
            "playbooks/site.yml": "- hosts: all\n  tasks:\n    - ping:\n",
        },
    )
    stack = stack_facts(facts_for(repo))
    assert stack["datastores"] == ["Memcached", "MySQL", "PostgreSQL"]
    assert stack["infrastructure"] == ["Kubernetes", "VM/Ansible"]


def test_has_database_dependency(tmp_path: Path) -> None:
    db = make_repo(tmp_path / "db", {"requirements.txt": "sqlalchemy==2.0\n"})
    assert has_database_dependency(facts_for(db))
    cache = make_repo(tmp_path / "cache", {"package.json": '{"dependencies": {"ioredis": "5"}}'})
    facts = facts_for(cache)
    assert stack_facts(facts)["datastores"] == ["Redis"]
    assert not has_database_dependency(facts)
    compose = make_repo(tmp_path / "compose", {"compose.yaml": COMPOSE})
    assert has_database_dependency(facts_for(compose))
    none = make_repo(tmp_path / "none", {"main.py": "print(1)\n"})
    assert not has_database_dependency(facts_for(none))


def test_mapping_tables_by_ecosystem() -> None:
    svc = Service(name="s", repo_path="/x", repo_name="x")

    def stack(*deps: tuple[str, str]) -> dict[str, object]:
        return stack_facts(
            ServiceFacts(service=svc, dependencies=tuple(Dependency(n, e, "m") for e, n in deps))
        )

    s = stack(
        ("maven", "io.micronaut:micronaut-http-server-netty"),
        ("gradle", "io.ktor:ktor-server-core"),
        ("npm", "express"),
        ("npm", "@hapi/hapi"),
        ("rubygems", "rails"),
        ("composer", "laravel/framework"),
        ("hex", "phoenix"),
        ("cargo", "axum"),
        ("go", "github.com/labstack/echo/v4"),
        ("pypi", "fastapi"),
        # the same name in another ecosystem does not count
        ("npm", "django"),
    )
    assert s["frameworks"] == [
        "Axum",
        "Echo",
        "Express",
        "FastAPI",
        "Hapi",
        "Ktor",
        "Laravel",
        "Micronaut",
        "Phoenix",
        "Rails",
    ]
    s = stack(
        ("go", "github.com/go-redis/redis/v8"),
        ("nuget", "stackexchange.redis"),
        ("pypi", "pika"),
        ("maven", "software.amazon.awssdk:dynamodb-enhanced"),
        ("npm", "cassandra-driver"),
        ("gradle", "org.neo4j.driver:neo4j-java-driver"),
    )
    assert s["datastores"] == ["Cassandra", "DynamoDB", "Neo4j", "RabbitMQ", "Redis"]
    assert len(FRAMEWORKS) > 30 and len(DATASTORES) > 40


def test_matched_equals_matches() -> None:
    from rung.collect import stack
    from rung.collect.facts import Dependency

    names = [
        "Django", "flask", "express", "pg", "psycopg2-binary", "redis", "Spring-Boot-Starter-Web",
        "org.springframework.boot:spring-boot-starter-data-jpa", "mongoose", "sqlalchemy",
        "github.com/lib/pq", "gorm.io/gorm", "x", "",
    ]  # fmt: skip
    ecos = ["pypi", "npm", "maven", "gradle", "go", "rubygems", "cargo", "nuget", "other"]
    deps = [Dependency(n, e, "m") for n in names for e in ecos]
    for table, rules in stack._TABLES.items():
        assert stack._matched(deps, table) == stack.matches(deps, rules)
    assert stack._matched(deps, "datastores")  # the names do match something
