"""Python services: FastAPI (pyproject + uv.lock) or Flask (requirements.txt)."""

from __future__ import annotations

from rung.demo import kit
from rung.demo.kit import Ctx, Files, KitResult, Toolchain

_FEATURE_DEPS = {
    "obs.metrics": [("prometheus-client", "0.20.0")],
    "obs.structured_logging": [("structlog", "24.1.0")],
    "obs.tracing": [("opentelemetry-sdk", "1.24.0"), ("opentelemetry-exporter-otlp", "1.24.0")],
    "obs.error_tracking": [("sentry-sdk", "2.3.1")],
    "resilience.patterns": [("tenacity", "8.3.0")],
    "db.postgres": [("sqlalchemy", "2.0.30"), ("psycopg2-binary", "2.9.9")],
    "db.mysql": [("sqlalchemy", "2.0.30"), ("pymysql", "1.1.1")],
    "db.mongodb": [("pymongo", "4.7.2")],
    "db.redis": [("redis", "5.0.4")],
    "db.migrations": [("alembic", "1.13.1")],
}
_DEV_DEPS = {
    "tests.present": [("pytest", "8.2.1")],
    "tests.coverage": [("pytest-cov", "5.0.0")],
    "tests.contract": [("pact-python", "2.2.0")],
    "tests.integration": [("testcontainers", "4.5.0")],
    "quality.linter": [("ruff", "0.4.7")],
    "tests.load": [("locust", "2.28.0")],
}
_BASE = {
    "fastapi": [("fastapi", "0.111.0"), ("uvicorn", "0.30.0"), ("pydantic", "2.7.2")],
    "flask": [("flask", "3.0.3"), ("gunicorn", "22.0.0")],
}

_ROUTES = {
    "fastapi": ("@app.get", 'app = FastAPI(title="{name}")', "from fastapi import FastAPI"),
    "flask": ("@app.get", "app = Flask(__name__)", "from flask import Flask, jsonify"),
}


def _main(ctx: Ctx) -> str:
    deco, make_app, imports = _ROUTES[ctx.variant]
    wrap = "jsonify({})" if ctx.variant == "flask" else "{}"
    lines = [imports, "", f"from app.service import list_{ctx.ident}", ""]
    if ctx.has("obs.structured_logging"):
        lines[1:1] = ["import structlog"]
        lines += ["log = structlog.get_logger()"]
    lines += [make_app.format(name=ctx.name), "", ""]
    if ctx.has("obs.health_endpoint"):
        health = "healthz" if ctx.variant == "fastapi" else "health"
        ok = wrap.format('{"status": "ok"}')
        lines += [f'{deco}("/{health}")', "def health():", f"    return {ok}", "", ""]
    items = wrap.format(f"list_{ctx.ident}()")
    lines += [f'{deco}("/api/v1/{ctx.name}")', "def index():", f"    return {items}", ""]
    return "\n".join(lines)


def _service(ctx: Ctx) -> str:
    body = [
        '"""Business logic of the ' + ctx.name + ' service."""', "",
        "from app.models import Item", "",
    ]  # fmt: skip
    if ctx.has("resilience.patterns"):
        body += [
            "from tenacity import retry, stop_after_attempt",
            "",
            "",
            "@retry(stop=stop_after_attempt(3))",
        ]
    else:
        body += ["", ""]
    body += [
        f"def list_{ctx.ident}() -> list[dict[str, object]]:",
        f'    return [Item(id=1, name="{ctx.name}-sample").as_dict()]', "",
    ]  # fmt: skip
    return "\n".join(body)


_MODELS = """from dataclasses import asdict, dataclass


@dataclass
class Item:
    id: int
    name: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
"""


def _pyproject(ctx: Ctx, deps: list[tuple[str, str]], dev: list[tuple[str, str]]) -> str:
    pin = "==" if ctx.has("security.lockfile") else ">="
    lines = ["[project]", f'name = "{ctx.name}"', 'version = "0.1.0"', 'requires-python = ">=3.11"']
    lines += ["dependencies = ["] + [f'    "{n}{pin}{v}",' for n, v in deps] + ["]", ""]
    if dev:
        lines += (
            ["[dependency-groups]", "dev = ["] + [f'    "{n}{pin}{v}",' for n, v in dev] + ["]", ""]
        )
    if ctx.has("quality.linter"):
        lines += [
            "[tool.ruff]",
            "line-length = 100",
            "",
            "[tool.ruff.lint]",
            'select = ["E", "F", "I", "B"]',
            "",
        ]
    if ctx.has("tests.coverage"):
        lines += ["[tool.coverage.run]", 'source = ["app"]', "branch = true", ""]
    return "\n".join(lines)


def _uv_lock(deps: list[tuple[str, str]]) -> str:
    out = ["version = 1", 'requires-python = ">=3.11"', ""]
    for name, ver in sorted(deps):
        out += [
            "[[package]]", f'name = "{name}"', f'version = "{ver}"',
            'source = { registry = "https://pypi.org/simple" }',
            f'sdist = {{ url = "https://files.pythonhosted.org/packages/{name}-{ver}.tar.gz", '
            f'hash = "sha256:{kit.hexsum(name, ver)}" }}', "",
        ]  # fmt: skip
    return "\n".join(out)


def _requirements(ctx: Ctx, deps: list[tuple[str, str]]) -> str:
    pin = "==" if ctx.has("security.lockfile") else ">="
    return "".join(f"{n}{pin}{v}\n" for n, v in deps)


def _tests(ctx: Ctx) -> dict[str, str]:
    client = "from fastapi.testclient import TestClient" if ctx.variant == "fastapi" else ""
    make = "TestClient(app)" if ctx.variant == "fastapi" else "app.test_client()"
    return {
        "tests/__init__.py": "",
        "tests/test_api.py": f"""{client}
from app.main import app

client = {make}


def test_lists_{ctx.ident}():
    response = client.get("/api/v1/{ctx.name}")
    assert response.status_code == 200
""",
    }


def _integration(ctx: Ctx) -> dict[str, str]:
    return {
        f"tests/integration/test_{ctx.ident}_db.py": f"""import pytest

pytestmark = pytest.mark.integration


def test_{ctx.ident}_roundtrip(database_url):
    assert database_url.startswith("postgresql")
""",
        "tests/integration/conftest.py": """import pytest
from testcontainers.postgres import PostgresContainer


@pytest.fixture(scope="session")
def database_url():
    with PostgresContainer("postgres:16") as pg:
        yield pg.get_connection_url()
""",
    }


def _contract(ctx: Ctx) -> dict[str, str]:
    return {
        "tests/contract/test_pricing_consumer.py": f"""from pact import Consumer, Provider

pact = Consumer("{ctx.name}").has_pact_with(Provider("pricing"), port=1234)


def test_get_price():
    pact.given("a product exists").upon_receiving("a price request").with_request(
        "get", "/api/v1/prices/42"
    ).will_respond_with(200, body={{"amount": 1999}})
"""
    }


def _migrations(ctx: Ctx) -> dict[str, str]:
    return {
        "alembic.ini": "[alembic]\nscript_location = migrations\n",
        "migrations/env.py": "from alembic import context\n\ncontext.configure()\n",
        "migrations/versions/0001_create_tables.py": f'''"""create {ctx.ident} table"""

from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table("{ctx.ident}", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("{ctx.ident}")
''',
    }


def _locust(ctx: Ctx) -> dict[str, str]:
    return {
        "locustfile.py": f"""from locust import HttpUser, between, task


class Shopper(HttpUser):
    wait_time = between(1, 3)

    @task
    def browse(self):
        self.client.get("/api/v1/{ctx.name}")
"""
    }


def python_kit(ctx: Ctx) -> KitResult:
    deps = kit.pick_deps(ctx, _BASE[ctx.variant], _FEATURE_DEPS)
    dev = kit.pick_deps(ctx, [], _DEV_DEPS)
    f = Files()
    src = {"app/__init__.py": "", "app/main.py": _main(ctx), "app/service.py": _service(ctx)}
    src["app/models.py"] = _MODELS
    for i in range(ctx.modules):
        src[f"app/handlers_{i}.py"] = (
            f"def handle_{i}(event: dict[str, object]) -> bool:\n    return bool(event)\n"
        )
    if ctx.variant == "fastapi":
        src["pyproject.toml"] = _pyproject(ctx, deps, dev)
        f.when(ctx.has("security.lockfile"), 1, kit.LOCK, lambda: {"uv.lock": _uv_lock(deps + dev)})
        install, run = "uv sync", "uv run uvicorn app.main:app --reload"
    else:
        src["requirements.txt"] = _requirements(ctx, deps)
        if dev:
            src["requirements-dev.txt"] = "-r requirements.txt\n" + _requirements(ctx, dev)
        f.when(
            ctx.has("quality.linter"),
            2,
            kit.LINT,
            lambda: {".flake8": "[flake8]\nmax-line-length = 100\n"},
        )
        f.when(
            ctx.has("tests.coverage"),
            3,
            "Measure test coverage",
            lambda: {".coveragerc": "[run]\nsource = app\n"},
        )
        install, run = "pip install -r requirements-dev.txt", "flask --app app.main run"
    f.add(0, kit.INITIAL, src)
    f.when(ctx.has("tests.present"), 1, kit.UNIT, lambda: _tests(ctx))
    f.when(ctx.has("tests.integration"), 3, kit.INTEGRATION, lambda: _integration(ctx))
    f.when(ctx.has("tests.contract"), 3, kit.CONTRACT, lambda: _contract(ctx))
    f.when(ctx.migrates, 3, kit.MIGRATIONS, lambda: _migrations(ctx))
    f.when(ctx.has("tests.load"), 4, kit.LOAD, lambda: _locust(ctx))
    cmd = (
        f'CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "{ctx.port}"]'
        if ctx.variant == "fastapi"
        else f'CMD ["gunicorn", "-b", "0.0.0.0:{ctx.port}", "app.main:app"]'
    )
    manifest = "pyproject.toml uv.lock" if ctx.variant == "fastapi" else "requirements.txt"
    setup = "uv && uv sync" if ctx.variant == "fastapi" else "-r requirements-dev.txt"
    tool = Toolchain(
        language="Python",
        framework="FastAPI" if ctx.variant == "fastapi" else "Flask",
        install=install,
        run=run,
        test="pytest",
        coverage="pytest --cov=app --cov-report=xml",
        ci_setup=(
            "      - uses: actions/setup-python@v5\n"
            "        with:\n"
            "          python-version: '3.12'\n"
            f"      - run: pip install {setup}\n"
        ),
        docker=(
            "FROM python:3.12-slim\nWORKDIR /app\n"
            f"COPY {manifest} ./\n"
            + (
                "RUN pip install uv && uv sync --no-dev\n"
                if ctx.variant == "fastapi"
                else "RUN pip install --no-cache-dir -r requirements.txt\n"
            )
            + f"COPY app ./app\nEXPOSE {ctx.port}\n"
        ),
        cmd=cmd,
        ignore=(".venv", "__pycache__", "*.pyc", ".pytest_cache", "tests"),
    )
    return KitResult(f.files, ["app/main.py", "app/service.py", "app/models.py"], tool)
