"""quality.py checks on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import Finding, Status
from rung.checks.builtin import quality


def ev(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


@pytest.mark.parametrize(
    "path",
    [
        "ruff.toml",
        ".ruff.toml",
        ".flake8",
        ".pylintrc",
        "mypy.ini",
        ".eslintrc.json",
        ".ESLintRC",
        "eslint.config.mjs",
        ".prettierrc",
        "prettier.config.js",
        ".golangci.yml",
        ".golangci.toml",
        "config/checkstyle/checkstyle.xml",
        "pmd-ruleset.xml",
        ".rubocop.yml",
        ".pre-commit-config.yaml",
        ".pre-commit-config.yml",
    ],
)
def test_linter_config_files(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "x", "main.py": ""})
    f = quality.quality_linter(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, None)]


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.ruff.lint]\nselect = ['E']\n", 4),
        ("pyproject.toml", "[project]\n[tool.black]\nline-length = 100\n", 2),
        ("pyproject.toml", "[tool.mypy]\nstrict = true\n", 1),
        ("pyproject.toml", "[tool.pylint.messages_control]\n", 1),
        ("setup.cfg", "[metadata]\nname = x\n[flake8]\nmax-line-length = 100\n", 3),
        ("setup.cfg", "[mypy]\n", 1),
        ("tox.ini", "[tox]\n[flake8]\n", 2),
        ("package.json", '{\n  "name": "x",\n  "eslintConfig": {"extends": "x"}\n}\n', 3),
        ("package.json", '{\n  "name": "x",\n  "prettier": {}\n}\n', 3),
        (
            "pom.xml",
            "<project>\n<build><plugins>\n<plugin>\n"
            "<artifactId>maven-checkstyle-plugin</artifactId>\n</plugin></plugins></build>\n"
            "</project>\n",
            4,
        ),
        ("build.gradle.kts", 'plugins {\n\n    id("com.diffplug.spotless") version "6"\n}\n', 3),
        ("build.gradle", "apply plugin: 'pmd'\n", 1),
    ],
)
def test_linter_sections(tmp_path: Path, path: str, text: str, line: int) -> None:
    r = make_repo(tmp_path / "r", {path: text})
    f = quality.quality_linter(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, line)]


def test_linter_dependency(tmp_path: Path) -> None:
    pkg = '{\n  "name": "x",\n  "devDependencies": {\n    "eslint": "^9.0.0"\n  }\n}\n'
    r = make_repo(tmp_path / "r", {"package.json": pkg})
    f = quality.quality_linter(facts_for(r))
    assert f.status is Status.PASS
    assert [e.path for e in f.evidence] == ["package.json"]


def test_linter_requirements_dev(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"requirements-dev.txt": "pytest==8.0\nruff==0.5.0\n"})
    f = quality.quality_linter(facts_for(r))
    assert f.status is Status.PASS
    assert [e.path for e in f.evidence] == ["requirements-dev.txt"]


def test_editorconfig_alone_fails(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {".editorconfig": "root = true\n", "main.py": ""})
    f = quality.quality_linter(facts_for(r))
    assert f.status is Status.FAIL and ".editorconfig alone" in f.message


def test_editorconfig_with_linter_passes(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {".editorconfig": "root = true\n", ".flake8": "[flake8]\n"})
    assert ev(quality.quality_linter(facts_for(r))) == [(".flake8", None)]


def test_monorepo_root_config_applies_up_the_tree(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            ".golangci.yml": "x",
            "services/.eslintrc.js": "x",
            "services/carts/main.go": "",
            "services/orders/ruff.toml": "",
            "tools/.rubocop.yml": "",
        },
    )
    f = quality.quality_linter(facts_for(r, "services/carts"))
    assert sorted(ev(f)) == [(".golangci.yml", None), ("services/.eslintrc.js", None)]


def test_linter_fail_vendored_and_sibling(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {
            "node_modules/x/.eslintrc.json": "{}",
            "a/main.py": "",
            "b/ruff.toml": "",
            "a/pyproject.toml": "[project]\nname='a'\n# [tool.ruff] is coming\n",
        },
    )
    f = quality.quality_linter(facts_for(r, "a"))
    assert f.status is Status.FAIL and f.evidence == ()
