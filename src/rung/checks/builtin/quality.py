"""Built-in check: quality.linter (a linter or formatter is configured).

Linter configs are looked for in the whole service tree and at the top of every folder
from the service root up to the repository root (ruff, eslint, golangci-lint and the
others find their configuration up the tree). Evidence is a config file, a section in a
shared config file (`[tool.ruff]` in pyproject.toml, `[flake8]` in setup.cfg, ...), a
build plugin (checkstyle, PMD, spotless) or a linter in the dependencies. An
`.editorconfig` alone is not a linter.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from functools import lru_cache

from rung.checks.base import CheckSpec, Evidence, Finding, check, failed, passed
from rung.checks.util import dep_evidence, deps_matching, first_line
from rung.collect.facts import ServiceFacts

MAX_EVIDENCE = 5

# tool -> lower-cased base-name globs of its configuration files
CONFIG_FILES: dict[str, tuple[str, ...]] = {
    "ruff": ("ruff.toml", ".ruff.toml"),
    "flake8": (".flake8",),
    "pylint": (".pylintrc", "pylintrc"),
    "mypy": ("mypy.ini", ".mypy.ini"),
    "eslint": (".eslintrc", ".eslintrc.*", "eslint.config.*"),
    "prettier": (".prettierrc", ".prettierrc.*", "prettier.config.*"),
    "golangci-lint": (".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json"),
    "checkstyle": ("checkstyle*.xml",),
    "PMD": ("pmd*.xml", "*pmd*ruleset*.xml"),
    "rubocop": (".rubocop.yml", ".rubocop.yaml"),
    "pre-commit": (".pre-commit-config.yaml", ".pre-commit-config.yml"),
    "stylelint": (".stylelintrc", ".stylelintrc.*", "stylelint.config.*"),
    "biome": ("biome.json", "biome.jsonc"),
    "tslint": ("tslint.json",),
    "jshint": (".jshintrc",),
    "rustfmt": ("rustfmt.toml", ".rustfmt.toml"),
    "clippy": ("clippy.toml", ".clippy.toml"),
    "clang-format": (".clang-format", ".clang-tidy"),
    "swiftlint": (".swiftlint.yml", ".swiftlint.yaml"),
    "detekt": ("detekt.yml", "detekt.yaml", "detekt-config.yml"),
    "scalafmt": (".scalafmt.conf",),
    "phpcs": ("phpcs.xml", "phpcs.xml.dist", ".phpcs.xml", ".phpcs.xml.dist"),
    "php-cs-fixer": (".php-cs-fixer.php", ".php-cs-fixer.dist.php", ".php_cs", ".php_cs.dist"),
    "phpstan": ("phpstan.neon", "phpstan.neon.dist"),
    "credo": (".credo.exs",),
    "mix format": (".formatter.exs",),
    "hadolint": (".hadolint.yaml", ".hadolint.yml"),
    "shellcheck": (".shellcheckrc",),
}

# shared configuration file globs -> a section or plugin naming the tool (group 1)
CONFIG_SECTIONS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (
        ("pyproject.toml",),
        re.compile(
            r"^\[tool\.(ruff|black|pylint|mypy|isort|flake8|pyright|pylama|autopep8)\b",
            re.MULTILINE,
        ),
    ),
    (
        ("setup.cfg", "tox.ini"),
        re.compile(r"^\[(flake8|mypy|pylint|pycodestyle|isort|pylama)\b[^\]]*\]", re.MULTILINE),
    ),
    (("package.json",), re.compile(r"\"(eslintConfig|prettier|stylelint)\"\s*:")),
    (
        ("pom.xml",),
        re.compile(
            r"<artifactId>\s*(maven-checkstyle-plugin|maven-pmd-plugin|spotless-maven-plugin"
            r"|ktlint-maven-plugin|detekt-maven-plugin)\s*</artifactId>"
        ),
    ),
    (
        ("build.gradle", "build.gradle.kts"),
        re.compile(
            r"^[ \t]*(?:id\s*\(?\s*[\"'](?:com\.diffplug\.)?(spotless|checkstyle|pmd"
            r"|org\.jlleitschuh\.gradle\.ktlint|io\.gitlab\.arturbosch\.detekt)[\"']"
            r"|apply\s+plugin:\s*[\"'](checkstyle|pmd)[\"']|(checkstyle|pmd|spotless)\s*\{)",
            re.MULTILINE,
        ),
    ),
)

LINTER_DEPS = re.compile(
    r"eslint|eslint-(?:config|plugin)-.*|@eslint/.*|@typescript-eslint/.*|typescript-eslint"
    r"|prettier|stylelint|@biomejs/biome|tslint|standard|xo|jshint"
    r"|ruff|flake8|flake8-.*|pylint|black|mypy|isort|autopep8|yapf|pycodestyle|pyflakes"
    r"|pyright|pylama|rubocop|rubocop-.*|standardrb"
    r"|squizlabs/php_codesniffer|friendsofphp/php-cs-fixer|phpstan/phpstan|credo"
    r"|github\.com/golangci/golangci-lint(?:/.*)?|honnef\.co/go/tools"
    r"|com\.puppycrawl\.tools:checkstyle|com\.diffplug\.spotless:.*|.*:spotless-maven-plugin"
    r"|.*:maven-checkstyle-plugin|.*:maven-pmd-plugin|stylecop\.analyzers"
    r"|com\.pinterest(?:\.ktlint)?:ktlint.*|io\.gitlab\.arturbosch\.detekt:.*"
)


_NAMES = tuple(g for globs in CONFIG_FILES.values() for g in globs) + tuple(
    n for names, _ in CONFIG_SECTIONS for n in names
)


def _scope(facts: ServiceFacts, *patterns: str) -> list[str]:
    """The files of the service tree, then those at the top level of each folder above
    it up to the root, whose base name matches one of `patterns`."""
    out = facts.find(*patterns)
    root = "" if facts.root in ("", ".") else facts.root
    above: set[str] = set()
    while root:
        root = posixpath.dirname(root)
        above.add(root)
    if not above:
        return out
    above_hits = [p for p in facts.find(*patterns, repo=True) if posixpath.dirname(p) in above]
    own = set(facts.file_index.among(above_hits))
    return out + [p for p in above_hits if p not in own]


@lru_cache(maxsize=8192)
def _tool_of(name: str) -> str | None:
    low = name.lower()
    for tool, globs in CONFIG_FILES.items():
        if any(fnmatch.fnmatchcase(low, g) for g in globs):
            return tool
    return None


def _section_evidence(facts: ServiceFacts, path: str) -> Evidence | None:
    low = posixpath.basename(path).lower()
    for globs, rx in CONFIG_SECTIONS:
        if low in globs:
            text = facts.texts.get(path, "")
            m = rx.search(text)
            if m:
                tool = next(g for g in m.groups() if g)
                return Evidence(path, first_line(text, rx), f"{tool} configured")
    return None


def linter_evidence(facts: ServiceFacts) -> list[Evidence]:
    ev: list[Evidence] = []
    for p in _scope(facts, *_NAMES):
        tool = _tool_of(posixpath.basename(p))
        if tool is not None:
            ev.append(Evidence(p, None, f"{tool} configuration"))
            continue
        section = _section_evidence(facts, p)
        if section is not None:
            ev.append(section)
    seen = {(e.path, e.line) for e in ev}
    deps = dep_evidence(deps_matching(facts, LINTER_DEPS), "linter dependency")
    return ev + [e for e in deps if (e.path, e.line) not in seen]


@check("quality.linter", "A linter or formatter is configured")
def quality_linter(facts: ServiceFacts) -> Finding:
    ev = linter_evidence(facts)
    if ev:
        return passed("quality.linter", "linter or formatter configured", *ev[:MAX_EVIDENCE])
    editorconfig = _scope(facts, ".editorconfig")
    note = " (.editorconfig alone is not a linter)" if editorconfig else ""
    return failed(
        "quality.linter",
        "no linter or formatter config (ruff, flake8, pylint, black, mypy, eslint, prettier,"
        " golangci-lint, checkstyle, PMD, spotless, rubocop, pre-commit) nor a linter"
        f" dependency{note}",
    )


CHECKS: tuple[CheckSpec, ...] = (quality_linter,)
