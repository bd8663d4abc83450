"""Helpers for the issue-4 phase-B tests: a small model on the §3 default policy, real git
repositories with known signals, and the CLI in-process (storekit.rung)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from gitrepo import Repo
from storekit import rung

# No `risk:` section: the §3 default policy is in force.
MODEL = """\
id: risk-test
name: Risk Test Model
version: 1
levels:
  - {level: 1, name: Repeatable}
  - {level: 2, name: Consistent}
  - {level: 3, name: Managed}
  - {level: 4, name: Optimizing}
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
      - id: build
        name: Build
        levels:
          1:
            - id: make
              expectation: A Makefile drives the build.
              support: Shared Makefile targets.
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
              support: A runbook review checklist.
              evidence: {attest: true}
profiles:
  fintech: {focus: [containers]}
checks:
  - {id: custom.makefile, type: file_exists, glob: Makefile, summary: A Makefile}
"""


def descriptor(
    name: str,
    *,
    owner: str = "team-a",
    system: str | None = None,
    lifecycle: str = "production",
    annotations: dict[str, str] | None = None,
    depends_on: tuple[str, ...] = (),
) -> str:
    lines = [
        "apiVersion: backstage.io/v1alpha1",
        "kind: Component",
        "metadata:",
        f"  name: {name}",
    ]
    if annotations:
        lines.append("  annotations:")
        lines += [f'    {k}: "{v}"' for k, v in annotations.items()]
    lines += ["spec:", "  type: service", f"  owner: {owner}", f"  lifecycle: {lifecycle}"]
    if system:
        lines.append(f"  system: {system}")
    if depends_on:
        lines.append("  dependsOn: [" + ", ".join(f"component:{d}" for d in depends_on) + "]")
    return "\n".join(lines) + "\n"


def day(as_of: str, days_before: int, minute: int = 0) -> str:
    """An ISO time `days_before` days before `as_of` (at 10:minute UTC)."""
    base = datetime.fromisoformat(as_of).replace(tzinfo=UTC, hour=10, minute=minute % 60)
    return (base - timedelta(days=days_before)).isoformat()


def commits(
    repo: Repo, count: int, *, as_of: str, days_before: int, authors: int = 1, prefix: str = "c"
) -> None:
    """`count` commits by `authors` distinct people, all `days_before` days before as_of."""
    for i in range(count):
        who = f"dev{i % authors}"
        repo.commit(
            {f"src/{prefix}{i}.txt": f"{i}\n"},
            author=who,
            email=f"{who}@example.com",
            date=day(as_of, days_before, i),
        )


def write_model(root: Path) -> Path:
    path = root / "model.yaml"
    path.write_text(MODEL, encoding="utf-8")
    return path


def scan(root: Path, db: str, as_of: str, *extra: str) -> dict[str, Any]:
    code, out, err = rung(
        "scan",
        str(root / "repos"),
        "--model",
        str(root / "model.yaml"),
        "--as-of",
        as_of,
        "--no-live",
        "-q",
        "-j",
        "1",
        "--db",
        db,
        "--format",
        "json",
        *extra,
    )
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def cli_json(*args: str) -> Any:
    code, out, err = rung(*args)
    assert code == 0, err
    return json.loads(out)


def by_name(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in doc["services"]}
