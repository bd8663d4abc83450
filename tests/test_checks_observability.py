"""obs.health_endpoint, obs.alert_rules, ops.runbook on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import CheckSpec, Evidence, Finding, Status
from rung.checks.builtin import observability as obs
from rung.checks.runner import run_check


def run(tmp_path: Path, spec: CheckSpec, files: dict[str, str], root: str = ".") -> Finding:
    repo = make_repo(tmp_path / "repo", {"README.md": "# svc\n", **files})
    return run_check(spec, facts_for(repo, root))


def paths(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


# ----- obs.health_endpoint ----------------------------------------------------------------------

HEALTH_CASES = [
    (
        "app.py",
        "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/healthz')\ndef h(): ...\n",
        4,
    ),
    (
        "api/routes.py",
        'router = APIRouter()\n@router.get("/api/v1/utils/health-check/")\ndef h(): ...\n',
        2,
    ),
    (
        "shop/urls.py",
        "urlpatterns = [\n    path('admin/', admin.site.urls),\n"
        "    path('health/', views.health),\n]\n",
        3,
    ),
    (
        "server.js",
        "const app = express();\napp.get('/_healthz', (req, res) => res.send('ok'));\n",
        2,
    ),
    (
        "src/health.controller.ts",
        "@Controller('health')\nexport class HealthController {\n  @Get()\n  check() {}\n}\n",
        1,
    ),
    (
        "src/app.controller.ts",
        "@Controller()\nexport class AppController {\n  @Get('readiness')\n  r() {}\n}\n",
        3,
    ),
    (
        "server.mjs",
        "server.route({\n  method: 'GET',\n  path: '/health',\n  handler: () => 'ok',\n});\n",
        2,
    ),
    ("main.go", 'package main\n\nfunc main() {\n\thttp.HandleFunc("/ping", ping)\n}\n', 4),
    (
        "cmd/server.go",
        'package main\n\nfunc routes(r *gin.Engine) {\n\tr.GET("/livez", live)\n}\n',
        4,
    ),
    ("srv.go", 'package main\n\nfunc m() {\n\tmux.HandleFunc("GET /readyz", ready)\n}\n', 4),
    (
        "src/main/java/HealthController.java",
        '@RestController\nclass HealthController {\n  @GetMapping("/status")\n'
        '  String s() { return "ok"; }\n}\n',
        3,
    ),
    ("src/main/java/Res.java", '@Path("health")\npublic class Res {}\n', 1),
    ("Program.cs", 'var app = builder.Build();\napp.MapGet("/health", () => "ok");\n', 2),
    (
        "Controllers/PingController.cs",
        '[ApiController]\npublic class PingController {\n  [HttpGet("ping")]\n'
        '  public string Get() => "pong";\n}\n',
        3,
    ),
    (
        "Controllers/HealthController.cs",
        '[Route("api/[controller]")]\n[ApiController]\n'
        "public class HealthController : ControllerBase {\n"
        "  [HttpGet]\n  public string Get() => 1;\n}\n",
        1,
    ),
    ("Startup.cs", 'app.UseEndpoints(e => {\n  e.MapHealthChecks("/hc");\n});\n', 2),
    (
        "config/routes.rb",
        'Rails.application.routes.draw do\n  get "health", to: "health#show"\nend\n',
        2,
    ),
    ("app.rb", "require 'sinatra'\n\nget '/alive' do\n  'ok'\nend\n", 3),
    ("routes/web.php", "<?php\nRoute::get('/health', fn () => 'ok');\n", 2),
    (
        "src/main.rs",
        'use actix_web::get;\n\n#[get("/health")]\nasync fn health() -> &\'static str { "ok" }\n',
        3,
    ),
    (
        "src/router.rs",
        'fn app() -> Router {\n    Router::new().route("/healthcheck", get(h))\n}\n',
        2,
    ),
    (
        "lib/web/router.ex",
        'defmodule Web.Router do\n  get "/liveness", HealthController, :index\nend\n',
        2,
    ),
    ("server.py", "import grpc\nfrom grpc_health.v1 import health, health_pb2_grpc\n", 2),
    (
        "main.go",
        'package main\n\nimport healthpb "google.golang.org/grpc/health/grpc_health_v1"\n',
        3,
    ),
    ("src/main/java/Server.java", "var health = new HealthStatusManager();\n", 1),
    ("api/health.proto", "syntax = 'proto3';\npackage grpc.health.v1;\n", 2),
    (
        "src/main/resources/application.properties",
        "server.port=8080\nmanagement.endpoints.web.exposure.include=health\n",
        2,
    ),
    (
        "src/main/resources/application.yml",
        "server:\n  port: 8080\nmanagement:\n  endpoints:\n    web: {}\n",
        3,
    ),
]


@pytest.mark.parametrize(("path", "text", "line"), HEALTH_CASES, ids=[c[0] for c in HEALTH_CASES])
def test_health_endpoint_passes(tmp_path: Path, path: str, text: str, line: int) -> None:
    f = run(tmp_path, obs.health_endpoint, {path: text})
    assert f.status is Status.PASS
    assert paths(f) == [(path, line)]


NOT_HEALTH = [
    ("app.py", "@app.route('/statuses')\ndef s(): ...\n"),
    ("server.js", "app.get('/healthy-food', h);\nconst s = config.get('status');\n"),
    ("views.py", "value = request.args.get('status')\nos.environ.get('ready')\n"),
    ("main.go", 'package main\n\nfunc m() { http.HandleFunc("/orders", o) }\n'),
    ("README.md", "Call `app.get('/health')` to check.\n"),
    (
        "tests/test_app.py",
        "def test_h(client):\n    client.get('/health')\n",
    ),  # a call, not a route
]


@pytest.mark.parametrize(("path", "text"), NOT_HEALTH, ids=[c[0] for c in NOT_HEALTH])
def test_health_endpoint_fails(tmp_path: Path, path: str, text: str) -> None:
    f = run(tmp_path, obs.health_endpoint, {path: text})
    assert f.status is Status.FAIL
    assert f.evidence == ()


def test_health_endpoint_only_in_the_service_tree(tmp_path: Path) -> None:
    files = {"carts/app.py": "x = 1\n", "orders/app.py": "@app.get('/health')\ndef h(): ...\n"}
    assert run(tmp_path, obs.health_endpoint, files, root="carts").status is Status.FAIL


@pytest.mark.parametrize(
    ("segment", "ok"),
    [
        ("/health", True),
        ("/_healthz", True),
        ("/api/v1/utils/health-check/", True),
        ("/readycheck", True),
        ("/health_check", True),
        ("^health/$", True),
        ("/statuses", False),
        ("/healthy-food", False),
        ("/orders/{id}", False),
        ("GET /livez", True),
    ],
)
def test_is_health_path(segment: str, ok: bool) -> None:
    assert obs.is_health_path(segment) is ok


# ----- obs.alert_rules ------------------------------------------------------------------------

PROM_RULES = "groups:\n- name: carts\n  rules:\n  - alert: CartsDown\n    expr: up == 0\n"
PROM_RULE_CR = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: x\n"
GRAFANA = (
    "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: carts\n    folder: svc\n    rules:\n"
    "      - uid: a1\n        title: errors\n        condition: B\n"
)
TF = 'resource "datadog_monitor" "latency" {\n  name = "x"\n}\n'
DD_JSON = '{\n  "name": "errors",\n  "type": "metric alert",\n  "query": "avg(last_5m):x > 1"\n}\n'


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"monitoring/alerts.yml": PROM_RULES}, ("monitoring/alerts.yml", 4)),
        ({"deploy/rules.yaml": PROM_RULE_CR}, ("deploy/rules.yaml", 2)),
        ({"grafana/alerts.yaml": GRAFANA}, ("grafana/alerts.yaml", 9)),
        (
            {"grafana/provisioning/alerting/a.json": "{}\n"},
            ("grafana/provisioning/alerting/a.json", None),
        ),
        ({"infra/monitors.tf": TF}, ("infra/monitors.tf", 1)),
        ({"monitors/errors.json": DD_JSON}, ("monitors/errors.json", 3)),
    ],
)
def test_alert_rules_pass(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, int | None]
) -> None:
    f = run(tmp_path, obs.alert_rules, files)
    assert f.status is Status.PASS
    assert paths(f) == [expected]


@pytest.mark.parametrize(
    "files",
    [
        {"prometheus/recording.yml": "groups:\n- name: r\n  rules:\n  - record: x\n    expr: y\n"},
        {"deploy/app.yaml": "apiVersion: apps/v1\nkind: Deployment\n"},
        {"docs/alerts.md": "- alert: CartsDown\n"},
    ],
)
def test_alert_rules_fail(tmp_path: Path, files: dict[str, str]) -> None:
    f = run(tmp_path, obs.alert_rules, files)
    assert f.status is Status.FAIL
    assert f.evidence == ()


# ----- ops.runbook ------------------------------------------------------------------------------

ANSIBLE = "- hosts: web\n  become: true\n  tasks:\n    - name: install\n      apt: {name: nginx}\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"RUNBOOK.md": "# ops\n"}, ("RUNBOOK.md", None)),
        (
            {"docs/runbooks/restart.md": "x\n", "docs/runbooks/scale.md": "y\n"},
            ("docs/runbooks", None),
        ),
        ({"docs/on-call.md": "x\n"}, ("docs/on-call.md", None)),
        ({"ops/Oncall/guide.txt": "x\n"}, ("ops/Oncall", None)),
        ({"playbooks/incident-response.md": "x\n"}, ("playbooks", None)),
        ({"README.md": "# svc\n\n## Operations\n\nRestart it.\n"}, ("README.md", 3)),
        ({"README.md": "# svc\n\n## 3. On-call\n"}, ("README.md", 3)),
        ({"README.rst": "svc\n===\n\nRunbook\n-------\n"}, ("README.rst", 4)),
    ],
)
def test_runbook_passes(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, int | None]
) -> None:
    f = run(tmp_path, obs.runbook, files)
    assert f.status is Status.PASS
    assert paths(f) == [expected]


def test_runbook_in_monorepo_service(tmp_path: Path) -> None:
    files = {"carts/docs/runbook.md": "x\n", "orders/RUNBOOK.md": "y\n"}
    f = run(tmp_path, obs.runbook, files, root="carts")
    assert f.evidence == (Evidence("carts/docs/runbook.md", None, "runbook"),)
    assert (
        run(
            tmp_path / "b",
            obs.runbook,
            {"orders/RUNBOOK.md": "y\n", "carts/a.py": ""},
            root="carts",
        ).status
        is Status.FAIL
    )


@pytest.mark.parametrize(
    "files",
    [
        {"playbook.yml": ANSIBLE},  # an Ansible playbook is not a runbook
        {"ansible/playbooks/site.yml": ANSIBLE, "ansible/playbooks/web.yaml": ANSIBLE},
        {"README.md": "# svc\n\n## CRUD operations\n\nList.\n"},
        {"docs/ops.md": "nothing\n"},
    ],
)
def test_runbook_fails(tmp_path: Path, files: dict[str, str]) -> None:
    f = run(tmp_path, obs.runbook, files)
    assert f.status is Status.FAIL
    assert f.evidence == ()


def test_health_endpoint_from_actuator_dependency(tmp_path: Path) -> None:
    pom = (
        "<project>\n  <dependencies>\n    <dependency>\n"
        "      <groupId>org.springframework.boot</groupId>\n"
        "      <artifactId>spring-boot-starter-actuator</artifactId>\n"
        "    </dependency>\n  </dependencies>\n</project>\n"
    )
    f = run(tmp_path, obs.health_endpoint, {"pom.xml": pom})
    assert f.status is Status.PASS
    assert [e.path for e in f.evidence] == ["pom.xml"]
    assert f.evidence[0].message == (
        "Spring Boot actuator: org.springframework.boot:spring-boot-starter-actuator"
    )


def _file_health_reference(path: str, ext: str, text: str) -> list[Evidence]:
    """Every route pattern of the extension when the lower-cased text holds a health word,
    then every framework pattern of the extension, each where one gate literal is."""
    low = text.lower()
    out: list[Evidence] = []
    if any(w in low for w in obs._PREFILTER_WORDS):
        out += obs._routes(path, text, ext)
    for _, gate, pattern, message in obs._FRAMEWORK_BY_EXT.get(ext, ()):
        if any(g in (low if g.islower() else text) for g in gate):
            m = pattern.search(text)
            if m is not None:
                out.append(Evidence(path, text.count("\n", 0, m.start()) + 1, message))
    return out


def test_file_health_equals_its_reference() -> None:
    import random

    pieces = [
        '@app.get("/health")\n', 'router.get("/ping", h)\n', "app.MapHealthChecks(\"/h\")\n",
        ".MapHealthChecks(", "grpc.health.v1", "HealthStatusManager", "health.NewServer()",
        "HealthServicer(", "management.endpoints.web\n", "management:\n  endpoints:\n",
        "rails/health#show", '[Route("api/[controller]")]\npublic class HealthController\n',
        "Ready", "STATUS", "x", "\n", '"/livez"', 'get "/status"\n', "Grpc.Health.V1",
    ]  # fmt: skip
    exts = sorted(obs._HEALTH_EXTS)
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randrange(0, 6)))
        ext = rng.choice(exts)
        path = f"src/app.{ext}"
        assert obs._file_health(path, ext, text) == _file_health_reference(path, ext, text)
