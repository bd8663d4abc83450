"""End to end: `rung scan` over real git repositories gives the §8 JSON contract."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gitrepo import Repo
from rung.checks.base import CheckKind
from rung.checks.registry import default_registry
from rung.cli.main import cli

AS_OF = "2026-11-26T00:00:00Z"

CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: carts
  annotations:
    rung.dev/critical-path: "true"
spec:
  type: service
  owner: group:default/team-checkout
  lifecycle: production
  system: shop
"""


def _portfolio(root: Path) -> dict[str, Repo]:
    carts = Repo(root / "carts")
    carts.commit(
        {
            "README.md": "# Carts\n\n## Getting started\n\n```\npip install -e .\n```\n",
            "catalog-info.yaml": CATALOG,
            "pyproject.toml": '[project]\nname = "carts"\ndependencies = ["flask>=3", '
            '"prometheus-client"]\n',
            "app.py": "from flask import Flask\napp = Flask(__name__)\n\n"
            "@app.get('/healthz')\ndef health():\n    return 'ok'\n",
        },
        date="2024-01-10T10:00:00+00:00",
        email="Alice@Example.com",
    )
    for i in range(12):
        carts.commit(
            {"app.py": f"# change {i}\n"},
            date=f"2026-10-{i + 1:02d}T10:00:00+00:00",
            author="Bob" if i % 2 else "Carol",
            email="bob@example.com" if i % 2 else "carol@example.com",
        )
    mono = Repo(root / "shop-mono")
    mono.commit(
        {
            "services/orders/Dockerfile": "FROM python:3.12\nUSER app\n",
            "services/orders/requirements.txt": "flask==3.0.0\n",
            "services/payments/Dockerfile": "FROM golang:1.22\n",
            "services/payments/go.mod": "module example.com/payments\n\ngo 1.22\n",
            ".github/workflows/ci.yml": "on: [pull_request]\njobs:\n  t:\n    runs-on: x\n"
            "    steps:\n      - run: pytest\n",
        },
        date="2025-06-01T10:00:00+00:00",
    )
    mono.commit({"services/orders/app.py": "print('x')\n"}, date="2026-11-20T10:00:00+00:00")
    return {"carts": carts, "mono": mono}


def _scan_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["scan", *args, "--format", "json", "--as-of", AS_OF, "-q"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(autouse=True)
def _workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own workspace (and so its own .rung/rung.db)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RUNG_DATABASE_URL", raising=False)


def test_scan_json_contract(tmp_path: Path) -> None:
    _portfolio(tmp_path / "src")
    doc = _scan_json(str(tmp_path / "src"), "--no-live")
    assert set(doc) >= {"rung_version", "model", "snapshot", "services"}
    assert doc["model"]["id"] == "microservices"
    assert doc["model"]["hash"].startswith("sha256:")
    assert set(doc["snapshot"]) >= {"id", "as_of", "started_at", "finished_at"}
    assert doc["snapshot"]["as_of"] == AS_OF
    names = [s["name"] for s in doc["services"]]
    assert names == ["carts", "orders", "payments"]
    static = set(default_registry().ids(CheckKind.STATIC))
    for svc in doc["services"]:
        assert set(svc) >= {
            "name",
            "repository",
            "owner",
            "system",
            "lifecycle",
            "critical_path",
            "profile",
            "signals",
            "stack",
            "checks",
            "areas",
            "level",
        }
        assert set(svc["repository"]) == {"root", "url", "head", "path"}
        assert static <= set(svc["checks"]), static - set(svc["checks"])
        for finding in svc["checks"].values():
            assert finding["status"] in {"pass", "fail", "unknown", "not_applicable"}
            if finding["status"] == "pass":
                assert finding["evidence"] and finding["evidence"][0]["path"]
        assert set(svc["level"]) >= {"achieved", "required", "explanation", "pinned"}
        assert len(svc["areas"]) == 25
        for area in svc["areas"].values():
            assert set(area) >= {"achieved", "required", "unmet"}

    carts = doc["services"][0]
    assert carts["repository"] == {
        "root": "carts",
        "url": None,
        "head": carts["repository"]["head"],
        "path": ".",
    }
    assert len(carts["repository"]["head"]) == 40
    assert carts["owner"] == "team-checkout"
    assert carts["critical_path"] is True
    assert carts["checks"]["readme.present"]["status"] == "pass"
    assert carts["checks"]["readme.present"]["evidence"][0]["path"] == "README.md"
    assert carts["checks"]["obs.metrics"]["status"] == "pass"
    sig = carts["signals"]
    assert sig["git.commits_total"] == 13
    assert sig["git.commits_90d"] == 12
    assert sig["git.authors_90d"] == 2
    assert sig["git.first_commit"] == "2024-01-10T10:00:00Z"
    assert sig["git.monthly_commits"]["2026-10"] == 12
    # risk: 12 commits -> 1, 2 authors -> 0, 2 years -> 1, critical path -> 3 = 5 -> level 3
    expl = {e["factor"]: (e["value"], e["points"]) for e in carts["level"]["explanation"]}
    assert expl["change_frequency"] == (12, 1)
    assert expl["collaborators"] == (2, 0)
    assert expl["critical_path"] == (True, 3)
    assert carts["level"]["required"] == 3

    orders = doc["services"][1]
    assert orders["repository"]["root"] == "shop-mono"
    assert orders["repository"]["path"] == "services/orders"
    assert orders["signals"]["git.commits_total"] == 2
    assert orders["checks"]["ci.config"]["status"] == "pass"  # repository-level CI
    payments = doc["services"][2]
    assert payments["signals"]["git.commits_total"] == 1
    assert payments["checks"]["container.nonroot"]["status"] == "fail"
    assert orders["checks"]["container.nonroot"]["status"] == "pass"


def test_scan_is_deterministic_and_service_detail(tmp_path: Path) -> None:
    _portfolio(tmp_path / "src")
    a = _scan_json(str(tmp_path / "src"), "--no-live")
    b = _scan_json(str(tmp_path / "src"), "--no-live")
    for doc in (a, b):
        for key in ("id", "started_at", "finished_at"):
            doc["snapshot"].pop(key)
        for svc in doc["services"]:  # relative to the snapshot before (issue 4)
            svc["level"].pop("change")
            svc.pop("drift")
    assert a == b
    out = CliRunner().invoke(
        cli, ["scan", str(tmp_path / "src"), "--as-of", AS_OF, "-q", "--service", "payments"]
    )
    assert out.exit_code == 0, out.output
    assert "payments" in out.output and "support:" in out.output
    missing = CliRunner().invoke(cli, ["scan", str(tmp_path / "src"), "-q", "--service", "nope"])
    assert missing.exit_code != 0


def test_hostile_repositories_do_not_crash_or_escape(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("OUTSIDE-CONTENT", encoding="utf-8")
    (outside / "README.md").write_text("# outside\n## Install\n", encoding="utf-8")
    src = tmp_path / "src"
    weird = Repo(src / "weird")
    (weird.path / "README.md").symlink_to(outside / "README.md")
    (weird.path / "notes.txt").symlink_to(outside / "secret.txt")
    (weird.path / "docs").mkdir()
    (weird.path / "docs" / "escape").symlink_to(outside)
    with open(weird.path / "huge.log", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # 50 MB of zeros
    weird.commit(
        {
            "image.png": bytes(range(256)) * 64,
            "latin1.py": "caf\xe9 = 1\n".encode("latin-1"),
            "package.json": "{ not json",
        }
    )
    empty = src / "empty"
    empty.mkdir(parents=True)
    Repo(empty)  # git init, no commit
    doc = _scan_json(str(src), "--no-live")
    text = json.dumps(doc)
    assert "OUTSIDE-CONTENT" not in text
    by_name = {s["name"]: s for s in doc["services"]}
    assert set(by_name) == {"weird", "empty"}
    w = by_name["weird"]
    assert w["checks"]["readme.present"]["status"] == "fail"  # the README is a symlink out
    assert any("symlink" in n for n in w["notes"])
    assert any("huge.log" in n for n in w["notes"])
    e = by_name["empty"]
    assert e["signals"]["git.commits_total"] is None
    assert e["level"]["achieved"] == 0
    assert os.path.exists(outside / "secret.txt")


def test_summary_format_counts_services_reuse_and_levels(tmp_path: Path) -> None:
    _portfolio(tmp_path / "src")
    args = ["scan", str(tmp_path / "src"), "--as-of", AS_OF, "-q", "--no-live"]
    full = _scan_json(str(tmp_path / "src"), "--no-live")
    below = sum(1 for s in full["services"] if s["level"]["achieved"] < s["level"]["required"])
    first = CliRunner().invoke(cli, [*args, "--format", "summary"])
    assert first.exit_code == 0, first.output
    text = " ".join(first.output.split())
    assert "3 services (3 reused)" in text and "snapshot 2" in text
    assert f"{below} below their required level" in text
    out = tmp_path / "summary.txt"
    again = CliRunner().invoke(cli, [*args, "--format", "summary", "--full", "--out", str(out)])
    assert again.exit_code == 0, again.output
    written = " ".join(out.read_text().split())
    assert "3 services (0 reused)" in written and "snapshot 3" in written
