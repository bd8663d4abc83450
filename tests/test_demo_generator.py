"""The demo portfolio generator: real git repositories, deterministic, realistic enough."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from rung.demo.generator import (
    DEFAULT_NOW,
    MARKER,
    DemoDestinationError,
    DemoPortfolio,
    generate_portfolio,
)

NOW = DEFAULT_NOW
SINCE = (NOW - timedelta(days=90)).isoformat()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def heads(portfolio: DemoPortfolio) -> dict[str, str]:
    return {r.name: git(r, "rev-parse", "HEAD").strip() for r in portfolio.repositories}


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> DemoPortfolio:
    base = tmp_path_factory.mktemp("demo")
    return generate_portfolio(base / "portfolio", services=40, max_commits=80)


def test_counts(portfolio: DemoPortfolio) -> None:
    svcs = portfolio.services
    assert len(svcs) == 40
    assert len({s.name for s in svcs}) == 40
    assert len({s.language for s in svcs}) >= 4
    assert {s.tier for s in svcs} == {0, 1, 2, 3, 4}
    assert sum(s.critical_path for s in svcs) >= 4
    mono = Counter(s.repo for s in svcs if s.root != ".")
    assert len(mono) >= 2
    assert all(3 <= n <= 6 for n in mono.values())
    assert all(s.root == f"services/{s.name}" for s in svcs if s.repo in mono)
    singles = [s for s in svcs if s.root == "."]
    assert all(s.repo == s.name for s in singles)  # rung infers the name from the folder
    assert len(portfolio.repositories) == len(singles) + len(mono)
    assert (portfolio.root / MARKER).is_file()


def test_catalog_descriptors(portfolio: DemoPortfolio) -> None:
    docs = {}
    for s in portfolio.services:
        path = portfolio.root / s.repo / s.root / "catalog-info.yaml"
        if path.exists():
            docs[s.name] = yaml.safe_load(path.read_text())
        assert path.exists() or (s.tier < 2 and s.root == "." and not s.critical_path)
    for s in portfolio.services:
        if s.critical_path:
            ann = docs[s.name]["metadata"]["annotations"]
            assert ann["rung.dev/critical-path"] == "true"
    annotations = [d["metadata"]["annotations"] for d in docs.values()]
    assert sum(a.get("rung.dev/profile") == "fintech" for a in annotations) == 2
    pins = [a for a in annotations if "rung.dev/required-level" in a]
    assert len(pins) == 1 and pins[0]["rung.dev/required-level"] == "3"
    assert pins[0]["rung.dev/required-level-reason"]
    assert any("pagerduty.com/service-id" in a for a in annotations)
    assert all(d["kind"] == "Component" and d["spec"]["type"] == "service" for d in docs.values())


def test_histories(portfolio: DemoPortfolio) -> None:
    firsts, authors = [], set()
    busy = 0
    for s in portfolio.services:
        repo = portfolio.root / s.repo
        dates = git(repo, "log", "--no-merges", "--format=%ct", "--", s.root).split()
        assert dates, s.name
        firsts.append(int(dates[-1]))
        assert max(int(d) for d in dates) <= NOW.timestamp()
        recent = git(
            repo, "log", "--no-merges", f"--since={SINCE}", f"--until={NOW.isoformat()}",
            "--format=%aE", "--", s.root,
        ).split()  # fmt: skip
        busy += len(recent) >= 40
        authors |= {a.lower() for a in recent}
        authors |= {a.lower() for a in git(repo, "log", "--format=%aE", "-5").split()}
    span = NOW - datetime.fromtimestamp(min(firsts), UTC)
    assert span >= timedelta(days=730)
    assert max(firsts) > NOW.timestamp() - 200 * 86400  # and some services are young
    assert len(authors) >= 10
    assert busy >= 3


def test_merges_tags_and_mailmap(portfolio: DemoPortfolio) -> None:
    repos = portfolio.repositories
    assert any(git(r, "log", "--merges", "--format=%H").strip() for r in repos)
    tags = [t for r in repos for t in git(r, "tag").split()]
    assert tags and all(re.fullmatch(r"v\d+\.\d+\.\d+", t) for t in tags)
    mailmaps = [r for r in repos if (r / ".mailmap").is_file()]
    assert len(mailmaps) == 1
    raw = git(mailmaps[0], "log", "--format=%ae").split()
    mapped = git(mailmaps[0], "log", "--format=%aE").split()
    assert any(e.endswith("@laptop.local") for e in raw)
    assert not any(e.endswith("@laptop.local") for e in mapped)


def test_work_tree_checked_out(portfolio: DemoPortfolio) -> None:
    for repo in portfolio.repositories:
        files = git(repo, "ls-files").splitlines()
        assert files and all((repo / f).is_file() for f in files)
        assert git(repo, "status", "--porcelain") == ""
        assert git(repo, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    sizes = [len(git(r, "ls-files").splitlines()) for r in portfolio.repositories]
    assert max(sizes) >= 30


def test_fake_aws_key_committed_once(portfolio: DemoPortfolio) -> None:
    pattern = re.compile(r"AKIA[A-Z2-7]{16}")
    hits = [
        p for r in portfolio.repositories for p in r.rglob("*.env")
        if ".git" not in p.parts and pattern.search(p.read_text())
    ]  # fmt: skip
    assert len(hits) == 1
    owner = next(s for s in portfolio.services if hits[0].is_relative_to(portfolio.root / s.repo))
    assert owner.tier == min(s.tier for s in portfolio.services)


def test_language_files(portfolio: DemoPortfolio) -> None:
    markers = {
        "Python": ("pyproject.toml", "requirements.txt"),
        "Java": ("pom.xml", "build.gradle.kts"),
        "Go": ("go.mod",),
        "TypeScript": ("package.json",),
        "Ruby": ("Gemfile",),
        "Rust": ("Cargo.toml",),
        "PHP": ("composer.json",),
    }
    for s in portfolio.services:
        root = portfolio.root / s.repo / s.root
        if s.language == "C#":
            assert list(root.glob("src/*/*.csproj")), s.name
        else:
            assert any((root / m).is_file() for m in markers[s.language]), s.name


def test_deterministic_and_regenerates(tmp_path: Path) -> None:
    dest = tmp_path / "demo"
    first = heads(generate_portfolio(dest, seed=3, services=10, monorepos=1, max_commits=30))
    (dest / "leftover.txt").write_text("from an earlier run")
    again = heads(generate_portfolio(dest, seed=3, services=10, monorepos=1, max_commits=30))
    assert again == first
    assert not (dest / "leftover.txt").exists()
    other = generate_portfolio(tmp_path / "other", seed=4, services=10, monorepos=1, max_commits=30)
    assert heads(other) != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo", "other"]


def test_refuses_a_folder_that_is_not_a_demo(tmp_path: Path) -> None:
    dest = tmp_path / "work"
    dest.mkdir()
    (dest / "precious.txt").write_text("keep me")
    with pytest.raises(DemoDestinationError, match="not a rung demo"):
        generate_portfolio(dest, services=5, max_commits=20)
    assert (dest / "precious.txt").read_text() == "keep me"
    assert sorted(p.name for p in dest.iterdir()) == ["precious.txt"]


def test_big_repository(tmp_path: Path) -> None:
    p = generate_portfolio(
        tmp_path / "big", services=3, monorepos=0, max_commits=20, big_repos=1, big_commits=1500
    )
    counts = sorted(int(git(r, "rev-list", "--count", "HEAD")) for r in p.repositories)
    assert counts[-1] >= 1500
    assert counts[0] <= 40
