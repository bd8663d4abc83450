"""ci.py checks on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import Finding, Status
from rung.checks.builtin import ci


def ev(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


WORKFLOW = """name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Run tests
        run: |
          pip install -e .
          python -m pytest -q
"""


# ----- ci.config -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ".github/workflows/ci.yml",
        ".github/workflows/Build.YAML",
        ".gitlab-ci.yml",
        ".circleci/config.yml",
        "azure-pipelines.yml",
        ".travis.yml",
        "bitbucket-pipelines.yml",
        ".drone.yml",
        ".buildkite/pipeline.yml",
        "cloudbuild.yaml",
        ".tekton/push.yaml",
        "Jenkinsfile",
        "ci/Jenkinsfile.release",
    ],
)
def test_ci_config_pass(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "x: 1\n", "main.py": ""})
    f = ci.ci_config(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, None)]


def test_ci_config_monorepo_root_and_service_root(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            ".github/workflows/ci.yml": WORKFLOW,
            "svc/a/Jenkinsfile": "pipeline {}\n",
            "svc/b/Jenkinsfile": "pipeline {}\n",
        },
    )
    f = ci.ci_config(facts_for(r, "svc/a"))
    assert ev(f) == [("svc/a/Jenkinsfile", None), (".github/workflows/ci.yml", None)]


def test_ci_config_fail(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"svc/b/Jenkinsfile": "x", "svc/a/main.go": "", "docs/.github/workflows/x.yml": "x"},
    )
    facts = facts_for(r, "svc/a")
    for f in (ci.ci_config(facts), ci.ci_runs_tests(facts), ci.ci_on_change_request(facts)):
        assert f.status is Status.FAIL and "no CI definition" in f.message


# ----- ci.runs_tests ---------------------------------------------------------------------------


def test_runs_tests_github(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {".github/workflows/ci.yml": WORKFLOW})
    f = ci.ci_runs_tests(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(".github/workflows/ci.yml", 14)]


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        (".gitlab-ci.yml", "test:\n  stage: test\n  script:\n    - go test ./...\n", 4),
        (
            "Jenkinsfile",
            "pipeline {\n  stages {\n    stage('t') { steps { sh 'mvn -B test' } }\n",
            3,
        ),
        ("Jenkinsfile", "node {\n  sh(script: './gradlew check')\n}\n", 2),
        (".travis.yml", "language: node_js\nscript: npm test\n", 2),
        (".circleci/config.yml", "jobs:\n  t:\n    steps:\n      - run: make test\n", 4),
        ("azure-pipelines.yml", "steps:\n- script: tox -e py\n", 2),
        (".drone.yml", 'steps:\n- name: t\n  commands: ["npm ci", "npm run test:unit"]\n', 3),
        (".buildkite/pipeline.yml", "steps:\n  - command: ./scripts/test.sh\n", 2),
    ],
)
def test_runs_tests_systems(tmp_path: Path, path: str, text: str, line: int) -> None:
    r = make_repo(tmp_path / "r", {path: text})
    f = ci.ci_runs_tests(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, line)]


def test_runs_tests_fail_build_only(tmp_path: Path) -> None:
    text = "on: push\njobs:\n  b:\n    steps:\n      - name: test it\n        run: make build\n"
    r = make_repo(tmp_path / "r", {".github/workflows/build.yml": text})
    f = ci.ci_runs_tests(facts_for(r))
    assert f.status is Status.FAIL and ".github/workflows/build.yml" in f.message


# ----- ci.on_change_request ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (WORKFLOW, 5),
        ("on: pull_request\njobs: {}\n", 1),
        ("on: [push, pull_request_target]\njobs: {}\n", 1),
        ("'on':\n  pull_request:\n    branches: [main]\n", 2),
    ],
)
def test_on_change_request_github_forms(tmp_path: Path, text: str, line: int) -> None:
    r = make_repo(tmp_path / "r", {".github/workflows/ci.yml": text})
    f = ci.ci_on_change_request(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(".github/workflows/ci.yml", line)]


def test_on_change_request_github_push_only_fails(tmp_path: Path) -> None:
    text = (
        "# runs on pull_request too? no\non:\n  push:\njobs:\n  a:\n"
        "    if: github.event_name == 'pull_request'\n"
    )
    r = make_repo(tmp_path / "r", {".github/workflows/ci.yml": text})
    assert ci.ci_on_change_request(facts_for(r)).status is Status.FAIL


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        (
            ".gitlab-ci.yml",
            't:\n  script: [x]\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n',
            4,
        ),
        (".gitlab-ci.yml", "t:\n  script: [x]\n  only:\n    - merge_requests\n", 4),
        ("Jenkinsfile", "pipeline {\n stages { stage('x') {\n when { changeRequest() }\n", 3),
        ("azure-pipelines.yml", "trigger: [main]\npr:\n  branches: {include: [main]}\n", 2),
        ("bitbucket-pipelines.yml", "pipelines:\n  pull-requests:\n    '**': []\n", 2),
        (".drone.yml", "trigger:\n  event:\n  - pull_request\n", 3),
        (".tekton/pr.yaml", 'metadata:\n  annotations:\n    on-event: "[pull_request]"\n', 3),
    ],
)
def test_on_change_request_systems(tmp_path: Path, path: str, text: str, line: int) -> None:
    r = make_repo(tmp_path / "r", {path: text})
    f = ci.ci_on_change_request(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, line)]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (".gitlab-ci.yml", "t:\n  script: [x]\n  except:\n    - merge_requests\n"),
        (
            ".gitlab-ci.yml",
            't:\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n'
            "      when: never\n",
        ),
        ("azure-pipelines.yml", "trigger: [main]\npr: none\n"),
        ("azure-pipelines.yml", "trigger: [main]\n"),
        ("Jenkinsfile", "pipeline {\n // changeRequest()\n}\n"),
    ],
)
def test_on_change_request_fail(tmp_path: Path, path: str, text: str) -> None:
    r = make_repo(tmp_path / "r", {path: text})
    assert ci.ci_on_change_request(facts_for(r)).status is Status.FAIL
