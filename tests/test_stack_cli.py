"""`rung stack`: proliferation of languages, frameworks, datastores and infrastructure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitrepo import make_repo
from rung.cli.main import cli

FASTAPI = {
    "pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi", "psycopg2-binary"]\n',
    "app.py": "from fastapi import FastAPI\napp = FastAPI()\n" * 20,
}
GIN = {
    "go.mod": "module example.com/x\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n",
    "main.go": "package main\n\nfunc main() {}\n",
    "k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: y\n",
}


def _invoke(*args: str) -> str:
    out = CliRunner().invoke(cli, list(args))
    assert out.exit_code == 0, out.output
    return out.output


def test_stack_counts_services_per_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RUNG_DATABASE_URL", f"sqlite:///{tmp_path / 'r.db'}")
    src = tmp_path / "src"
    make_repo(src / "orders", FASTAPI)
    make_repo(src / "billing", FASTAPI)
    make_repo(src / "edge", GIN)
    _invoke("scan", str(src), "-q", "--no-live", "--as-of", "2026-11-26")
    doc = json.loads(_invoke("stack", "--format", "json"))
    cats = doc["categories"]
    assert doc["services"] == 3
    assert [(i["name"], i["services"]) for i in cats["frameworks"]] == [
        ("FastAPI", ["billing", "orders"]),
        ("Gin", ["edge"]),
    ]
    langs = {i["name"]: i for i in cats["languages"]}
    assert langs["Python"]["services"] == ["billing", "orders"]
    assert langs["Python"]["bytes"] == 2 * len(FASTAPI["app.py"])
    assert langs["Go"]["long_tail"] is True  # one service, long tail at <= 2
    assert [i["name"] for i in cats["datastores"]] == ["PostgreSQL"]
    assert [(i["name"], i["services"]) for i in cats["infrastructure"]] == [
        ("Kubernetes", ["edge"])
    ]
    table = _invoke("stack", "--category", "frameworks", "--long-tail", "1")
    assert "Frameworks: 2 in use, 1 in the long tail" in table
    assert "Languages" not in table
