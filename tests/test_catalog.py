"""Catalog discovery on real git repositories: descriptors, Locations, inference, central."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitrepo import make_repo
from rung.catalog.backstage import entity_ref
from rung.catalog.discover import Discovery, discover, find_repositories
from rung.catalog.entity import Link, Service, ServiceSource
from rung.catalog.urls import strip_credentials
from rung.catalog.yamldocs import load_documents
from rung.errors import ConfigError

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  template:
    spec:
      containers: [{{name: app, image: x}}]
"""


def component(name: str, *, annotations: str = "", spec: str = "") -> str:
    text = f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n"
    if annotations:
        text += "  annotations:\n" + "".join(f"    {a}\n" for a in annotations.splitlines())
    text += "spec:\n  type: service\n" + "".join(f"  {s}\n" for s in spec.splitlines())
    return text


def only(discovery: Discovery, name: str) -> Service:
    (svc,) = [s for s in discovery.services if s.name == name]
    return svc


def names_roots(discovery: Discovery) -> list[tuple[str, str]]:
    return [(s.name, s.root) for s in discovery.services]


# --- inference -----------------------------------------------------------------------


def test_single_repository_inferred(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "carts",
        {"README.md": "# carts\n", "pom.xml": "<project/>", "Dockerfile": "FROM x\n"},
    )
    found = discover([str(repo.path)])
    assert found.repositories == (str(repo.path),)
    assert found.warnings == ()
    (svc,) = found.services
    assert svc == Service(
        name="carts", repo_path=str(repo.path), repo_name="carts", root=".", repo_url=None
    )
    assert svc.source is ServiceSource.INFERRED and svc.owner is None
    assert found.by_repository() == {str(repo.path): [svc]}


def test_monorepo_three_services_docs_ignored_nested_not_double_counted(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "shop",
        {
            "README.md": "# shop\n",
            "services/carts/Dockerfile": "FROM node\n",
            "services/carts/src/package.json": "{}",  # inside carts: not another service
            "services/orders/package.json": "{}",
            "services/payment/k8s/deployment.yaml": DEPLOYMENT.format(name="payment"),
            "services/payment/main.go": "package main\n",
            "docs/examples/Dockerfile": "FROM x\n",  # docs: ignored
            "examples/demo/package.json": "{}",  # examples: ignored
            ".github/actions/x/Dockerfile": "FROM x\n",  # hidden folder: ignored
            "node_modules/left-pad/package.json": "{}",  # vendored
            "deploy/k8s/all.yaml": DEPLOYMENT.format(name="everything"),  # repo level
        },
    )
    found = discover([str(repo.path)])
    assert names_roots(found) == [
        ("carts", "services/carts"),
        ("orders", "services/orders"),
        ("payment", "services/payment"),
    ]
    assert {s.source for s in found.services} == {ServiceSource.INFERRED}
    assert found.warnings == ()


def test_monorepo_colliding_folder_names_are_prefixed(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "mono",
        {"a/carts/Dockerfile": "FROM x\n", "b/carts/Dockerfile": "FROM x\n", "web/go.mod": "m"},
    )
    found = discover([str(repo.path)])
    assert names_roots(found) == [("a-carts", "a/carts"), ("b-carts", "b/carts"), ("web", "web")]


def test_multi_module_library_build_is_one_service(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "commons",
        {"pom.xml": "<project/>", "core/pom.xml": "<project/>", "io/pom.xml": "<project/>"},
    )
    assert names_roots(discover([str(repo.path)])) == [("commons", ".")]


def test_multi_module_build_with_deployable_modules(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "platform",
        {
            "pom.xml": "<project/>",
            "common/pom.xml": "<project/>",  # library module: part of no service
            "carts/pom.xml": "<project/>",
            "carts/Dockerfile": "FROM x\n",
            "orders/pom.xml": "<project/>",
            "orders/src/main/k8s/orders.yaml": DEPLOYMENT.format(name="orders"),
        },
    )
    assert names_roots(discover([str(repo.path)])) == [("carts", "carts"), ("orders", "orders")]


# --- descriptors ----------------------------------------------------------------------


def test_multi_document_descriptor_with_two_components(tmp_path: Path) -> None:
    text = (
        component("carts", spec="owner: group:default/team-checkout\nlifecycle: production")
        + "---\n"
        + "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: carts-api}\n"
        + "---\n"
        + component(
            "carts-worker",
            annotations="rung.dev/service-root: worker",
            spec="owner: user:default/jane\nsystem: shop\n"
            "dependsOn: [component:default/carts, resource:default/db, component:ops/x]\n"
            "providesApis: [api:default/carts-api]\nconsumesApis: [payments]",
        )
    )
    repo = make_repo(
        tmp_path / "carts",
        {"catalog-info.yaml": text, "worker/main.py": "", "a/Dockerfile": "", "b/Dockerfile": ""},
    )
    found = discover([str(repo.path)])
    assert names_roots(found) == [("carts", "."), ("carts-worker", "worker")]
    carts, worker = found.services
    assert carts.owner == "team-checkout" and carts.lifecycle == "production"
    assert carts.source is ServiceSource.DESCRIPTOR
    assert carts.descriptor_path == "catalog-info.yaml"
    assert carts.descriptor["metadata"] == {"name": "carts"}
    assert worker.owner == "user:jane" and worker.system == "shop"
    assert worker.depends_on == ("carts", "resource:db", "ops/x")
    assert worker.provides_apis == ("carts-api",) and worker.consumes_apis == ("payments",)
    assert found.warnings == ()


def test_annotations_metadata_and_rung_fields(tmp_path: Path) -> None:
    text = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
  tags: [java, pci]
  labels: {cost-center: "42"}
  links:
    - {url: "https://u:secret@grafana.example.com/d/1", title: Dashboard, type: dashboard}
  annotations:
    rung.dev/critical-path: "TRUE"
    rung.dev/required-level: "3"
    rung.dev/required-level-reason: handles money
    rung.dev/profile: fintech
    rung.dev/health-url: https://payments.example.com/health
    rung.dev/metrics-url: https://payments.example.com/metrics
    pagerduty.com/service-id: 42
    flag: true
spec: {owner: team-pay, type: service, lifecycle: production}
"""
    repo = make_repo(tmp_path / "payments", {"svc/catalog-info.yml": text})
    found = discover([str(repo.path)])
    svc = only(found, "payments")
    assert svc.root == "svc" and svc.descriptor_path == "svc/catalog-info.yml"
    assert svc.critical_path is True
    assert svc.required_level_pin == 3 and svc.required_level_reason == "handles money"
    assert svc.profile == "fintech"
    assert svc.health_url == "https://payments.example.com/health"
    assert svc.metrics_url == "https://payments.example.com/metrics"
    assert svc.annotations["pagerduty.com/service-id"] == "42"
    assert svc.annotations["flag"] == "true"
    assert svc.tags == ("java", "pci") and svc.labels == {"cost-center": "42"}
    assert svc.links == (Link("https://grafana.example.com/d/1", "Dashboard", "dashboard"),)
    assert svc.owner == "team-pay" and svc.type == "service"
    assert found.warnings == ()


def test_bad_rung_annotations_warn_and_leave_fields_unset(tmp_path: Path) -> None:
    text = component(
        "api",
        annotations='rung.dev/critical-path: "maybe"\nrung.dev/required-level: "12"',
    )
    repo = make_repo(tmp_path / "api", {"catalog-info.yaml": text})
    found = discover([str(repo.path)])
    svc = only(found, "api")
    assert svc.critical_path is None and svc.required_level_pin is None
    path = os.path.join(repo.path, "catalog-info.yaml")
    assert found.warnings == (
        f"{path}:6: annotation rung.dev/critical-path: expected 'true' or 'false', got 'maybe'",
        f"{path}:7: annotation rung.dev/required-level: expected a level 0..9, got '12'",
    )


def test_malformed_descriptor_warns_with_file_and_line_and_scan_continues(tmp_path: Path) -> None:
    broken = "kind: Component\nmetadata:\n  name: [unclosed\n---\n" + component("good")
    repo = make_repo(
        tmp_path / "svc",
        {
            "catalog-info.yaml": broken,
            "other/catalog-info.yaml": "kind: Component\nmetadata: {title: no name}\n",
            "list/catalog-info.yaml": "- just\n- a list\n",
        },
    )
    healthy = make_repo(tmp_path / "healthy", {"go.mod": "module x\n"})
    found = discover([str(tmp_path)])
    assert names_roots(found) == [("good", "."), ("healthy", ".")]
    base = str(repo.path)
    assert found.warnings == (
        f"{base}/catalog-info.yaml:4: invalid YAML: while parsing a flow sequence: "
        "did not find expected ',' or ']'",
        f"{base}/list/catalog-info.yaml:1: document is not a mapping: ignored",
        f"{base}/other/catalog-info.yaml:1: Component without metadata.name: ignored",
    )
    assert only(found, "healthy").repo_path == str(healthy.path)


def test_repository_with_only_broken_descriptors_is_inferred(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "legacy", {"catalog-info.yaml": "kind: Component\n: :\n"})
    found = discover([str(repo.path)])
    assert names_roots(found) == [("legacy", ".")]
    assert len(found.warnings) == 1 and "catalog-info.yaml:2: invalid YAML" in found.warnings[0]


def test_locations_targets_cycle_escape_and_url(tmp_path: Path) -> None:
    location = """apiVersion: backstage.io/v1alpha1
kind: Location
metadata: {name: root}
spec:
  targets:
    - ./components/carts.yaml
    - ./components/*.yml
    - ../outside/catalog-info.yaml
    - https://github.com/org/repo/blob/main/catalog-info.yaml
"""
    back = "kind: Location\nmetadata: {name: back}\nspec:\n  target: ../catalog-info.yaml\n"
    repo = make_repo(
        tmp_path / "shop",
        {
            "catalog-info.yaml": location,
            "components/carts.yaml": component("carts", annotations="rung.dev/service-root: ."),
            "components/orders.yml": component("orders") + "---\n" + back,
        },
    )
    found = discover([str(repo.path)])
    assert names_roots(found) == [("carts", "."), ("orders", "components")]
    assert only(found, "orders").descriptor_path == "components/orders.yml"
    base = str(repo.path)
    assert found.warnings == (
        f"{base}/components/orders.yml: Location cycle: catalog-info.yaml -> "
        "components/orders.yml -> catalog-info.yaml",
        f"{base}/catalog-info.yaml:5: Location target '../outside/catalog-info.yaml' is "
        "outside the repository: ignored",
        f"{base}/catalog-info.yaml:5: Location target "
        "'https://github.com/org/repo/blob/main/catalog-info.yaml' is a URL: not fetched",
    )


def test_descriptor_symlink_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text(component("stolen"))
    repo = make_repo(tmp_path / "repo" / "svc", {"README.md": "x"})
    os.symlink(outside, repo.path / "catalog-info.yaml")
    repo.commit(message="link")
    found = discover([str(repo.path)])
    assert names_roots(found) == [("svc", ".")]
    assert found.warnings == (f"{repo.path}/catalog-info.yaml: cannot read: symlink: not followed",)


# --- repositories on disk ---------------------------------------------------------------


def test_folder_of_repositories_symlink_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "fleet"
    a = make_repo(root / "a", {"main.go": ""})
    b = make_repo(root / "team" / "b", {"app.py": ""})
    make_repo(root / "a" / "nested", {"x": ""})  # inside repository a: not separate
    outside = make_repo(tmp_path / "outside", {"x": ""})
    os.symlink(outside.path, root / "link-to-outside")
    (root / "empty").mkdir()
    found = find_repositories([str(root), str(a.path), f"{root}/team/../team/b"])
    assert found == [str(a.path), str(b.path)]
    assert [s.name for s in discover([str(root)]).services] == ["a", "b"]


def test_nonexistent_path_is_a_config_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    with pytest.raises(ConfigError, match="nope: no such file or folder"):
        discover([missing])


def test_duplicate_names_across_repositories_get_suffixes(tmp_path: Path) -> None:
    make_repo(tmp_path / "one", {"catalog-info.yaml": component("api")})
    make_repo(tmp_path / "two", {"catalog-info.yaml": component("api")})
    found = discover([str(tmp_path)])
    assert [s.name for s in found.services] == ["api@one", "api@two"]
    assert found.warnings == (
        f"service name 'api' is used by 2 services: api@one ({tmp_path}/one), "
        f"api@two ({tmp_path}/two)",
    )


def test_repo_url_from_origin_without_credentials(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "carts", {"go.mod": "module x\n"})
    repo.git("remote", "add", "origin", "https://bot:s3cr3t@git.example.com/shop/carts.git")
    found = discover([str(repo.path)])
    assert only(found, "carts").repo_url == "https://git.example.com/shop/carts.git"
    assert "s3cr3t" not in repr(found)


# --- central catalog --------------------------------------------------------------------


def test_central_catalog_merges_and_wins(tmp_path: Path) -> None:
    carts = make_repo(
        tmp_path / "repos" / "carts",
        {
            "catalog-info.yaml": component(
                "carts",
                annotations="pagerduty.com/service-id: P1\nrung.dev/profile: ecommerce",
                spec="owner: team-old\nlifecycle: production",
            )
        },
    )
    orders = make_repo(tmp_path / "elsewhere" / "orders", {"svc/Dockerfile": "", "x/go.mod": ""})
    orders.git("remote", "add", "origin", "https://ci:tok3n@git.example.com/shop/orders.git")
    central = tmp_path / "platform" / "catalog.yaml"
    central.parent.mkdir()
    central.write_text(
        component(
            "carts",
            annotations="rung.dev/repository: ../repos/carts\nrung.dev/critical-path: 'true'\n"
            "pagerduty.com/service-id: P2",
            spec="owner: group:default/team-checkout",
        )
        + "---\n"
        + component(
            "orders",
            annotations="rung.dev/repository: https://deploy:hunter2@git.example.com/shop/"
            "orders.git\nrung.dev/service-root: svc",
            spec="owner: team-orders",
        )
        + "---\n"
        + component("ghost", annotations="rung.dev/repository: ../repos/ghost")
    )
    # only carts is scanned: orders is found by its URL only if scanned, so scan both
    found = discover([str(tmp_path / "repos"), str(orders.path)], catalog=str(central))
    assert names_roots(found) == [("carts", "."), ("orders", "svc")]
    c = only(found, "carts")
    assert c.owner == "team-checkout" and c.lifecycle == "production"
    assert c.critical_path is True and c.profile == "ecommerce"
    assert c.annotations["pagerduty.com/service-id"] == "P2"
    assert c.source is ServiceSource.CENTRAL and c.descriptor_path == "catalog-info.yaml"
    assert c.repo_path == str(carts.path)
    o = only(found, "orders")
    assert o.owner == "team-orders" and o.repo_path == str(orders.path)
    assert o.repo_url == "https://git.example.com/shop/orders.git"
    assert o.descriptor_path == str(central)
    assert "hunter2" not in repr(found) and "tok3n" not in repr(found)
    assert found.warnings == (
        f"{central}:29: rung.dev/repository '../repos/ghost' is not a git repository: skipped",
    )


def test_central_catalog_adds_unscanned_local_repository(tmp_path: Path) -> None:
    extra = make_repo(tmp_path / "extra", {"requirements.txt": "flask\n"})
    scanned = make_repo(tmp_path / "scanned", {"go.mod": "module x\n"})
    central = tmp_path / "catalog.yaml"
    central.write_text(
        "kind: Location\nspec:\n  targets: [teams/*.yaml]\n"
        "---\n"
        + component("reports", annotations="rung.dev/repository: extra\nrung.dev/profile: saas")
    )
    (tmp_path / "teams").mkdir()
    (tmp_path / "teams" / "a.yaml").write_text(
        component("scanned-api", annotations="rung.dev/repository: git@host:x/scanned.git")
    )
    found = discover([str(scanned.path)], catalog=str(central))
    assert found.repositories == (str(extra.path), str(scanned.path))
    assert names_roots(found) == [("reports", "."), ("scanned-api", ".")]
    assert only(found, "reports").profile == "saas"
    assert only(found, "scanned-api").repo_url == "git@host:x/scanned.git"
    assert found.warnings == ()


def test_central_catalog_syntax_error_is_a_config_error(tmp_path: Path) -> None:
    central = tmp_path / "catalog.yaml"
    central.write_text("kind: Component\nmetadata:\n  name: [a\n")
    with pytest.raises(ConfigError, match=r"catalog\.yaml:4: invalid YAML"):
        discover([str(tmp_path)], catalog=str(central))
    with pytest.raises(ConfigError, match="catalog file not found"):
        discover([str(tmp_path)], catalog=str(tmp_path / "missing.yaml"))


# --- units ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "kind", "expected"),
    [
        ("group:default/team-x", "group", "team-x"),
        ("group:team-x", "group", "team-x"),
        ("team-x", "group", "team-x"),
        ("user:default/jane", "group", "user:jane"),
        ("group:ops/team-x", "group", "ops/team-x"),
        ("component:default/carts", "component", "carts"),
        ("resource:db", "component", "resource:db"),
    ],
)
def test_entity_ref(ref: str, kind: str, expected: str) -> None:
    assert entity_ref(ref, kind) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://user:pass@github.com/o/r.git", "https://github.com/o/r.git"),
        ("https://token@github.com/o/r", "https://github.com/o/r"),
        ("ssh://git:pw@host/o/r.git", "ssh://git@host/o/r.git"),
        ("git@github.com:o/r.git", "git@github.com:o/r.git"),
        ("../local/path", "../local/path"),
    ],
)
def test_strip_credentials(url: str, expected: str) -> None:
    assert strip_credentials(url) == expected


def test_yaml_recovers_after_a_broken_document() -> None:
    docs, problems = load_documents("a: 1\n---\nb: [1,\n---\nc: 2\n")
    assert [(d.data, d.line) for d in docs] == [({"a": 1}, 1), ({"c": 2}, 5)]
    assert [p.line for p in problems] == [4]


def test_yaml_alias_bomb_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 8):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    docs, problems = load_documents(bomb)
    assert docs == [] and problems[0].message == "document too large (or too many aliases)"


def test_duplicate_and_invalid_component_names_in_one_repository(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "svc",
        {
            "a/catalog-info.yaml": component("svc"),
            "b/catalog-info.yaml": component("svc"),
            "template/catalog-info.yaml": component('"${{ values.name }}"'),
        },
    )
    found = discover([str(repo.path)])
    assert names_roots(found) == [("svc", "a")]
    base = str(repo.path)
    assert found.warnings == (
        f"{base}/template/catalog-info.yaml:4: Component name '${{{{ values.name }}}}' is not "
        "valid: ignored",
        f"{base}/b/catalog-info.yaml:1: Component 'svc' is declared twice: ignored",
    )


def test_central_entry_without_repository_enriches_by_name(tmp_path: Path) -> None:
    make_repo(tmp_path / "repos" / "search", {"package.json": "{}"})
    central = tmp_path / "catalog.yaml"
    central.write_text(
        component("search", spec="owner: team-find", annotations="rung.dev/profile: saas")
        + "---\n"
        + component("nowhere")
    )
    found = discover([str(tmp_path / "repos")], catalog=str(central))
    svc = only(found, "search")
    assert (svc.owner, svc.profile, svc.root, svc.source) == (
        "team-find",
        "saas",
        ".",
        ServiceSource.CENTRAL,
    )
    assert found.warnings == (
        f"{central}:11: Component 'nowhere' has no rung.dev/repository and no discovered "
        "service has that name: skipped",
    )


def test_central_entry_replaces_inferred_services_of_its_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "mono", {"a/Dockerfile": "", "b/Dockerfile": ""})
    central = tmp_path / "catalog.yaml"
    central.write_text(
        component("alpha", annotations="rung.dev/repository: mono\nrung.dev/service-root: a/")
    )
    found = discover([str(repo.path)], catalog=str(central))
    assert names_roots(found) == [("alpha", "a")]
    assert found.by_repository() == {str(repo.path): list(found.services)}
