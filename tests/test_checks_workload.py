"""deploy.resources on real git repositories."""

from __future__ import annotations

from pathlib import Path

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import Status
from rung.checks.builtin.workload import deploy_resources

WORKLOAD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: carts
spec:
  template:
    spec:
      containers:
        - name: app
          image: x
{resources}"""

RESOURCES = """          resources:
            requests:
              cpu: 100m
              memory: 128Mi
"""


def test_pass_with_requests(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"k8s/deploy.yaml": WORKLOAD.format(resources=RESOURCES)})
    f = deploy_resources(facts_for(repo, name="carts"))
    assert f.status is Status.PASS
    assert [(e.path, e.line) for e in f.evidence] == [("k8s/deploy.yaml", 12)]


def test_fail_without_requests_and_empty_resources(tmp_path: Path) -> None:
    empty = "          resources: {}\n"
    repo = make_repo(
        tmp_path / "r",
        {
            "k8s/a.yaml": WORKLOAD.format(resources=""),
            "k8s/b.yaml": WORKLOAD.format(resources=empty),
        },
    )
    f = deploy_resources(facts_for(repo, name="carts"))
    assert f.status is Status.FAIL
    assert "no CPU or memory" in f.message


def test_helm_values_and_not_applicable(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r",
        {
            "chart/Chart.yaml": "apiVersion: v2\nname: carts\nversion: 1.0.0\n",
            "chart/values.yaml": "image: x\nresources:\n  limits:\n    memory: 1Gi\n",
        },
    )
    f = deploy_resources(facts_for(repo, name="carts"))
    assert f.status is Status.PASS
    assert [(e.path, e.line) for e in f.evidence] == [("chart/values.yaml", 3)]
    plain = make_repo(tmp_path / "p", {"main.go": "package main\n"})
    assert deploy_resources(facts_for(plain)).status is Status.NOT_APPLICABLE
