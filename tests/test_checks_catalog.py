"""catalog.py checks on real git repositories (the Service as the catalog loader builds it)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from facts_helper import facts_for
from gitrepo import Repo, make_repo
from rung.catalog.entity import Link, Service, ServiceSource
from rung.checks.base import CheckKind, Finding, Status
from rung.checks.builtin import catalog


def ev(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


DESCRIPTOR = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: carts
  annotations:
    pagerduty.com/service-id: P123
    grafana/dashboard-selector: "tags @> 'carts'"
    backstage.io/techdocs-ref: dir:.
    sentry.io/project-slug: carts
    codecov.io/repo: shop/carts
    rung.dev/cost-center: cc-42
  labels:
    costcenter: cc-42
  links:
    - url: https://grafana.example.com/d/carts
      title: Carts Dashboard
spec:
  type: service
  owner: team-carts
  lifecycle: production
"""


def described(
    repo: Repo,
    root: str = ".",
    *,
    annotations: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    links: tuple[Link, ...] = (),
    owner: str | None = None,
    lifecycle: str | None = None,
    descriptor: Mapping[str, Any] | None = None,
    path: str = "catalog-info.yaml",
    source: ServiceSource = ServiceSource.DESCRIPTOR,
) -> Service:
    return Service(
        name="carts",
        repo_path=str(repo.path),
        repo_name="shop",
        root=root,
        source=source,
        owner=owner,
        lifecycle=lifecycle,
        annotations=dict(annotations or {}),
        labels=dict(labels or {}),
        links=links,
        descriptor_path=path,
        descriptor=dict(descriptor or {}),
    )


def full(repo: Repo) -> Service:
    return described(
        repo,
        annotations={
            "pagerduty.com/service-id": "P123",
            "grafana/dashboard-selector": "tags @> 'carts'",
            "backstage.io/techdocs-ref": "dir:.",
            "sentry.io/project-slug": "carts",
            "codecov.io/repo": "shop/carts",
            "rung.dev/cost-center": "cc-42",
        },
        labels={"costcenter": "cc-42"},
        owner="group:default/team-carts",
        lifecycle="production",
        descriptor={"spec": {"owner": "team-carts", "lifecycle": "production"}},
    )


ALL = [
    ("catalog_oncall", [("catalog-info.yaml", 6)]),
    ("catalog_dashboard", [("catalog-info.yaml", 7)]),
    ("catalog_docs", [("catalog-info.yaml", 8)]),
    ("catalog_error_tracking", [("catalog-info.yaml", 9)]),
    ("catalog_code_quality", [("catalog-info.yaml", 10)]),
    ("catalog_cost_center", [("catalog-info.yaml", 11), ("catalog-info.yaml", 13)]),
    ("catalog_lifecycle", [("catalog-info.yaml", 20)]),
    ("catalog_owner", [("catalog-info.yaml", 19)]),
    ("catalog_descriptor", [("catalog-info.yaml", 2)]),
]


@pytest.mark.parametrize(("func", "expected"), ALL)
def test_catalog_pass(tmp_path: Path, func: str, expected: list[tuple[str, int]]) -> None:
    r = make_repo(tmp_path / "r", {"catalog-info.yaml": DESCRIPTOR})
    f = getattr(catalog, func)(facts_for(r, service=full(r)))
    assert f.status is Status.PASS, f
    assert ev(f) == expected


@pytest.mark.parametrize(("func", "expected"), ALL)
def test_catalog_fail_without_descriptor(tmp_path: Path, func: str, expected: object) -> None:
    r = make_repo(tmp_path / "r", {"main.go": "", "node_modules/x/catalog-info.yaml": DESCRIPTOR})
    f = getattr(catalog, func)(facts_for(r, name="carts"))
    assert f.status is Status.FAIL
    assert "no catalog descriptor" in f.message


@pytest.mark.parametrize(("func", "expected"), ALL[:7])
def test_catalog_fail_with_bare_descriptor(tmp_path: Path, func: str, expected: object) -> None:
    bare = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: carts\n"
    r = make_repo(tmp_path / "r", {"catalog-info.yaml": bare})
    f = getattr(catalog, func)(facts_for(r, service=described(r, annotations={"x/y": "1"})))
    assert f.status is Status.FAIL and f.evidence == ()
    assert "no catalog descriptor" not in f.message


def test_catalog_checks_are_catalog_kind() -> None:
    assert {c.kind for c in catalog.CHECKS} == {CheckKind.CATALOG}
    assert len({c.id for c in catalog.CHECKS}) == 9


def test_links_and_empty_annotations(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"catalog-info.yaml": DESCRIPTOR})
    svc = described(
        r,
        annotations={"pagerduty.com/service-id": " "},
        links=(
            Link("https://grafana.example.com/d/carts", "Carts Dashboard"),
            Link("https://docs.example.com/carts", "Handbook", "docs"),
        ),
    )
    facts = facts_for(r, service=svc)
    assert ev(catalog.catalog_dashboard(facts)) == [("catalog-info.yaml", 15)]
    assert ev(catalog.catalog_docs(facts)) == [("catalog-info.yaml", None)]
    assert catalog.catalog_oncall(facts).status is Status.FAIL


def test_central_catalog_descriptor(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"svc/main.go": ""})
    svc = described(
        r, "svc", path="/etc/catalog.yaml", source=ServiceSource.CENTRAL, owner="group:default/x"
    )
    facts = facts_for(r, service=svc)
    assert ev(catalog.catalog_descriptor(facts)) == [("/etc/catalog.yaml", None)]
    assert ev(catalog.catalog_owner(facts)) == [("/etc/catalog.yaml", None)]


def test_inferred_service_with_path_is_not_a_descriptor(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"main.go": ""})
    svc = described(r, source=ServiceSource.INFERRED, owner="x")
    f = catalog.catalog_descriptor(facts_for(r, service=svc))
    assert f.status is Status.FAIL


# ----- cost center on workloads -----------------------------------------------------------------

WORKLOAD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: carts
spec:
  template:
    metadata:
      labels:
        example.com/cost-center: cc-7
"""


def test_cost_center_workload_label(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"carts/main.go": "", "deploy/carts.yaml": WORKLOAD})
    f = catalog.catalog_cost_center(facts_for(r, "carts", "carts"))
    assert f.status is Status.PASS and ev(f) == [("deploy/carts.yaml", 9)]
    assert catalog.catalog_cost_center(facts_for(r, "orders", "orders")).status is Status.FAIL


# ----- owner through CODEOWNERS -------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "root", "line"),
    [
        ("* @all\n", "services/carts", 1),
        ("* @all\n", ".", 1),
        ("# owners\n/services/carts/ @carts\n", "services/carts", 2),
        ("services/ @svc\n", "services/carts", 1),
        ("carts/ @c\n", "services/carts", 1),
        ("/services/** @s\n", "services/carts", 1),
        ("**/carts @c\n", "services/carts", 1),
        ("* @all\n/services/carts/docs/ @docs\n", "services/carts", 1),
        ("/services/Carts @c\n* @all\n", "services/carts", 2),
    ],
)
def test_owner_codeowners_covers(tmp_path: Path, rules: str, root: str, line: int) -> None:
    r = make_repo(tmp_path / "r", {".github/CODEOWNERS": rules, "services/carts/main.go": ""})
    f = catalog.catalog_owner(facts_for(r, root))
    assert f.status is Status.PASS and ev(f) == [(".github/CODEOWNERS", line)]


@pytest.mark.parametrize(
    ("rules", "root"),
    [
        ("*.go @go\n", "services/carts"),
        ("/services/* @s\n", "services/carts"),
        ("/services/orders/ @o\n", "services/carts"),
        ("* @all\n/services/carts/\n", "services/carts"),
        ("/services/ @s\n", "."),
        ("/docs/ @d\n", "services/carts"),
    ],
)
def test_owner_codeowners_not_covering(tmp_path: Path, rules: str, root: str) -> None:
    r = make_repo(tmp_path / "r", {"CODEOWNERS": rules, "services/carts/main.go": ""})
    f = catalog.catalog_owner(facts_for(r, root))
    assert f.status is Status.FAIL and "CODEOWNERS" in f.message


def test_owner_github_location_wins(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"CODEOWNERS": "* @root\n", ".github/CODEOWNERS": "/other/ @o\n", "a/main.go": ""},
    )
    assert catalog.catalog_owner(facts_for(r, "a")).status is Status.FAIL
