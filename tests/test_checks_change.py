"""change.py checks on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from facts_helper import facts_for
from gitrepo import Repo, make_repo
from rung.checks.base import Finding, Status
from rung.checks.builtin import change


def ev(f: Finding) -> list[tuple[str, int | None]]:
    return [(e.path, e.line) for e in f.evidence]


# ----- change.codeowners -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["CODEOWNERS", ".github/CODEOWNERS", "docs/codeowners", ".gitlab/CODEOWNERS"]
)
def test_codeowners_pass(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "* @team\n", "svc/main.go": ""})
    f = change.change_codeowners(facts_for(r, "svc"))
    assert f.status is Status.PASS and ev(f) == [(path, None)]


def test_codeowners_fail_elsewhere(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {"src/CODEOWNERS": "* @x\n", "other/.github/CODEOWNERS": "* @x\n", "svc/a.go": ""},
    )
    f = change.change_codeowners(facts_for(r, "svc"))
    assert f.status is Status.FAIL and f.evidence == ()


# ----- change.review_template -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        ".github/pull_request_template.md",
        ".github/PULL_REQUEST_TEMPLATE.md",
        "docs/pull_request_template.md",
        "pull_request_template.md",
        ".github/PULL_REQUEST_TEMPLATE/feature.md",
        ".gitlab/merge_request_templates/Default.md",
    ],
)
def test_review_template_pass(tmp_path: Path, path: str) -> None:
    r = make_repo(tmp_path / "r", {path: "## What\n"})
    f = change.change_review_template(facts_for(r))
    assert f.status is Status.PASS and ev(f) == [(path, None)]


def test_review_template_fail(tmp_path: Path) -> None:
    r = make_repo(
        tmp_path / "r",
        {".github/ISSUE_TEMPLATE/bug.md": "x", "templates/pull_request_template.md": "x"},
    )
    assert change.change_review_template(facts_for(r)).status is Status.FAIL


# ----- release.versioned -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["v1.2.3", "v1.10.0", "nightly"], ["refs/tags/v1.10.0", "refs/tags/v1.2.3"]),
        (["1.2.3"], ["refs/tags/1.2.3"]),
        (["v2.0"], ["refs/tags/v2.0"]),
        (["carts/v1.2.3"], ["refs/tags/carts/v1.2.3"]),
        (["carts-v0.1.0-rc.1"], ["refs/tags/carts-v0.1.0-rc.1"]),
        (["@scope/pkg@1.0.0"], ["refs/tags/@scope/pkg@1.0.0"]),
    ],
)
def test_versioned_by_tags(tmp_path: Path, tags: list[str], expected: list[str]) -> None:
    r = make_repo(tmp_path / "r", {"main.go": ""})
    for t in tags:
        r.tag(t)
    f = change.release_versioned(facts_for(r))
    assert f.status is Status.PASS
    assert [e.path for e in f.evidence] == expected


def test_versioned_fail_non_version_tags(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"main.go": ""})
    for t in ("nightly", "2024-01-01", "v1", "latest"):
        r.tag(t)
    f = change.release_versioned(facts_for(r))
    assert f.status is Status.FAIL and f.evidence == ()


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".releaserc.json": "{}"}, [(".releaserc.json", None)]),
        ({"release.config.js": ""}, [("release.config.js", None)]),
        ({"release-please-config.json": "{}"}, [("release-please-config.json", None)]),
        ({".goreleaser.yml": "x: 1"}, [(".goreleaser.yml", None)]),
        ({".changeset/config.json": "{}"}, [(".changeset/config.json", None)]),
        (
            {
                "package.json": '{\n  "name": "x",\n'
                '  "devDependencies": {"semantic-release": "1"}\n}'
            },
            [("package.json", 3)],
        ),
        (
            {"package.json": '{\n  "name": "x",\n  "release": {"branches": []}\n}'},
            [("package.json", 3)],
        ),
        (
            {"pyproject.toml": "[project]\nname='x'\n[tool.semantic_release]\n"},
            [("pyproject.toml", 3)],
        ),
        (
            {
                ".github/workflows/r.yml": "on: push\njobs:\n  r:\n    steps:\n"
                "      - uses: googleapis/release-please-action@v4\n"
            },
            [(".github/workflows/r.yml", 5)],
        ),
    ],
)
def test_versioned_by_release_config(
    tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int | None]]
) -> None:
    r = make_repo(tmp_path / "r", files)
    f = change.release_versioned(facts_for(r))
    assert f.status is Status.PASS and ev(f) == expected


def test_versioned_monorepo_config_of_other_service_does_not_count(tmp_path: Path) -> None:
    r = make_repo(tmp_path / "r", {"a/.goreleaser.yml": "x", "b/main.go": ""})
    assert change.release_versioned(facts_for(r, "b")).status is Status.FAIL
    assert ev(change.release_versioned(facts_for(r, "a"))) == [("a/.goreleaser.yml", None)]


def test_versioned_unknown_without_history(tmp_path: Path) -> None:
    r = Repo(tmp_path / "r")  # files staged, never committed: no history, no tags
    r.write({"main.go": ""})
    r.git("add", "-A")
    f = change.release_versioned(facts_for(r))
    assert f.status is Status.UNKNOWN, f
    r.write({".goreleaser.yaml": "x: 1"})
    r.git("add", "-A")
    assert ev(change.release_versioned(facts_for(r))) == [(".goreleaser.yaml", None)]
