"""tests.present, tests.integration, tests.load on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import CheckSpec, Evidence, Finding, Status
from rung.checks.builtin import tests as t
from rung.checks.runner import run_check

APP = {"README.md": "# svc\n", "src/app.py": "print('hi')\n"}


def run(tmp_path: Path, spec: CheckSpec, files: dict[str, str], root: str = ".") -> Finding:
    repo = make_repo(tmp_path / "repo", {**APP, **files})
    return run_check(spec, facts_for(repo, root))


def paths(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


# ----- tests.present ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "app/test_orders.py",
        "app/orders_test.py",
        "pkg/orders_test.go",
        "src/main/java/OrderTest.java",
        "src/main/java/OrderTests.java",
        "app/OrderTest.kt",
        "Orders/OrderTests.cs",
        "web/cart.test.tsx",
        "web/cart.spec.js",
        "lib/cart_spec.rb",
        "lib/cart_test.rb",
        "app/CartTest.php",
        "lib/cart_test.exs",
        "test/helper.js",
        "tests/fixtures/data.json",
        "spec/support/factory.rb",
        "web/__tests__/cart.js",
        "src/test/java/com/acme/Orders.java",
    ],
)
def test_present_passes_on_test_files(tmp_path: Path, path: str) -> None:
    f = run(tmp_path, t.tests_present, {path: "x\n"})
    assert f.status is Status.PASS
    assert paths(f) == [(path, None)]


def test_present_rust_cfg_test_gives_line(tmp_path: Path) -> None:
    src = "pub fn add(a: i32) -> i32 { a }\n\n#[cfg(test)]\nmod tests {}\n"
    f = run(tmp_path, t.tests_present, {"src/lib.rs": src})
    assert f.status is Status.PASS
    assert f.evidence == (Evidence("src/lib.rs", 3, "in-file Rust tests #[cfg(test)] or #[test]"),)


def test_present_fails_without_tests(tmp_path: Path) -> None:
    f = run(tmp_path, t.tests_present, {"src/latest.java": "x", "src/Contest.php": "x"})
    assert f.status is Status.FAIL
    assert f.evidence == ()


def test_present_looks_only_in_the_service_tree(tmp_path: Path) -> None:
    files = {"carts/main.go": "package main\n", "orders/orders_test.go": "package orders\n"}
    assert run(tmp_path, t.tests_present, files, root="carts").status is Status.FAIL


def test_present_service_root_named_test_is_not_a_test_folder(tmp_path: Path) -> None:
    files = {"services/test/main.go": "package main\n"}
    assert run(tmp_path, t.tests_present, files, root="services/test").status is Status.FAIL


def test_present_vendored_tests_do_not_count(tmp_path: Path) -> None:
    f = run(tmp_path, t.tests_present, {"node_modules/lib/test/a.js": "x"})
    assert f.status is Status.FAIL


# ----- tests.integration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("tests/integration/test_orders.py", "integration test folder integration/"),
        ("src/test/java/com/acme/it/Orders.java", "integration test folder it/"),
        ("test/e2e/checkout.js", "integration test folder e2e/"),
        ("spec/acceptance/checkout_spec.rb", "integration test folder acceptance/"),
        ("tests/Functional/CartTest.php", "integration test folder Functional/"),
        ("integration-tests/orders.py", "integration test folder integration-tests/"),
        ("src/integrationTest/java/Orders.java", "integration test folder integrationTest/"),
        ("e2e/checkout.spec.ts", "integration test folder e2e/"),
        ("src/main/java/OrderIntegrationTest.java", "integration test file"),
        ("src/main/java/ITOrder.java", "integration test file"),
        ("src/main/java/OrderIT.java", "integration test file"),
        ("src/main/java/OrderITCase.java", "integration test file"),
        ("app/test_e2e_checkout.py", "integration test file"),
        ("web/checkout.e2e.spec.ts", "integration test file"),
        ("web/checkout.e2e-spec.ts", "integration test file"),
        (
            "Orders.IntegrationTests/CartTests.cs",
            "integration test folder Orders.IntegrationTests/",
        ),
    ],
)
def test_integration_passes(tmp_path: Path, path: str, message: str) -> None:
    f = run(tmp_path, t.tests_integration, {path: "x\n"})
    assert f.status is Status.PASS
    assert f.evidence == (Evidence(path, None, message),)


@pytest.mark.parametrize(
    "path",
    [
        "src/Integration/PaymentGateway.cs",  # application code called Integration
        "app/integration/stripe.py",
        "tests/test_it_works.py",  # "it" in a Python name is an English word
        "tests/test_orders.py",
        "src/main/java/ItemTest.java",
    ],
)
def test_integration_fails(tmp_path: Path, path: str) -> None:
    f = run(tmp_path, t.tests_integration, {path: "x\n"})
    assert f.status is Status.FAIL
    assert f.evidence == ()


# ----- tests.load -----------------------------------------------------------------------------

K6 = "import http from 'k6/http';\nimport { sleep } from 'k6';\n\nexport default function () {}\n"
GATLING = (
    "package perf\n\nimport io.gatling.core.Predef._\n\n"
    "class CartSimulation extends Simulation {\n}\n"
)
ARTILLERY = "config:\n  target: http://localhost:8080\n  phases: []\nscenarios:\n  - flow: []\n"
LOCUST = "import random\nfrom locust import HttpUser, task\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"locustfile.py": "x = 1\n"}, ("locustfile.py", None)),
        ({"perf/cart_load.py": LOCUST}, ("perf/cart_load.py", 2)),
        ({"k6/cart.js": K6}, ("k6/cart.js", 1)),
        ({"jmeter/cart.jmx": "<jmeterTestPlan/>\n"}, ("jmeter/cart.jmx", None)),
        (
            {"src/gatling/scala/CartSimulation.scala": GATLING},
            ("src/gatling/scala/CartSimulation.scala", 5),
        ),
        ({"load/artillery.yml": ARTILLERY}, ("load/artillery.yml", 4)),
        (
            {"loadtest/run.sh": "#!/bin/sh\necho 'GET http://x/' | vegeta attack -rate=50\n"},
            ("loadtest/run.sh", 2),
        ),
        (
            {"perf-tests/run.sh": "#!/bin/sh\nset -e\nwrk -t4 -c100 http://localhost/\n"},
            ("perf-tests/run.sh", 3),
        ),
        (
            {"benchmarks/Makefile": "bench:\n\they -n 1000 http://localhost:8080/\n"},
            ("benchmarks/Makefile", 2),
        ),
        ({"stress/post.lua": 'wrk.method = "POST"\n'}, ("stress/post.lua", 1)),
    ],
)
def test_load_passes(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, int | None]
) -> None:
    f = run(tmp_path, t.tests_load, files)
    assert f.status is Status.PASS
    assert paths(f) == [expected]


@pytest.mark.parametrize(
    "files",
    [
        {"scripts/run.sh": "wrk -t4 http://localhost/\n"},  # not in a load/perf folder
        {"loadtest/README.md": "hey -n 100 http://x/\n"},  # documentation, not a script
        {"app/k6.js": "import x from 'k6-lib-not';\n"},
        {"app/config.yml": "config:\n  a: 1\n"},
        {"src/Sim.scala": "class Sim extends Simulation\n"},  # no io.gatling
    ],
)
def test_load_fails(tmp_path: Path, files: dict[str, str]) -> None:
    f = run(tmp_path, t.tests_load, files)
    assert f.status is Status.FAIL
    assert f.evidence == ()


# ----- from dependencies ----------------------------------------------------------------------

POM_TC = """<project>
  <dependencies>
    <dependency>
      <groupId>org.testcontainers</groupId>
      <artifactId>postgresql</artifactId>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>
"""


@pytest.mark.parametrize(
    ("files", "manifest"),
    [
        ({"pom.xml": POM_TC}, "pom.xml"),
        (
            {"requirements-dev.txt": "pytest\ntestcontainers[postgres]==4.0\n"},
            "requirements-dev.txt",
        ),
        (
            {"package.json": '{"devDependencies": {"@testcontainers/postgresql": "^10"}}\n'},
            "package.json",
        ),
        (
            {
                "go.mod": "module x\n\ngo 1.22\n\n"
                "require github.com/testcontainers/testcontainers-go v0.30.0\n"
            },
            "go.mod",
        ),
    ],
)
def test_integration_passes_on_testcontainers(
    tmp_path: Path, files: dict[str, str], manifest: str
) -> None:
    f = run(tmp_path, t.tests_integration, files)
    assert f.status is Status.PASS
    assert [e.path for e in f.evidence] == [manifest]
    assert f.evidence[0].line is not None
    assert f.evidence[0].message.startswith("testcontainers: ")


def test_load_passes_on_artillery_dependency(tmp_path: Path) -> None:
    pkg = '{\n  "name": "web",\n  "devDependencies": {\n    "artillery": "^2.0.0"\n  }\n}\n'
    f = run(tmp_path, t.tests_load, {"package.json": pkg})
    assert f.status is Status.PASS
    assert paths(f) == [("package.json", 4)]
