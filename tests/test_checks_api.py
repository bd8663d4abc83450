"""api.spec on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import Evidence, Finding, Status
from rung.checks.builtin.api import api_spec
from rung.checks.runner import run_check


def run(tmp_path: Path, files: dict[str, str], root: str = ".") -> Finding:
    repo = make_repo(tmp_path / "repo", {"README.md": "# svc\n", **files})
    return run_check(api_spec, facts_for(repo, root))


OPENAPI = "# API of carts\nopenapi: 3.0.3\ninfo:\n  title: carts\npaths: {}\n"
SWAGGER_JSON = '{\n  "info": {"title": "x"},\n  "swagger": "2.0",\n  "paths": {}\n}\n'
HELM = "{{- if .Values.api }}\nopenapi: '3.1.0'\ninfo:\n  title: {{ .Values.name }}\n{{- end }}\n"
ASYNCAPI = "asyncapi: 2.6.0\ninfo:\n  title: events\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"api/openapi.yaml": OPENAPI}, Evidence("api/openapi.yaml", 2, "OpenAPI document")),
        ({"docs/api.json": SWAGGER_JSON}, Evidence("docs/api.json", 3, "Swagger document")),
        (
            {"chart/templates/spec.yml": HELM},
            Evidence("chart/templates/spec.yml", 2, "OpenAPI document"),
        ),
        (
            {"events/asyncapi.yml": ASYNCAPI},
            Evidence("events/asyncapi.yml", 1, "AsyncAPI document"),
        ),
        (
            {"proto/carts.proto": 'syntax = "proto3";\n'},
            Evidence("proto/carts.proto", None, "Protocol Buffers"),
        ),
        (
            {"schema.graphql": "type Query { a: Int }\n"},
            Evidence("schema.graphql", None, "GraphQL schema"),
        ),
        ({"src/q.gql": "query { a }\n"}, Evidence("src/q.gql", None, "GraphQL schema")),
        (
            {"src/main/resources/schema.graphqls": "type A\n"},
            Evidence("src/main/resources/schema.graphqls", None, "GraphQL schema"),
        ),
        (
            {"avro/Order.avsc": '{"type": "record"}\n'},
            Evidence("avro/Order.avsc", None, "Avro schema"),
        ),
    ],
)
def test_api_spec_passes(tmp_path: Path, files: dict[str, str], expected: Evidence) -> None:
    f = run(tmp_path, files)
    assert f.status is Status.PASS
    assert f.evidence == (expected,)


@pytest.mark.parametrize(
    "files",
    [
        {"values.yaml": "swagger:\n  enabled: true\n"},  # a setting, not a document
        {"config.yml": "docs:\n  openapi: 3.0.0\n"},  # not top level
        {"package.json": '{"dependencies": {"swagger": "0.7.5"}}\n'},
        {"broken.json": '{"openapi": "3.0.0",\n'},  # unparseable JSON
        {"README.md": "openapi: 3.0.0\n"},
    ],
)
def test_api_spec_fails(tmp_path: Path, files: dict[str, str]) -> None:
    f = run(tmp_path, files)
    assert f.status is Status.FAIL
    assert f.evidence == ()


def test_api_spec_only_in_the_service_tree(tmp_path: Path) -> None:
    files = {"carts/app.py": "x\n", "orders/api.proto": "syntax = 'proto3';\n"}
    assert run(tmp_path, files, root="carts").status is Status.FAIL
    f = run(tmp_path / "b", files, root="orders")
    assert f.evidence == (Evidence("orders/api.proto", None, "Protocol Buffers"),)
