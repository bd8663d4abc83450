"""Helpers for the snapshot-store tests: a small real portfolio, a model, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gitrepo import Repo
from rung.cli.main import main

AS_OF = "2026-03-01"

MODEL = """\
id: store-test
name: Store Test Model
version: 3
levels:
  - {level: 1, name: Repeatable}
  - {level: 2, name: Consistent}
  - {level: 3, name: Managed}
pillars:
  - id: ease-of-development
    name: Ease of Development
    areas:
      - id: documentation
        name: Documentation
        levels:
          1:
            - id: readme
              expectation: A README explains the service.
              support: A README template.
              evidence: {all: [readme.present]}
          2:
            - id: setup
              expectation: The README explains set-up and tests.
              evidence: {all: [readme.setup, readme.tests]}
      - id: build
        name: Build
        levels:
          1:
            - id: make
              expectation: A Makefile drives the build.
              evidence: {all: [custom.makefile]}
  - id: operations
    name: Operations & Resilience
    areas:
      - id: containers
        name: Containers
        levels:
          1:
            - id: dockerfile
              expectation: The service builds as a container.
              support: Base images and a Dockerfile template.
              evidence: {all: [container.dockerfile]}
          2:
            - id: review
              expectation: Someone reviewed the runbook.
              evidence: {attest: true}
profiles:
  fintech: {focus: [containers]}
risk:
  factors:
    change_frequency: {signal: git.commits_90d, points: {0: 0, 2: 1, 4: 2}}
    collaborators: {signal: git.authors_90d, points: {0: 0, 2: 1}}
    critical_path: {signal: catalog.critical_path, points: {false: 0, true: 3}}
  levels: {0: 1, 2: 2, 4: 3}
checks:
  - {id: custom.makefile, type: file_exists, glob: Makefile, summary: A Makefile}
"""

CARTS_DESCRIPTOR = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: carts
  description: The shopping cart
  annotations:
    rung.dev/critical-path: "true"
  tags: [java, cart]
  links:
    - url: https://runbooks.example.com/carts
      title: Runbook
      type: runbook
spec:
  type: service
  owner: team-checkout
  lifecycle: production
"""


def write_model(folder: Path, version: int = 3) -> Path:
    path = folder / "model.yaml"
    path.write_text(MODEL.replace("version: 3", f"version: {version}"), encoding="utf-8")
    return path


def build_portfolio(root: Path) -> dict[str, Repo]:
    """Three real repositories with dated commits by several authors."""
    repos = root / "repos"
    carts = Repo(repos / "carts")
    carts.commit(
        {"catalog-info.yaml": CARTS_DESCRIPTOR, "README.md": "# carts\n"},
        date="2025-01-10T10:00:00+00:00",
    )
    carts.commit(
        {"Makefile": "all:\n\ttrue\n", "src/Cart.java": "class Cart {}\n"},
        author="Bob",
        email="bob@example.com",
        date="2026-02-10T09:00:00+00:00",
    )
    carts.commit({"src/Item.java": "class Item {}\n"}, date="2026-02-20T09:00:00+00:00")
    orders = Repo(repos / "orders")
    orders.commit(
        {"README.md": "# orders\n\n## Setup\n\nmake run\n", "Dockerfile": "FROM scratch\n"},
        date="2026-01-05T12:00:00+00:00",
    )
    users = Repo(repos / "users")
    users.commit({"main.go": "package main\n"}, date="2024-06-01T12:00:00+00:00")
    return {"carts": carts, "orders": orders, "users": users}


def rung(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _both):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue().decode(), err.getvalue().decode()


def scan_args(root: Path, db: str, *extra: str) -> list[str]:
    return [
        "scan",
        str(root / "repos"),
        "--model",
        str(root / "model.yaml"),
        "--as-of",
        AS_OF,
        "--no-live",
        "-q",
        "-j",
        "1",
        "--db",
        db,
        *extra,
    ]


def scan_json(root: Path, db: str, *extra: str) -> dict[str, Any]:
    code, out, err = rung(*scan_args(root, db, "--format", "json", *extra))
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def without_ids(doc: dict[str, Any]) -> dict[str, Any]:
    """The document apart from snapshot id and timestamps, and what is relative to the
    snapshot before (the required-level change and drift flags, issue 4)."""
    services = [
        {**s, "level": {**s["level"], "change": None}, "drift": None} for s in doc["services"]
    ]
    return {**doc, "snapshot": {"as_of": doc["snapshot"]["as_of"]}, "services": services}


def spawn_scan(root: Path, db: str, *, pause: float | None = None) -> subprocess.Popen[str]:
    """`python -m rung scan ...` in a subprocess (for kill and concurrency tests)."""
    env = dict(os.environ)
    if pause is not None:
        env["RUNG_TEST_PAUSE_IN_WRITE"] = str(pause)
    return subprocess.Popen(
        [sys.executable, "-m", "rung", *scan_args(root, db, "--format", "json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_pause(proc: subprocess.Popen[str]) -> None:
    """Block until the subprocess reports it is paused inside the write transaction."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if "paused inside the snapshot write transaction" in line:
            return
    raise AssertionError(f"scan ended before pausing (exit {proc.wait()})")
