"""security.dependency_updates, security.static_analysis, security.no_committed_secrets."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import CheckSpec, Evidence, Finding, Status
from rung.checks.builtin import security as sec
from rung.checks.runner import run_check


def run(tmp_path: Path, spec: CheckSpec, files: dict[str, str], root: str = ".") -> Finding:
    repo = make_repo(tmp_path / "repo", {"README.md": "# svc\n", **files})
    return run_check(spec, facts_for(repo, root))


def paths(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


# ----- security.dependency_updates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (".github/dependabot.yml", "Dependabot configuration"),
        (".github/dependabot.yaml", "Dependabot configuration"),
        ("renovate.json", "Renovate configuration"),
        ("renovate.json5", "Renovate configuration"),
        (".renovaterc", "Renovate configuration"),
        (".renovaterc.json", "Renovate configuration"),
        (".github/renovate.json", "Renovate configuration"),
        (".gitlab/renovate.json", "Renovate configuration"),
        (".snyk", "Snyk configuration"),
    ],
)
def test_dependency_updates_passes(tmp_path: Path, path: str, message: str) -> None:
    f = run(tmp_path, sec.dependency_updates, {path: "{}\n"})
    assert f.status is Status.PASS
    assert f.evidence == (Evidence(path, None, message),)


def test_dependency_updates_renovate_key_in_package_json(tmp_path: Path) -> None:
    pkg = '{\n  "name": "web",\n  "renovate": {"extends": ["config:base"]}\n}\n'
    f = run(tmp_path, sec.dependency_updates, {"package.json": pkg})
    assert f.evidence == (Evidence("package.json", 3, "Renovate configuration in package.json"),)


def test_dependency_updates_is_repository_level_for_a_monorepo_service(tmp_path: Path) -> None:
    files = {".github/dependabot.yml": "version: 2\n", "carts/main.go": "package main\n"}
    f = run(tmp_path, sec.dependency_updates, files, root="carts")
    assert paths(f) == [(".github/dependabot.yml", None)]


@pytest.mark.parametrize(
    "files",
    [
        {"docs/renovate.json": "{}\n"},  # not a place Renovate reads
        {"package.json": '{"name": "web", "devDependencies": {"renovate": "1"}}\n'},
        {".github/workflows/ci.yml": "on: push\n"},
    ],
)
def test_dependency_updates_fails(tmp_path: Path, files: dict[str, str]) -> None:
    f = run(tmp_path, sec.dependency_updates, files)
    assert f.status is Status.FAIL
    assert f.evidence == ()


# ----- security.static_analysis ----------------------------------------------------------------

CODEQL = (
    "name: codeql\non: [push]\njobs:\n  analyze:\n    runs-on: ubuntu-latest\n    steps:\n"
    "      - uses: github/codeql-action/init@v3\n"
)
GITLAB = "include:\n  - template: Security/SAST.gitlab-ci.yml\n"
TRIVY = "pipeline {\n  stages {\n    stage('scan') { steps { sh 'trivy image app' } }\n  }\n}\n"
POM = (
    "<project>\n  <build>\n    <plugins>\n      <plugin>\n"
    "        <groupId>com.github.spotbugs</groupId>\n"
    "        <artifactId>spotbugs-maven-plugin</artifactId>\n"
    "      </plugin>\n    </plugins>\n  </build>\n</project>\n"
)
PRECOMMIT = "repos:\n  - repo: https://github.com/PyCQA/bandit\n    rev: 1.7.5\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {".github/workflows/codeql.yml": CODEQL},
            (".github/workflows/codeql.yml", 7, "CodeQL in CI"),
        ),
        ({".gitlab-ci.yml": GITLAB}, (".gitlab-ci.yml", 2, "Semgrep in CI")),
        ({"Jenkinsfile": TRIVY}, ("Jenkinsfile", 3, "Trivy in CI")),
        ({".pre-commit-config.yaml": PRECOMMIT}, (".pre-commit-config.yaml", 2, "Bandit in CI")),
        ({"pom.xml": POM}, ("pom.xml", 5, "SpotBugs in the build")),
        (
            {"sonar-project.properties": "sonar.projectKey=x\n"},
            ("sonar-project.properties", None, "SonarQube configuration"),
        ),
        ({".semgrep.yml": "rules: []\n"}, (".semgrep.yml", None, "Semgrep configuration")),
        (
            {"pyproject.toml": "[project]\nname='x'\n\n[tool.bandit]\nskips = []\n"},
            ("pyproject.toml", 4, "Bandit configuration"),
        ),
        ({"config/brakeman.yml": "---\n"}, ("config/brakeman.yml", None, "Brakeman configuration")),
        (
            {".github/codeql/codeql-config.yml": "name: x\n"},
            (".github/codeql/codeql-config.yml", None, "CodeQL configuration"),
        ),
        (
            {"requirements-dev.txt": "pytest\nbandit==1.7.5\n"},
            ("requirements-dev.txt", 2, "Bandit in the build"),
        ),
    ],
)
def test_static_analysis_passes(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, int | None, str]
) -> None:
    f = run(tmp_path, sec.static_analysis, files)
    assert f.status is Status.PASS
    assert (f.evidence[0].path, f.evidence[0].line, f.evidence[0].message) == expected


def test_static_analysis_repository_ci_counts_for_a_monorepo_service(tmp_path: Path) -> None:
    files = {".github/workflows/codeql.yml": CODEQL, "carts/app.py": "x\n"}
    f = run(tmp_path, sec.static_analysis, files, root="carts")
    assert paths(f) == [(".github/workflows/codeql.yml", 7)]


@pytest.mark.parametrize(
    "files",
    [
        {".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    steps:\n      - run: pytest\n"},
        {"docs/security.md": "We should run trivy and semgrep some day.\n"},
        {"orders/.semgrep.yml": "rules: []\n", "carts/app.py": "x\n"},
    ],
)
def test_static_analysis_fails(tmp_path: Path, files: dict[str, str]) -> None:
    root = "carts" if "carts/app.py" in files else "."
    f = run(tmp_path, sec.static_analysis, files, root=root)
    assert f.status is Status.FAIL
    assert f.evidence == ()


# ----- security.no_committed_secrets -----------------------------------------------------------

AWS_KEY = "AKIAIOSFODNN7EXAMPLQ"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEQ"


def test_no_committed_secrets_fails_with_path_and_line_never_the_value(tmp_path: Path) -> None:
    settings = (
        "import os\n\nREGION = 'eu-west-1'\n"
        f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n"
        f"AWS_SECRET_ACCESS_KEY = '{AWS_SECRET}'\n"
    )
    f = run(tmp_path, sec.no_committed_secrets, {"app/settings.py": settings})
    assert f.status is Status.FAIL
    assert ("app/settings.py", 4) in paths(f)
    assert all(e.path == "app/settings.py" for e in f.evidence)
    shown = repr(f) + json.dumps(f.to_json()) + str(f)
    assert AWS_KEY not in shown
    assert AWS_SECRET not in shown
    assert AWS_SECRET[:12] not in shown


def test_no_committed_secrets_passes_with_scanned_count(tmp_path: Path) -> None:
    f = run(tmp_path, sec.no_committed_secrets, {"app/main.py": "print('hello')\n"})
    assert f.status is Status.PASS
    assert f.evidence == (Evidence(".", None, "2 files scanned, no likely secret"),)


def test_no_committed_secrets_only_counts_the_service_tree(tmp_path: Path) -> None:
    files = {
        "carts/main.py": "print('hello')\n",
        "orders/settings.py": f"AWS_ACCESS_KEY_ID = '{AWS_KEY}'\n",
    }
    f = run(tmp_path, sec.no_committed_secrets, files, root="carts")
    assert f.status is Status.PASS
    assert f.evidence == (Evidence("carts", None, "1 files scanned, no likely secret"),)


def test_no_committed_secrets_unknown_when_the_scan_failed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": "x = 1\n"})
    facts = dataclasses.replace(facts_for(repo), secret_scan_error="detect-secrets crashed")
    f = run_check(sec.no_committed_secrets, facts)
    assert f.status is Status.UNKNOWN
    assert "detect-secrets crashed" in f.message


def test_static_analysis_from_a_dependency_manifest(tmp_path: Path) -> None:
    gemfile = (
        "source 'https://rubygems.org'\n\ngem 'rails'\n"
        "group :development do\n  gem 'brakeman'\nend\n"
    )
    f = run(tmp_path, sec.static_analysis, {"Gemfile": gemfile})
    assert f.status is Status.PASS
    assert paths(f) == [("Gemfile", 5)]


def test_any_sast_prefilter_matches_when_a_tool_pattern_does() -> None:
    import random

    from rung.checks.builtin.security import _ANY_SAST, SAST_TOOLS

    pieces = [
        "codeql", "-action", " database", "\tgithub", "semgrep", "Security/SAST.gitlab-ci.yml",
        "BANDIT", "bandit_", "gosec", "gosecx", "spotbugs", "find-sec-bugs", "brakeman",
        "sonar-scanner", "sonar:sonar", "snyk", " test", "snyk/actions", '"snyk" :',
        "trivy", "grype", "anchore/scan-action", "checkov", "\n", " ", "x", "\u017f", "\u212a",
    ]  # fmt: skip
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randrange(0, 6)))
        want = any(p.search(text) for p in SAST_TOOLS.values())
        assert (_ANY_SAST.search(text) is not None) == want, text


def test_tool_hits_equal_every_pattern_searched() -> None:
    import random

    from rung.checks.builtin.security import _SAST_LITERALS, SAST_TOOLS, _tool_hits
    from rung.checks.util import first_line

    assert list(_SAST_LITERALS) == list(SAST_TOOLS)
    pieces = [
        "codeql", "CodeQL-Action", " database", "\tgithub", "SemGrep",
        "security/sast.GITLAB-ci.yml",
        "Jobs/SAST.gitlab-ci.yml", "BANDIT", "bandit_", "GoSec", "SpotBugs", "Find-Sec-Bugs",
        "findsecbugs", "Brakeman", "Sonar-Scanner", "SONAR:SONAR", "sonarcloud", "SNYK", " test",
        " Monitor", "snyk/actions", '"snyk" :', "Trivy", "grype", "Anchore/Scan-Action",
        "checkov", "\n", " ", "x", "\u017f", "\u212a", "\u0130",
    ]  # fmt: skip
    rng = random.Random(11)
    for _ in range(4000):
        text = "".join(rng.choices(pieces, k=rng.randrange(0, 7)))
        want = [
            Evidence("f", line, f"{tool} in CI")
            for tool, pattern in SAST_TOOLS.items()
            if (line := first_line(text, pattern)) is not None
        ]
        assert _tool_hits("f", text, "in CI") == want, text
