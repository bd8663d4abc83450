"""tests.contract and tests.coverage: dependencies, configuration files and CI flags."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from rung.checks.base import Evidence, Finding, check
from rung.checks.builtin.depmatch import base_matches, matching, names, verdict
from rung.checks.util import dep_evidence, first_line
from rung.collect.facts import ServiceFacts

_JVM = "maven|gradle"

# ----- tests.contract ---------------------------------------------------------------------

CONTRACT_LIBS = names(
    # Pact in every ecosystem: pact-python, @pact-foundation/pact, au.com.dius.pact.*,
    # pact-go, the pact gems, pact-foundation/pact-php, pact_consumer (Rust)...
    r"(?:.*[/:.@_-])?pact(?:[-_.:/].*)?",
    r"nuget pactnet.*",
    rf"{_JVM}|maven-plugin org\.springframework\.cloud:spring-cloud-(?:starter-)?contract.*",
    r"gradle-plugin org\.springframework\.cloud\.contract",
    r".*mountebank.*",
    r"pypi mbtest",
    rf"{_JVM} org\.mbtest\.javabank:.*",
)
_SCC_FILE = re.compile(r"(?:^|/)src/test/resources/contracts/.+\.(?:groovy|ya?ml|kts|java)$")
_PACT_JSON = re.compile(r"\"pactSpecification\"")


def _contract_file(path: str, text: str | None) -> str | None:
    low = path.lower()
    base, parents = posixpath.basename(low), low.split("/")[:-1]
    if base.endswith(".pact.json"):
        return "pact file"
    if base.endswith(".json") and ("pacts" in parents or (text and _PACT_JSON.search(text))):
        return "pact file"
    if _SCC_FILE.search(low):
        return "Spring Cloud Contract"
    if base.endswith((".json", ".ejs")) and (base.startswith("imposter") or "imposters" in parents):
        return "mountebank imposters"
    return None


# paths `_contract_file` may accept
_CONTRACT_EXTS = frozenset({"json", "ejs"})
_CONTRACT_NEEDLES = ("src/test/resources/contracts/",)


def _contract_files(facts: ServiceFacts) -> Iterator[Evidence]:
    for p in facts.file_index.select(_CONTRACT_EXTS, needles=_CONTRACT_NEEDLES):
        what = _contract_file(p, facts.texts.get(p) if p.endswith(".json") else None)
        if what:
            yield Evidence(p, None, what)


@check("tests.contract", "Consumer-driven contract tests exist")
def contract(facts: ServiceFacts) -> Finding:
    ev = [
        *dep_evidence(matching(facts, CONTRACT_LIBS), "contract testing"),
        *_contract_files(facts),
    ]
    return verdict(
        "tests.contract",
        facts,
        ev,
        "contract tests",
        "no pact files, pact/Spring Cloud Contract dependencies or mountebank imposters",
    )


# ----- tests.coverage ---------------------------------------------------------------------

COVERAGE_LIBS = names(
    "pypi coverage|pytest-cov|pytest-coverage|nose-cov|coveralls|codecov",
    "npm nyc|istanbul(?:-.+)?|@istanbuljs/.+|babel-plugin-istanbul|c8|@vitest/coverage-.+"
    "|karma-coverage.*|coveralls|codecov",
    rf"{_JVM}|maven-plugin org\.jacoco:.*",
    r"maven-plugin org\.codehaus\.mojo:cobertura-maven-plugin|org\.eluder\.coveralls:.*",
    rf"{_JVM}|maven-plugin org\.scoverage:.*|org\.jetbrains\.kotlinx:kover.*",
    r"gradle-plugin jacoco|org\.jetbrains\.kotlinx\.kover|org\.scoverage"
    r"|com\.github\.kt3k\.coveralls",
    r"nuget coverlet\..+|microsoft\.codecoverage|altcover",
    "rubygems simplecov.*|coveralls",
    "composer php-coveralls/php-coveralls|phpunit/php-code-coverage",
    "cargo cargo-tarpaulin|cargo-llvm-cov|grcov",
    "hex excoveralls",
)
COVERAGE_CONFIG_FILES = (
    ".coveragerc", "codecov.y*ml", ".codecov.y*ml", ".nycrc", ".nycrc.*", ".c8rc", ".c8rc.*",
    ".simplecov", "tarpaulin.toml", ".tarpaulin.toml", ".coveralls.y*ml",
)  # fmt: skip
# (base-name glob, pattern) of configuration inside shared files.
COVERAGE_CONTENT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pyproject.toml", re.compile(r"^\[tool\.coverage", re.M)),
    ("setup.cfg", re.compile(r"^\[coverage:", re.M)),
    ("tox.ini", re.compile(r"^\[coverage:", re.M)),
    (
        "package.json",
        re.compile(r"\"collectCoverage\"\s*:\s*true|\"coverageThreshold\"|\"nyc\"\s*:"),
    ),
    ("jest.config.*", re.compile(r"collectCoverage\s*:\s*true|coverageThreshold")),
    ("vitest.config.*", re.compile(r"coverage\s*:\s*\{")),
    ("phpunit.xml*", re.compile(r"<coverage\b")),
    ("*.runsettings", re.compile(r"(?i)XPlat Code Coverage|coverlet")),
    ("mix.exs", re.compile(r"test_coverage:")),
    ("pom.xml", re.compile(r"jacoco-maven-plugin|cobertura-maven-plugin")),
    ("build.gradle*", re.compile(r"\bjacoco\b|kover")),
)
COVERAGE_FLAG = re.compile(
    r"--cov(?:[=\s-]|$)|-coverprofile|(?<![\w-])-cover(?:mode|pkg)?\b|--coverage\b"
    r"|--collect-coverage|istanbul cover|coverage run|\bnyc\s|\bc8\s|cargo (?:tarpaulin|llvm-cov)"
    r"|jacocoTestReport|XPlat Code Coverage|CollectCoverage=true|mix (?:test --cover|coveralls)"
    r"|--coverage-(?:clover|html|xml|text)|kover(?:Xml|Html)Report|koverVerify",
    re.M,
)
_COVERAGE_CONTENT_GLOBS = tuple(glob for glob, _ in COVERAGE_CONTENT)
# A text `COVERAGE_FLAG` matches holds one of these literals (each alternative does).
_COVERAGE_FLAG_LITERALS = ("cov", "Cov", "nyc", "c8", "tarpaulin", "jacoco", "kover")
CI_FILES = (
    "jenkinsfile", ".gitlab-ci.y*ml", "azure-pipelines.y*ml", ".travis.y*ml",
    "bitbucket-pipelines.y*ml", ".drone.y*ml", "cloudbuild.y*ml",
)  # fmt: skip
CI_DIRS = (".github/workflows/", ".circleci/", ".buildkite/", ".tekton/", ".gitlab/")
SCRIPT_FILES = (
    "makefile", "*.mk", "package.json", "tox.ini", "noxfile.py", "pytest.ini", "setup.cfg",
    "pyproject.toml", "justfile", "taskfile.y*ml", "rakefile", "*.sh", "build.gradle*", "pom.xml",
)  # fmt: skip


def _matches(path: str, globs: tuple[str, ...]) -> bool:
    return base_matches(path, globs)


def _in_ci_dir(path: str) -> bool:
    return any(path.startswith(d) or f"/{d}" in path for d in CI_DIRS)


def ci_files(facts: ServiceFacts) -> list[str]:
    """CI definitions in the service tree, then the repository-level ones (at the root)."""
    return list(facts.file_index.memo(("dep_files.ci_files", facts.root), lambda: _ci(facts)))


def _ci(facts: ServiceFacts) -> tuple[str, ...]:
    named = set(facts.find(*CI_FILES))
    in_dirs = facts.file_index.select(needles=CI_DIRS)  # holding a CI folder's name
    tree = [p for p in facts.file_index.ordered(named, in_dirs) if p in named or _in_ci_dir(p)]
    root = facts.repo_index.memo("dep_files.ci_root", lambda: _ci_root(facts))
    return tuple(dict.fromkeys([*tree, *root]))


def _ci_root(facts: ServiceFacts) -> tuple[str, ...]:
    """CI definitions of the repository: under a CI folder at the root, or at the top."""
    index = facts.repo_index
    in_dirs = [p for p in index.select(needles=CI_DIRS) if p.startswith(CI_DIRS)]
    top = [p for p in index.in_dir("", CI_FILES) if _matches(p, CI_FILES)]
    return index.ordered(in_dirs, top)


def _select(facts: ServiceFacts, globs: tuple[str, ...]) -> list[str]:
    """The files of the service tree, then those at the top of the repository root,
    whose base name matches one of `globs`."""
    top = (p for p in facts.find(*globs, repo=True) if "/" not in p)
    return list(dict.fromkeys([*facts.find(*globs), *top]))


def _coverage_evidence(facts: ServiceFacts) -> Iterator[Evidence]:
    yield from dep_evidence(matching(facts, COVERAGE_LIBS), "coverage tool")
    for p in _select(facts, COVERAGE_CONFIG_FILES):
        yield Evidence(p, None, "coverage configuration")
    shared = _select(facts, _COVERAGE_CONTENT_GLOBS)  # each glob's files, in this order
    for glob, pattern in COVERAGE_CONTENT:
        for p in (p for p in shared if _matches(p, (glob,))):
            line = first_line(facts.texts.get(p, ""), pattern)
            if line is not None:
                yield Evidence(p, line, "coverage configuration")
    scripts = _select(facts, SCRIPT_FILES)
    for p in dict.fromkeys([*ci_files(facts), *scripts]):
        text = facts.texts.get(p, "")
        if not any(s in text for s in _COVERAGE_FLAG_LITERALS):
            continue
        line = first_line(text, COVERAGE_FLAG)
        if line is not None:
            yield Evidence(p, line, "coverage measured in CI or scripts")


@check("tests.coverage", "Test coverage is measured")
def coverage(facts: ServiceFacts) -> Finding:
    return verdict(
        "tests.coverage",
        facts,
        _coverage_evidence(facts),
        "coverage measured",
        "no coverage configuration, coverage tool in dependencies or coverage flag in CI",
    )


CONTRACT = contract
COVERAGE = coverage
