"""User-defined (YAML) checks: file_exists, file_regex, dependency, catalog_field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from facts_helper import facts_for
from gitrepo import Repo, make_repo
from rung.catalog.entity import Service
from rung.checks.base import CheckKind, Evidence, Finding, Status
from rung.checks.custom import custom_checks, glob_to_regex, resolve_field
from rung.checks.registry import Registry
from rung.checks.runner import run_check
from rung.collect.facts import ServiceFacts
from rung.errors import ConfigError
from rung.model.schema import CustomCheck

FILES = {
    "README.md": "# svc\n",
    "Makefile": "test:\n\tpytest\n",
    "carts/Makefile": "build:\n\tgo build\n",
    "carts/docs/SLO.md": "# SLO\n\nAvailability: 99.9%\n",
    "carts/deploy/values-prod.yaml": "replicas: 3\nresources:\n  limits: {}\n",
    "carts/go.mod": "module carts\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n)\n",
    "carts/blob.bin": b"\x00\x01binary",
}


def spec(**kw: Any) -> CustomCheck:
    return CustomCheck.model_validate({"id": "acme.check", **kw})


def run_one(facts: ServiceFacts, **kw: Any) -> Finding:
    (s,) = custom_checks([spec(**kw)])
    return run_check(s, facts)


@pytest.fixture(scope="module")
def carts(tmp_path_factory: pytest.TempPathFactory) -> ServiceFacts:
    repo = make_repo(tmp_path_factory.mktemp("c") / "repo", FILES)  # type: ignore[arg-type]
    return facts_for(repo, "carts", "carts")


# ----- file_exists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "paths"),
    [
        ("Makefile", ["carts/Makefile"]),  # service-relative: the service root's Makefile
        ("makefile", ["carts/Makefile"]),  # case-insensitive
        ("docs/slo.md", ["carts/docs/SLO.md"]),
        ("**/*.md", ["carts/docs/SLO.md"]),
        ("deploy/values-*.y*ml", ["carts/deploy/values-prod.yaml"]),
        (
            "**",
            [
                "carts/Makefile",
                "carts/blob.bin",
                "carts/deploy/values-prod.yaml",
                "carts/docs/SLO.md",
                "carts/go.mod",
            ],
        ),
    ],
)
def test_file_exists_passes(carts: ServiceFacts, glob: str, paths: list[str]) -> None:
    f = run_one(carts, type="file_exists", glob=glob)
    assert f.status is Status.PASS
    assert [e.path for e in f.evidence] == paths
    assert all(e.line is None for e in f.evidence)


@pytest.mark.parametrize("glob", ["*.md", "README.md", "docs/*.txt", "SLO.md"])
def test_file_exists_fails(carts: ServiceFacts, glob: str) -> None:
    f = run_one(carts, type="file_exists", glob=glob)
    assert f.status is Status.FAIL
    assert f.evidence == ()
    assert glob in f.message


# ----- file_regex --------------------------------------------------------------------------------


def test_file_regex_passes_with_line(carts: ServiceFacts) -> None:
    f = run_one(carts, type="file_regex", glob="**/*.md", pattern=r"Availability: \d+")
    assert f.status is Status.PASS
    assert f.evidence == (Evidence("carts/docs/SLO.md", 3, r"matches /Availability: \d+/"),)


def test_file_regex_multiline_anchor(carts: ServiceFacts) -> None:
    f = run_one(carts, type="file_regex", glob="deploy/*.yaml", pattern=r"^resources:")
    assert [(e.path, e.line) for e in f.evidence] == [("carts/deploy/values-prod.yaml", 2)]


def test_file_regex_fails_when_no_file_contains_it(carts: ServiceFacts) -> None:
    f = run_one(carts, type="file_regex", glob="**/*.md", pattern="Latency")
    assert f.status is Status.FAIL
    assert f.evidence == ()


def test_file_regex_fails_when_no_file_matches_the_glob(carts: ServiceFacts) -> None:
    f = run_one(carts, type="file_regex", glob="*.toml", pattern="x")
    assert f.status is Status.FAIL


def test_file_regex_unknown_when_candidates_are_unreadable(carts: ServiceFacts) -> None:
    f = run_one(carts, type="file_regex", glob="*.bin", pattern="x")
    assert f.status is Status.UNKNOWN
    assert "binary" in f.message


# ----- dependency --------------------------------------------------------------------------------


def test_dependency_passes_with_manifest_line(carts: ServiceFacts) -> None:
    f = run_one(carts, type="dependency", name="GitHub.com/Gin-Gonic/Gin")
    assert f.status is Status.PASS
    assert [(e.path, e.line) for e in f.evidence] == [("carts/go.mod", 6)]


def test_dependency_ecosystem_filter(carts: ServiceFacts) -> None:
    ok = run_one(carts, type="dependency", name="github.com/gin-gonic/gin", ecosystem="go")
    assert ok.status is Status.PASS
    other = run_one(carts, type="dependency", name="github.com/gin-gonic/gin", ecosystem="npm")
    assert other.status is Status.FAIL


def test_dependency_fails(carts: ServiceFacts) -> None:
    f = run_one(carts, type="dependency", name="github.com/gin-gonic")  # exact names only
    assert f.status is Status.FAIL
    assert f.evidence == ()


# ----- catalog_field -----------------------------------------------------------------------------

DESCRIPTOR = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: carts
  annotations:
    rung.dev/tier: gold
    rung.dev/critical-path: "true"
spec:
  type: service
  lifecycle: production
  owner: team-checkout
"""


@pytest.fixture(scope="module")
def described(tmp_path_factory: pytest.TempPathFactory) -> ServiceFacts:
    repo = Repo(tmp_path_factory.mktemp("d") / "repo")
    repo.commit({"catalog-info.yaml": DESCRIPTOR, "main.go": "package main\n"})
    svc = Service(
        name="carts",
        repo_path=str(repo.path),
        repo_name="repo",
        descriptor_path="catalog-info.yaml",
        descriptor=yaml.safe_load(DESCRIPTOR),
    )
    return facts_for(repo, service=svc)


@pytest.mark.parametrize(
    ("field", "equals", "line"),
    [
        ("spec.lifecycle", None, 10),
        ("spec.lifecycle", "production", 10),
        ('metadata.annotations["rung.dev/tier"]', "gold", 6),
        ("metadata.annotations['rung.dev/critical-path']", "true", 7),
        ("metadata.annotations.rung.dev/tier", None, 6),
        ("spec.owner", "team-checkout", 11),
    ],
)
def test_catalog_field_passes(
    described: ServiceFacts, field: str, equals: str | None, line: int
) -> None:
    f = run_one(described, type="catalog_field", field=field, equals=equals)
    assert f.status is Status.PASS
    assert [(e.path, e.line) for e in f.evidence] == [("catalog-info.yaml", line)]


@pytest.mark.parametrize(
    ("field", "equals"),
    [
        ("spec.lifecycle", "experimental"),
        ("spec.system", None),
        ('metadata.annotations["rung.dev/cost-center"]', None),
        ("metadata.annotations.rung", None),
    ],
)
def test_catalog_field_fails(described: ServiceFacts, field: str, equals: str | None) -> None:
    f = run_one(described, type="catalog_field", field=field, equals=equals)
    assert f.status is Status.FAIL
    assert f.evidence == ()


def test_catalog_field_fails_without_descriptor(tmp_path: Path) -> None:
    facts = facts_for(make_repo(tmp_path / "r", {"main.go": "package main\n"}))
    f = run_one(facts, type="catalog_field", field="spec.lifecycle")
    assert f.status is Status.FAIL
    assert "no catalog descriptor" in f.message


def test_booleans_compare_as_yaml_strings() -> None:
    assert resolve_field({"spec": {"x": [True]}}, "spec.x[0]") is True
    (s,) = custom_checks([spec(type="catalog_field", field="spec.x", equals="true")])
    svc = Service(
        name="a", repo_path="/nonexistent", repo_name="a", descriptor={"spec": {"x": True}}
    )
    f = run_check(s, ServiceFacts(service=svc))
    assert f.status is Status.PASS


# ----- specs and registry ------------------------------------------------------------------------


def test_specs_have_kinds_ids_and_summaries() -> None:
    specs = custom_checks(
        [
            CustomCheck(id="acme.slo", type="file_exists", glob="docs/SLO.md"),
            CustomCheck(id="acme.tier", type="catalog_field", field="spec.tier", summary="Tiered"),
        ]
    )
    assert [(s.id, s.kind) for s in specs] == [
        ("acme.slo", CheckKind.STATIC),
        ("acme.tier", CheckKind.CATALOG),
    ]
    assert specs[0].summary == "a file matches docs/SLO.md"
    assert specs[1].summary == "Tiered"


def test_duplicate_of_a_builtin_id_is_an_error() -> None:
    (s,) = custom_checks([CustomCheck(id="readme.present", type="file_exists", glob="x")])
    base = Registry({"readme.present": s})
    with pytest.raises(ConfigError):
        base.with_checks([s])


@pytest.mark.parametrize(
    ("glob", "path", "ok"),
    [
        ("**/Dockerfile", "Dockerfile", True),
        ("**/Dockerfile", "a/b/dockerfile", True),
        ("*.md", "docs/a.md", False),
        ("docs/**", "docs/a/b.md", True),
        ("src/[!t]*.py", "src/t.py", False),
        ("a?c", "a/c", False),
    ],
)
def test_glob(glob: str, path: str, ok: bool) -> None:
    assert bool(glob_to_regex(glob).fullmatch(path)) is ok
