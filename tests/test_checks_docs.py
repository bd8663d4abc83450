"""docs.py checks on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import make_repo
from rung.checks.base import Finding, Status
from rung.checks.builtin import docs
from rung.checks.builtin.docs import is_setup_command, is_test_command


def ev(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


# ----- readme.present ---------------------------------------------------------------------


def test_readme_present_pass_case_insensitive(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"ReadMe.MD": "# svc\n", "main.py": ""})
    f = docs.readme_present(facts_for(r))
    assert f.status is Status.PASS
    assert ev(f) == [("ReadMe.MD", None)]


def test_readme_present_fail_and_vendored_ignored(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"node_modules/x/README.md": "# x\n", "main.py": ""})
    f = docs.readme_present(facts_for(r))
    assert f.status is Status.FAIL
    assert f.evidence == ()


def test_readme_monorepo_root_readme_does_not_count(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r", {"README.md": "# mono\n", "svc/a/main.go": "", "svc/b/README.md": "x"}
    )
    assert docs.readme_present(facts_for(r, "svc/a")).status is Status.FAIL
    f = docs.readme_present(facts_for(r, "svc/b"))
    assert f.status is Status.PASS and ev(f) == [("svc/b/README.md", None)]


def test_readme_single_service_in_subfolder_uses_repo_root(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"README.rst": "svc\n===\n", "app/main.py": ""})
    f = docs.readme_present(facts_for(r, "app", single=True))
    assert f.status is Status.PASS and ev(f) == [("README.rst", None)]


# ----- readme.setup / readme.tests ------------------------------------------------------

SETUP_README = """# Carts

Some words.

## Getting Started

Prose.

## Testing

```sh
pytest -q
```
"""


def test_readme_setup_and_tests_headings(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"README.md": SETUP_README})
    facts = facts_for(r)
    f = docs.readme_setup(facts)
    assert f.status is Status.PASS and ev(f) == [("README.md", 5)]
    f = docs.readme_tests(facts)
    assert f.status is Status.PASS and ev(f) == [("README.md", 9)]


def test_readme_fenced_commands_without_headings(tmp_path: Path) -> None:
    text = "Carts\n\nRun it:\n\n```\n$ docker compose up -d\n```\n\n```bash\n./gradlew test\n```\n"
    r = make_repo(tmp_path / "r", {"README": text})
    facts = facts_for(r)
    assert ev(docs.readme_setup(facts)) == [("README", 6)]
    assert ev(docs.readme_tests(facts)) == [("README", 10)]


def test_readme_rst_and_indented(tmp_path: Path) -> None:
    text = "=====\nCarts\n=====\n\nQuick start\n-----------\n\nText::\n\n   tox -e py311\n"
    r = make_repo(tmp_path / "r", {"README.rst": text})
    facts = facts_for(r)
    assert ev(docs.readme_setup(facts)) == [("README.rst", 5)]
    assert ev(docs.readme_tests(facts)) == [("README.rst", 10)]


def test_readme_adoc_headings(tmp_path: Path) -> None:
    text = "= Carts\n\n== Installation\n\n[source]\n----\nmvn test\n----\n"
    r = make_repo(tmp_path / "r", {"README.adoc": text})
    facts = facts_for(r)
    assert ev(docs.readme_setup(facts)) == [("README.adoc", 3)]
    assert ev(docs.readme_tests(facts)) == [("README.adoc", 7)]


def test_readme_setext_and_inline_code(tmp_path: Path) -> None:
    text = "Carts\n=====\n\nHow to run\n----------\n\nRun `make test` before pushing.\n"
    r = make_repo(tmp_path / "r", {"README.md": text})
    facts = facts_for(r)
    assert ev(docs.readme_setup(facts)) == [("README.md", 4)]
    assert ev(docs.readme_tests(facts)) == [("README.md", 7)]


def test_readme_without_setup_or_tests_fails(tmp_path: Path) -> None:
    text = "# Carts\n\nThe carts service. Latest news below.\n\n## License\n\nMIT\n"
    r = make_repo(tmp_path / "r", {"README.md": text})
    facts = facts_for(r)
    assert docs.readme_setup(facts).status is Status.FAIL
    assert docs.readme_tests(facts).status is Status.FAIL


def test_running_tests_heading_is_not_setup(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"README.md": "# Carts\n\n## Running the tests\n\nSee CI.\n"})
    facts = facts_for(r)
    assert docs.readme_setup(facts).status is Status.FAIL
    assert ev(docs.readme_tests(facts)) == [("README.md", 3)]


def test_readme_checks_fail_without_readme(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"main.py": ""})
    facts = facts_for(r)
    for f in (docs.readme_setup(facts), docs.readme_tests(facts)):
        assert f.status is Status.FAIL
        assert "no README" in f.message


def test_comment_in_code_block_is_not_a_heading(tmp_path: Path) -> None:
    text = "Carts\n\n```\n# Install\necho hi\n```\n"
    r = make_repo(tmp_path / "r", {"README.md": text})
    assert docs.readme_setup(facts_for(r)).status is Status.FAIL


@pytest.mark.parametrize(
    "cmd",
    [
        "pip install -r requirements.txt",
        "poetry install",
        "uv sync",
        "npm ci",
        "yarn",
        "pnpm install",
        "go run ./cmd/server",
        "./mvnw spring-boot:run",
        "gradle build",
        "make",
        "docker compose up -d",
        "docker-compose up",
        "docker run -p 8080:8080 carts",
        "cargo build --release",
        "bundle install",
        "composer install",
        "dotnet restore",
        "mix deps.get",
        "$ sudo pip3 install .",
        "cd app && npm install",
    ],
)
def test_setup_commands(cmd: str) -> None:
    assert is_setup_command(cmd)


@pytest.mark.parametrize(
    "cmd",
    [
        "pytest",
        "python -m pytest -q",
        "npm test",
        "npm run test:unit",
        "yarn test",
        "go test ./...",
        "mvn test",
        "./mvnw -B verify",
        "./gradlew test",
        "make test",
        "tox",
        "nox -s tests",
        "cargo test",
        "bundle exec rspec",
        "dotnet test",
        "mix test",
        "vendor/bin/phpunit",
        "npx jest --ci",
        "vitest run",
        "./scripts/test.sh",
        "poetry run pytest --cov",
    ],
)
def test_test_commands(cmd: str) -> None:
    assert is_test_command(cmd)
    assert not is_setup_command(cmd)


@pytest.mark.parametrize("cmd", ["test -f file", "echo testing", "make build", "latest"])
def test_not_test_commands(cmd: str) -> None:
    assert not is_test_command(cmd)


# ----- docs.contributing, release.changelog -------------------------------------------------


def test_contributing_repo_level_for_monorepo_service(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {".github/Contributing.md": "x", "svc/a/main.go": ""})
    f = docs.docs_contributing(facts_for(r, "svc/a"))
    assert f.status is Status.PASS and ev(f) == [(".github/Contributing.md", None)]


def test_contributing_fail(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"svc/a/main.go": "", "vendor/x/CONTRIBUTING.md": "x"})
    assert docs.docs_contributing(facts_for(r, "svc/a")).status is Status.FAIL


def test_changelog_top_level_service_then_repo(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"CHANGES.rst": "x", "svc/a/changelog.md": "x", "svc/a/src/HISTORY.md": "x"},
    )
    f = docs.release_changelog(facts_for(r, "svc/a"))
    assert f.status is Status.PASS
    assert ev(f) == [("svc/a/changelog.md", None), ("CHANGES.rst", None)]


def test_changelog_fail_wrong_extension_or_depth(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"history.py": "", "docs/CHANGELOG.md": "x", "news.json": "{}"})
    assert docs.release_changelog(facts_for(r)).status is Status.FAIL


def test_changelog_no_extension(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"NEWS": "x"})
    assert ev(docs.release_changelog(facts_for(r))) == [("NEWS", None)]


# ----- docs.architecture --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "docs/adr/0001-use-postgres.md",
        "doc/architecture/decisions/0002-record.md",
        "docs/decisions/adr-001-kafka.md",
        "adr/0001-x.md",
        "docs/0001-use-kafka.md",
        "ARCHITECTURE.md",
        "mkdocs.yml",
        "docs/conf.py",
        "docs/source/conf.py",
        "website/docusaurus.config.js",
    ],
)
def test_architecture_pass(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "x", "main.py": ""})
    f = docs.docs_architecture(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, None)]


@pytest.mark.parametrize(
    "path",
    ["src/decisions/0001_rule.py", "docs/adr/template.md", "src/conf.py", "docs/guide.md"],
)
def test_architecture_fail(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "x"})
    assert docs.docs_architecture(facts_for(r)).status is Status.FAIL


def test_architecture_in_service_tree_only(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"ARCHITECTURE.md": "x", "svc/a/docs/adr/0001-x.md": "x"})
    f = docs.docs_architecture(facts_for(r, "svc/a"))
    assert ev(f) == [("svc/a/docs/adr/0001-x.md", None)]
    r2 = make_repo(tmp_path / "r2", {"ARCHITECTURE.md": "x", "svc/b/main.go": ""})
    assert docs.docs_architecture(facts_for(r2, "svc/b")).status is Status.FAIL
