"""Built-in checks: security (dependency updates, static analysis, committed secrets).

A secret's value never enters a finding: evidence carries path, line and the detector's
type name only.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator, Sequence

from rung.checks.base import (
    CheckSpec,
    Evidence,
    Finding,
    check,
    failed,
    passed,
    unknown,
)
from rung.checks.util import dep_evidence, deps_matching, first_line
from rung.collect.facts import ServiceFacts
from rung.collect.pathindex import PathIndex, glob_regex

MAX_EVIDENCE = 10

# ----- security.dependency_updates ------------------------------------------------------------

# Repository-relative locations (lower-cased) of dependency-update bot configs.
UPDATE_CONFIGS = (
    ".github/dependabot.yml",
    ".github/dependabot.yaml",
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
    ".snyk",
)
_UPDATE_TOOL = {".snyk": "Snyk", "dependabot": "Dependabot"}


def _bases(facts: ServiceFacts) -> list[str]:
    """The service root then the repository root, as path prefixes."""
    root = "" if facts.root in (".", "") else facts.root.rstrip("/") + "/"
    return list(dict.fromkeys([root, ""]))


def _renovate_key(text: str) -> bool:
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    return isinstance(doc, dict) and "renovate" in doc


def _update_evidence(facts: ServiceFacts) -> Iterator[Evidence]:
    by_lower = facts.repo_index.by_lower
    for base in _bases(facts):
        for rel in UPDATE_CONFIGS:
            path = by_lower(base + rel)
            if path is not None:
                tool = next((t for k, t in _UPDATE_TOOL.items() if k in rel), "Renovate")
                yield Evidence(path, None, f"{tool} configuration")
        pkg = by_lower(base + "package.json")
        if pkg is not None and _renovate_key(facts.texts.get(pkg, "")):
            line = first_line(facts.texts.get(pkg, ""), re.compile(r"\"renovate\"\s*:"))
            yield Evidence(pkg, line, "Renovate configuration in package.json")


@check("security.dependency_updates", "Dependency updates are automated")
def dependency_updates(facts: ServiceFacts) -> Finding:
    ev = list(dict.fromkeys(_update_evidence(facts)))
    if not ev:
        return failed("security.dependency_updates", "no Dependabot, Renovate or Snyk config")
    return passed("security.dependency_updates", "dependency updates automated", *ev)


# ----- security.static_analysis -----------------------------------------------------------------

# Tool -> pattern over CI definitions, pre-commit configs and build files (case-insensitive).
SAST_TOOLS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.I | re.M)
    for name, pattern in {
        "CodeQL": r"codeql-action|codeql[ \t]+database|codeql[ \t]+github",
        "Semgrep": r"semgrep|Security/SAST\.gitlab-ci\.yml|Jobs/SAST\.gitlab-ci\.yml",
        "Bandit": r"bandit\b",
        "gosec": r"gosec\b",
        "SpotBugs": r"spotbugs|findsecbugs|find-sec-bugs",
        "Brakeman": r"brakeman\b",
        "SonarQube": r"sonar-scanner|sonarqube|sonarcloud|sonarsource|sonar:sonar|sonar-maven",
        "Snyk": r"snyk[ \t]+(?:test|monitor|code|container|iac)|snyk/actions|\"snyk\"\s*:",
        "Trivy": r"trivy\b",
        "Grype": r"grype\b|anchore/scan-action",
        "Checkov": r"checkov\b",
    }.items()
}
# Dedicated configuration files (lower-cased base names) -> tool.
SAST_CONFIGS: dict[str, str] = {
    "codeql-config.yml": "CodeQL",
    "codeql-config.yaml": "CodeQL",
    ".semgrep.yml": "Semgrep",
    ".semgrep.yaml": "Semgrep",
    "semgrep.yml": "Semgrep",
    "semgrep.yaml": "Semgrep",
    ".semgrepignore": "Semgrep",
    ".bandit": "Bandit",
    ".bandit.yml": "Bandit",
    ".bandit.yaml": "Bandit",
    "bandit.yml": "Bandit",
    "bandit.yaml": "Bandit",
    "sonar-project.properties": "SonarQube",
    ".sonarcloud.properties": "SonarQube",
    ".snyk": "Snyk",
    "brakeman.yml": "Brakeman",
    "brakeman.ignore": "Brakeman",
    "trivy.yaml": "Trivy",
    "trivy.yml": "Trivy",
    ".trivyignore": "Trivy",
    ".grype.yaml": "Grype",
    ".grype.yml": "Grype",
    ".checkov.yaml": "Checkov",
    ".checkov.yml": "Checkov",
    "spotbugs-exclude.xml": "SpotBugs",
    "spotbugs-include.xml": "SpotBugs",
}
# Direct dependencies (lower-cased names) that are security static analysers.
SAST_DEPS = re.compile(
    r"bandit|flake8-bandit|semgrep|brakeman|snyk|checkov|github\.com/securego/gosec(?:/.*)?"
    r"|com\.github\.spotbugs.*|.*findsecbugs.*|.*spotbugs.*|org\.sonarqube.*"
    r"|.*sonar-maven-plugin|sonarqube-scanner|sonar-scanner|dotnet-sonarscanner"
)
_BANDIT_SECTION = re.compile(r"^\[(?:tool\.)?bandit\]", re.M)
_CI_GLOBS = (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    ".gitlab/*.yml",
    ".gitlab/*.yaml",
    "jenkinsfile",
    "jenkinsfile.*",
    ".circleci/config.yml",
    ".circleci/config.yaml",
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    ".travis.yml",
    ".travis.yaml",
    "bitbucket-pipelines.yml",
    "bitbucket-pipelines.yaml",
    ".drone.yml",
    ".drone.yaml",
    ".buildkite/*",
    "cloudbuild.yaml",
    "cloudbuild.yml",
    ".tekton/*",
    ".pre-commit-config.yaml",
    ".pre-commit-config.yml",
)
# Build and dependency manifests whose text may declare an analysis plugin or package.
_BUILD_FILES = frozenset(
    {
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "settings.gradle",
        "settings.gradle.kts",
        "pyproject.toml",
        "setup.cfg",
        "tox.ini",
        "package.json",
        "gemfile",
        "makefile",
        "go.mod",
        "tools.go",
    }
)
_REQUIREMENTS = re.compile(r"requirements[\w.-]*\.(?:txt|in)")
_REQUIREMENTS_GLOBS = ("requirements*.txt", "requirements*.in")


# a CI glob matches a relative path with as many folders: one regex per depth
_CI_BY_DEPTH = {
    depth: glob_regex(tuple(g for g in _CI_GLOBS if g.count("/") == depth))
    for depth in {g.count("/") for g in _CI_GLOBS}
}


# what a CI glob's path holds: its folder, or a base name matching its last part
_CI_DIRS = tuple(dict.fromkeys(g.rpartition("/")[0] + "/" for g in _CI_GLOBS if "/" in g))
_CI_BASES = tuple(g for g in _CI_GLOBS if "/" not in g)


def _ci_files(facts: ServiceFacts) -> list[str]:
    """CI definitions and pre-commit configs at the service root and the repository root."""
    bases = tuple(_bases(facts))
    key = ("security.ci_files", bases)
    return list(facts.repo_index.memo(key, lambda: _ci_scan(_ci_candidates(facts), bases)))


def _ci_candidates(facts: ServiceFacts) -> tuple[str, ...]:
    index = facts.repo_index
    return index.ordered(index.select(needles=_CI_DIRS), index.find(_CI_BASES))


def _ci_scan(paths: Sequence[str], bases: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for base in bases:
        for p in paths:
            if p.startswith(base):
                rel = p[len(base) :]
                rx = _CI_BY_DEPTH.get(rel.count("/"))
                if rx is not None and rx.match(rel.lower()):
                    out.append(p)
    return tuple(dict.fromkeys(out))


# matches where any of SAST_TOOLS' patterns matches (same flags, no groups): one pass
# tells whether a file may name a tool at all
_ANY_SAST = re.compile("|".join(f"(?:{p.pattern})" for p in SAST_TOOLS.values()), re.I | re.M)
# lower-case literals, one of which every match of a tool's pattern holds (lower-cased):
# in an ASCII text, a case-insensitive match of an ASCII pattern is a match of its
# lower-cased text, so a tool whose literals the lower-cased text lacks cannot match
_SAST_LITERALS: dict[str, tuple[str, ...]] = {
    "CodeQL": ("codeql",),
    "Semgrep": ("semgrep", "sast.gitlab-ci.yml"),
    "Bandit": ("bandit",),
    "gosec": ("gosec",),
    "SpotBugs": ("spotbugs", "findsecbugs", "find-sec-bugs"),
    "Brakeman": ("brakeman",),
    "SonarQube": ("sonar",),
    "Snyk": ("snyk",),
    "Trivy": ("trivy",),
    "Grype": ("grype", "anchore/scan-action"),
    "Checkov": ("checkov",),
}


def _tool_hits(path: str, text: str, where: str) -> list[Evidence]:
    if text.isascii():
        low = text.lower()
        tools = [
            (tool, pattern)
            for tool, pattern in SAST_TOOLS.items()
            if any(lit in low for lit in _SAST_LITERALS[tool])
        ]
    elif _ANY_SAST.search(text) is not None:
        tools = list(SAST_TOOLS.items())
    else:
        return []
    out: list[Evidence] = []
    for tool, pattern in tools:
        line = first_line(text, pattern)
        if line is not None:
            out.append(Evidence(path, line, f"{tool} {where}"))
    return out


def _repo_tool_hits(facts: ServiceFacts, path: str, where: str) -> tuple[Evidence, ...]:
    """`_tool_hits` of a repository file, once per repository (its services share it)."""
    key = ("security.tool_hits", path, where)
    text = facts.texts.get(path, "")
    return facts.repo_index.memo(key, lambda: tuple(_tool_hits(path, text, where)))


def _config_candidates(facts: ServiceFacts) -> frozenset[str]:
    """Repository paths `_config_evidence` may report: named configs and build files,
    requirements files and anything under `.github/`."""

    def compute() -> frozenset[str]:
        index = facts.repo_index
        named = index.with_base([*SAST_CONFIGS, *_BUILD_FILES])
        reqs = (p for p in index.find(_REQUIREMENTS_GLOBS) if _REQUIREMENTS.fullmatch(_base(p)))
        return frozenset([*named, *reqs, *_github_paths(index)])

    return facts.repo_index.memo("security.config_candidates", compute)


def _base(path: str) -> str:
    return posixpath.basename(path).lower()


def _config_evidence(facts: ServiceFacts) -> Iterator[Evidence]:
    wanted = _config_candidates(facts)
    own = facts.file_index.among(wanted)
    files = list(dict.fromkeys([*own, *(p for p in _top_level_repo(facts) if p in wanted)]))
    for p in files:
        name = posixpath.basename(p).lower()
        tool = SAST_CONFIGS.get(name)
        if tool is not None:
            yield Evidence(p, None, f"{tool} configuration")
        elif "/codeql/" in f"/{p.lower()}" and p.lower().startswith(".github/"):
            yield Evidence(p, None, "CodeQL configuration")
        elif name in _BUILD_FILES or _REQUIREMENTS.fullmatch(name):
            text = facts.texts.get(p, "")
            if name in {"pyproject.toml", "setup.cfg", "tox.ini"}:
                line = first_line(text, _BANDIT_SECTION)
                if line is not None:
                    yield Evidence(p, line, "Bandit configuration")
                    continue
            yield from _repo_tool_hits(facts, p, "in the build")


_GITHUB = (".github/",)


def _github_paths(index: PathIndex) -> Iterator[str]:
    """The repository's paths under `.github/` (in any case)."""
    return (p for p in index.select(needles=_GITHUB) if p.lower().startswith(".github/"))


def _top_level_repo(facts: ServiceFacts) -> tuple[str, ...]:
    index = facts.repo_index
    return index.memo(
        "security.top_level_repo", lambda: index.ordered(index.in_dir(""), _github_paths(index))
    )


def _static_evidence(facts: ServiceFacts) -> Iterator[Evidence]:
    for p in _ci_files(facts):
        yield from _repo_tool_hits(facts, p, "in CI")
    yield from _config_evidence(facts)
    yield from dep_evidence(deps_matching(facts, SAST_DEPS), "security analyser dependency")


@check("security.static_analysis", "Security static analysis is configured or run in CI")
def static_analysis(facts: ServiceFacts) -> Finding:
    first: dict[tuple[str, int | None], Evidence] = {}
    for e in _static_evidence(facts):
        first.setdefault((e.path, e.line), e)
    ev = list(first.values())
    if not ev:
        return failed("security.static_analysis", "no security static analysis found")
    return passed("security.static_analysis", "security static analysis", *ev[:MAX_EVIDENCE])


# ----- security.no_committed_secrets ------------------------------------------------------------


@check("security.no_committed_secrets", "No likely secret is committed in the service's files")
def no_committed_secrets(facts: ServiceFacts) -> Finding:
    cid = "security.no_committed_secrets"
    if facts.secret_scan_error:
        return unknown(cid, f"secret scan failed: {facts.secret_scan_error}")
    files = set(facts.files) if facts.secrets else set()
    kinds: dict[tuple[str, int], set[str]] = {}
    for h in facts.secrets:
        if h.path in files:
            kinds.setdefault((h.path, h.line), set()).add(h.type)
    if kinds:
        ev = [
            Evidence(path, line, "likely secret: " + ", ".join(sorted(kinds[(path, line)])))
            for path, line in sorted(kinds)
        ]
        return failed(cid, f"{len(ev)} line(s) with a likely secret", *ev)
    scanned = sum(map(facts.texts.__contains__, facts.files))
    root = facts.root or "."
    return passed(
        cid, "no likely secret", Evidence(root, None, f"{scanned} files scanned, no likely secret")
    )


CHECKS: tuple[CheckSpec, ...] = (dependency_updates, static_analysis, no_committed_secrets)
