"""deploy.py checks on real git repositories."""

from __future__ import annotations

from pathlib import Path

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import Finding, Status
from rung.checks.builtin import deploy


def ev(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  template:
    spec:
      containers:
        - name: app
          image: x
{probe}"""

PROBE = """          readinessProbe:
            httpGet: {path: /health, port: 80}
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: carts
"""


def test_k8s_in_service_tree(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"k8s/app.yml": SERVICE + "---\n" + DEPLOYMENT.format(name="carts", probe="")},
    )
    f = deploy.deploy_k8s(facts_for(r, name="carts"))
    assert f.status is Status.PASS
    assert ev(f) == [("k8s/app.yml", 7)]


def test_k8s_elsewhere_by_stem_and_by_metadata_name(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            "carts/main.go": "",
            "orders/main.go": "",
            "deploy/carts-deployment.yaml": DEPLOYMENT.format(name="cartsd", probe=""),
            "deploy/all.yaml": DEPLOYMENT.format(name="orders", probe="")
            + "---\n"
            + DEPLOYMENT.format(name="Carts", probe=PROBE),
        },
    )
    facts = facts_for(r, "carts", "carts")
    f = deploy.deploy_k8s(facts)
    assert f.status is Status.PASS
    assert sorted(ev(f)) == [("deploy/all.yaml", 13), ("deploy/carts-deployment.yaml", 2)]
    p = deploy.deploy_probes(facts)
    assert p.status is Status.PASS and ev(p) == [("deploy/all.yaml", 22)]
    # orders only has the unprobed document of all.yaml
    po = deploy.deploy_probes(facts_for(r, "orders", "orders"))
    assert po.status is Status.FAIL


def test_k8s_fail_service_kind_only_and_other_names(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            "carts/main.go": "",
            "carts/k8s/svc.yaml": SERVICE,
            "deploy/orders.yaml": DEPLOYMENT.format(name="orders", probe=""),
            "node_modules/x/deployment.yaml": DEPLOYMENT.format(name="carts", probe=""),
        },
    )
    facts = facts_for(r, "carts", "carts")
    assert deploy.deploy_k8s(facts).status is Status.FAIL
    assert deploy.deploy_probes(facts).status is Status.NOT_APPLICABLE


HELM_TEMPLATE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "carts.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: app
          {{- with .Values.probes }}
          livenessProbe:
            {{- toYaml . | nindent 12 }}
          {{- end }}
"""


def test_helm_chart_and_template_probes(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            "chart/Chart.yaml": "apiVersion: v2\nname: carts\n",
            "chart/templates/deployment.yaml": HELM_TEMPLATE,
            "chart/values.yaml": "replicas: 1\n",
        },
    )
    facts = facts_for(r, name="carts")
    f = deploy.deploy_k8s(facts)
    assert f.status is Status.PASS
    assert ev(f) == [("chart/templates/deployment.yaml", 2), ("chart/Chart.yaml", None)]
    p = deploy.deploy_probes(facts)
    assert p.status is Status.PASS and ev(p) == [("chart/templates/deployment.yaml", 11)]


def test_helm_values_probe_for_chart_named_after_service(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            "src/carts/main.go": "",
            "charts/carts/Chart.yaml": "apiVersion: v2\nname: carts\n",
            "charts/carts/values.yaml": "probes:\n  readinessProbe:\n    httpGet: {}\n",
        },
    )
    facts = facts_for(r, "src/carts", "carts")
    assert ev(deploy.deploy_k8s(facts)) == [("charts/carts/Chart.yaml", None)]
    assert ev(deploy.deploy_probes(facts)) == [("charts/carts/values.yaml", 2)]


def test_kustomization_without_probes_fails(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            "deploy/base/Kustomization.YML": "resources: [d.yaml]\n",
            "deploy/base/d.yaml": DEPLOYMENT.format(name="svc", probe=""),
        },
    )
    facts = facts_for(r)
    assert deploy.deploy_k8s(facts).status is Status.PASS
    p = deploy.deploy_probes(facts)
    assert p.status is Status.FAIL and p.evidence == ()


ROLLOUT = """apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: carts
"""

CANARY = """apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: podinfo-canary
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: carts
"""


def test_progressive_rollout(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"k8s/rollout.yaml": ROLLOUT})
    f = deploy.deploy_progressive(facts_for(r, name="carts"))
    assert f.status is Status.PASS and ev(f) == [("k8s/rollout.yaml", 2)]
    # a Rollout is a workload too
    assert ev(deploy.deploy_k8s(facts_for(r, name="carts"))) == [("k8s/rollout.yaml", 2)]


def test_progressive_flagger_canary_targeting_service(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"carts/main.go": "", "gitops/canaries.yaml": CANARY})
    f = deploy.deploy_progressive(facts_for(r, "carts", "carts"))
    assert f.status is Status.PASS and ev(f) == [("gitops/canaries.yaml", 2)]
    assert deploy.deploy_progressive(facts_for(r, "orders", "orders")).status is Status.FAIL


def test_progressive_spinnaker(tmp_path: Path) -> None:
    pipeline = '{"application": "carts", "name": "deploy", "stages": []}'
    r = make_repo(tmp_path / "r", {"ci/deploy.json": pipeline})
    assert ev(deploy.deploy_progressive(facts_for(r))) == [("ci/deploy.json", None)]
    r2 = make_repo(tmp_path / "r2", {"spinnaker/pipeline.yml": "x: 1\n"})
    assert ev(deploy.deploy_progressive(facts_for(r2))) == [("spinnaker/pipeline.yml", None)]


def test_progressive_fail(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"k8s/d.yaml": DEPLOYMENT.format(name="svc", probe=PROBE)})
    f = deploy.deploy_progressive(facts_for(r))
    assert f.status is Status.FAIL and f.evidence == ()


def test_invalid_yaml_never_raises(tmp_path: Path) -> None:
    bomb = (
        "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\n"
        "apiVersion: v1\nkind: Deployment\n"
    )
    r = make_repo(
        tmp_path / "r",
        {"k8s/bad.yaml": "apiVersion: v1\nkind: Deployment\n: : :\n", "k8s/b.yaml": bomb},
    )
    facts = facts_for(r)
    assert ev(deploy.deploy_k8s(facts)) == [("k8s/b.yaml", 5), ("k8s/bad.yaml", 2)]
    assert deploy.deploy_probes(facts).status is Status.FAIL
