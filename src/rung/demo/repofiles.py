"""Repository-level files: CI pipelines, CODEOWNERS, bots, templates, change log, compose."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rung.demo.kit import Toolchain

ORG = "example-shop"


@dataclass(frozen=True, slots=True)
class Job:
    """One service's CI job: its folder ("." or services/x) and toolchain."""

    name: str
    root: str
    tool: Toolchain
    coverage: bool


def _github_triggers(on_pr: bool) -> str:
    if on_pr:
        return "on:\n  push:\n    branches: [main]\n  pull_request:\n"
    return "on: [push]\n"


def _github_job(job: Job, runs_tests: bool, monorepo: bool) -> str:
    ident = job.name if monorepo else "build"
    lines = [f"  {ident}:", "    runs-on: ubuntu-latest"]
    if monorepo:
        lines += ["    defaults:", "      run:", f"        working-directory: {job.root}"]
    lines += ["    steps:", "      - uses: actions/checkout@v4"]
    body = "\n".join(lines) + "\n" + job.tool.ci_setup
    if runs_tests:
        cmd = job.tool.coverage if job.coverage else job.tool.test
        body += f"      - name: Test\n        run: {cmd}\n"
    else:
        body += "      - name: Build image\n        run: docker build -t app .\n"
    return body


def github_ci(jobs: Sequence[Job], feats: frozenset[str], monorepo: bool) -> dict[str, str]:
    runs = "ci.runs_tests" in feats
    text = "name: CI\n\n" + _github_triggers("ci.on_change_request" in feats) + "\njobs:\n"
    text += "\n".join(_github_job(j, runs, monorepo) for j in jobs)
    out = {".github/workflows/ci.yml": text}
    if "security.static_analysis" in feats:
        out[".github/workflows/codeql.yml"] = (
            "name: CodeQL\n"
            "\n"
            "on:\n"
            "  push:\n"
            "    branches: [main]\n"
            "  schedule:\n"
            "    - cron: '17 3 * * 1'\n"
            "\n"
            "jobs:\n"
            "  analyze:\n"
            "    runs-on: ubuntu-latest\n"
            "    permissions:\n"
            "      security-events: write\n"
            "    steps:\n"
            "      - uses: actions/checkout@v4\n"
            "      - uses: github/codeql-action/init@v3\n"
            "      - uses: github/codeql-action/analyze@v3\n"
        )
    return out


def gitlab_ci(jobs: Sequence[Job], feats: frozenset[str], monorepo: bool) -> dict[str, str]:
    job = jobs[0]
    cmd = job.tool.coverage if job.coverage else job.tool.test
    script = cmd if "ci.runs_tests" in feats else "docker build -t app ."
    rules = (
        '  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n'
        "    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"
        if "ci.on_change_request" in feats
        else "  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"
    )
    text = (
        "stages:\n"
        "  - test\n"
        "\n"
        "test:\n"
        "  stage: test\n"
        f"{rules}  script:\n"
        f"    - {job.tool.install}\n"
        f"    - {script}\n"
    )
    if "security.static_analysis" in feats:
        text += "\nsemgrep:\n  stage: test\n  image: semgrep/semgrep\n  script:\n    - semgrep ci\n"
    return {".gitlab-ci.yml": text}


def jenkinsfile(jobs: Sequence[Job], feats: frozenset[str], monorepo: bool) -> dict[str, str]:
    job = jobs[0]
    cmd = job.tool.coverage if job.coverage else job.tool.test
    step = cmd if "ci.runs_tests" in feats else "docker build -t app ."
    when = "      when { changeRequest() }\n" if "ci.on_change_request" in feats else ""
    scan = (
        "    stage('SonarQube') {\n      steps { sh 'sonar-scanner' }\n    }\n"
        if "security.static_analysis" in feats
        else ""
    )
    text = (
        "pipeline {\n  agent any\n  stages {\n    stage('Install') {\n"
        f"      steps {{ sh '{job.tool.install}' }}\n    }}\n    stage('Verify') {{\n{when}"
        f"      steps {{ sh '{step}' }}\n    }}\n{scan}  }}\n}}\n"
    )
    return {"Jenkinsfile": text}


CI_KINDS = {"github": github_ci, "gitlab": gitlab_ci, "jenkins": jenkinsfile}


def codeowners(owners: Sequence[tuple[str, str]]) -> str:
    lines = ["# Changes need a review from the owning team"]
    for root, team in owners:
        path = "*" if root == "." else f"/{root}/"
        lines.append(f"{path} @{ORG}/{team}")
    return "\n".join(lines) + "\n"


def dependency_bot(ecosystems: Sequence[str], renovate: bool) -> dict[str, str]:
    if renovate:
        return {
            "renovate.json": (
                "{\n"
                '  "extends": ["config:recommended"],\n'
                '  "schedule": ["before 6am on monday"]\n'
                "}\n"
            )
        }
    updates = "".join(
        (
            f'  - package-ecosystem: "{eco}"\n'
            '    directory: "/"\n'
            "    schedule:\n"
            "      interval: weekly\n"
        )
        for eco in ecosystems
    )
    return {".github/dependabot.yml": f"version: 2\nupdates:\n{updates}"}


ECOSYSTEM = {"Python": "pip", "Java": "maven", "Go": "gomod", "TypeScript": "npm"}
ECOSYSTEM |= {"Ruby": "bundler", "C#": "nuget", "Rust": "cargo", "PHP": "composer"}

PR_TEMPLATE = """## What

## Why

## Checklist
- [ ] Tests added or updated
- [ ] Docs and runbook updated
- [ ] Feature flag / rollout plan considered
"""


def changelog(versions: Sequence[tuple[str, str]]) -> str:
    lines = ["# Changelog", "", "All notable changes to this project are documented here.", ""]
    lines += ["The format is based on [Keep a Changelog](https://keepachangelog.com/).", ""]
    for version, day in reversed(versions):
        lines += [
            f"## [{version.lstrip('v')}] - {day}",
            "",
            "### Changed",
            "",
            "- Maintenance release.",
            "",
        ]
    return "\n".join(lines)


CONTRIBUTING = """# Contributing

1. Open an issue or pick one labelled `good first issue`.
2. Create a branch, keep pull requests small, add tests.
3. CI must be green and one code owner must approve.
"""

_DB_IMAGES = {
    "postgres": ("postgres:16", "POSTGRES_HOST_AUTH_METHOD: trust"),
    "mysql": ("mysql:8.4", "MYSQL_DATABASE: app"),
    "mongodb": ("mongo:7", "MONGO_INITDB_DATABASE: app"),
    "redis": ("redis:7", "REDIS_ARGS: --save ''"),
}


def compose(services: Sequence[tuple[str, str, int, str | None]]) -> str:
    """docker-compose.yml for (name, build context, port, datastore) services."""
    lines = ["services:"]
    stores: set[str] = set()
    for name, ctx, port, store in services:
        lines += [f"  {name}:", f"    build: {ctx}", "    ports:", f'      - "{port}:{port}"']
        if store:
            lines += ["    depends_on:", f"      - {store}"]
            stores.add(store)
    for store in sorted(stores):
        image, env = _DB_IMAGES[store]
        lines += [f"  {store}:", f"    image: {image}", "    environment:", f"      {env}"]
    return "\n".join(lines) + "\n"


def mailmap(entries: Sequence[tuple[str, str, str]]) -> str:
    """`.mailmap` lines mapping (name, canonical e-mail, alias) to the canonical identity."""
    return "".join(f"{name} <{canon}> <{alias}>\n" for name, canon, alias in entries)
