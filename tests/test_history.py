"""Git history per service root: the one-pass replay equals `git log --no-merges -- root`."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import pytest

from gitrepo import Repo, _env
from rung.collect.facts import GitFacts
from rung.collect.history import (
    _full_log,
    _parent_blocks,
    _walk,
    _whole_tree_hits,
    _whole_tree_keep,
    read_history,
    shas_by_root,
    shas_by_root_of_repo,
)

_clock = itertools.count(1)


def _date() -> str:
    n = next(_clock)
    return f"2025-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}T10:{n % 60:02d}:00+00:00"


def commit(repo: Repo, files: dict[str, str] | None = None, **kw: object) -> str:
    return repo.commit(files, date=_date(), **kw)  # type: ignore[arg-type]


def merge(repo: Repo, *branches: str, strategy: str | None = None) -> str:
    args = ["merge", "-q", "--no-ff", "-m", f"merge {' '.join(branches)}"]
    if strategy:
        args += ["-s", strategy]
    repo.git(*args, *branches, env=_env("Merger", "merger@example.com", _date()))
    return repo.git("rev-parse", "HEAD").strip()


def git_log(repo: Repo, root: str) -> list[str]:
    out = repo.git("--literal-pathspecs", "log", "--no-merges", "--format=%H", "--", root)
    return out.split()


def assert_same_as_git(repo: Repo, roots: list[str]) -> None:
    ours = shas_by_root_of_repo(str(repo.path), roots)
    for root in roots:
        expected = git_log(repo, root)
        assert ours[root] == expected, root


def test_linear_monorepo_matches_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "mono")
    commit(repo, {"README.md": "x", "a/app.py": "1", "b/main.go": "1"})
    commit(repo, {"a/app.py": "2"})
    commit(repo, {"b/main.go": "2", "a/lib/x.py": "1"})
    commit(repo)  # empty commit: git log -- . leaves it out
    commit(repo, {"README.md": "y"})
    repo.git("mv", "a/lib/x.py", "b/x.py")
    commit(repo)  # a move across roots touches both
    commit(repo, {"a/sub/deep/f.txt": "z", "ab/file": "not a"})
    commit(repo, remove=("b/main.go",))
    roots = [".", "a", "b", "a/sub", "ab", "missing"]
    assert_same_as_git(repo, roots)
    ours = shas_by_root_of_repo(str(repo.path), roots)
    assert len(ours["."]) == 7 and ours["missing"] == []


def test_no_ff_merges_match_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "mono")
    commit(repo, {"a/f": "1", "b/f": "1", "c/f": "1"})
    repo.git("checkout", "-q", "-b", "side")
    commit(repo, {"a/f": "side"})
    commit(repo, {"b/g": "side"})
    repo.git("checkout", "-q", "main")
    commit(repo, {"c/f": "main"})
    merge(repo, "side")
    # a side branch touching only one root, merged while main changed another
    repo.git("checkout", "-q", "-b", "side2")
    commit(repo, {"b/f": "side2"})
    commit(repo)  # empty commit on the side branch
    repo.git("checkout", "-q", "main")
    commit(repo, {"a/f": "main2"})
    merge(repo, "side2")
    # a merge bringing nothing new (tree equal to both parents)
    repo.git("checkout", "-q", "-b", "side3")
    commit(repo)
    repo.git("checkout", "-q", "main")
    merge(repo, "side3")
    roots = [".", "a", "b", "c"]
    assert_same_as_git(repo, roots)


def test_simplified_away_side_branches_match_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "mono")
    commit(repo, {"a/f": "1", "b/f": "1"})
    # -s ours: the side branch's change to a/ is dropped; git log -- a omits it
    repo.git("checkout", "-q", "-b", "dropped")
    commit(repo, {"a/f": "dropped"})
    repo.git("checkout", "-q", "main")
    commit(repo, {"b/f": "main"})
    merge(repo, "dropped", strategy="ours")
    # the same change on both sides: the merge is TREESAME to its first parent
    repo.git("checkout", "-q", "-b", "twin")
    commit(repo, {"a/g": "same"})
    repo.git("checkout", "-q", "main")
    commit(repo, {"a/g": "same", "b/h": "main"})
    merge(repo, "twin")
    # main changes b/, the merge takes the side's version: TREESAME to the second parent
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "theirs")
    commit(repo, {"a/x": "theirs"})
    repo.git("checkout", "-q", "main")
    commit(repo, {"a/x": "mine", "b/y": "mine"})
    repo.git("merge", "-q", "--no-ff", "--no-commit", "-s", "ours", "theirs")
    repo.git("checkout", "theirs", "--", "a")
    repo.git("commit", "-q", "-m", "resolve", env=_env("M", "m@example.com", _date()))
    # an octopus merge of three branches
    for name, path in (("o1", "a/o1"), ("o2", "b/o2"), ("o3", "c/o3")):
        repo.git("checkout", "-q", "-b", name, base)
        commit(repo, {path: name})
    repo.git("checkout", "-q", "main")
    merge(repo, "o1", "o2", "o3")
    roots = [".", "a", "b", "c"]
    assert_same_as_git(repo, roots)
    # the dropped side commit really is left out (git and we agree)
    dropped = repo.git("rev-parse", "dropped").strip()
    assert dropped not in shas_by_root_of_repo(str(repo.path), roots)["a"]


def test_odd_file_names(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "mono")
    commit(repo, {"svc one/a b.txt": "1", "svc two/x": "1"})
    commit(repo, {"svc one/ünï cödé.py": "1"})
    commit(repo, {"svc two/new\nline": "1"})
    commit(repo, {"svc two/\x01" + "a" * 40: "1"})
    roots = [".", "svc one", "svc two"]
    assert_same_as_git(repo, roots)
    assert len(shas_by_root_of_repo(str(repo.path), roots)["svc two"]) == 3


def test_read_history_facts(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"a/f": "1"}, email="Alice@Example.COM", date="2024-01-01T00:00:00+00:00")
    repo.commit({"b/f": "1"}, email="bob@example.com", date="2024-02-01T00:00:00+00:00")
    repo.commit({"a/f": "2"}, email="carol@example.com", date="2024-03-01T00:00:00+00:00")
    repo.tag("v1.0.0")
    repo.tag("release-2")
    head = repo.git("rev-parse", "HEAD").strip()
    facts = read_history(str(repo.path), [".", "a", "b/"])
    assert facts["a"] == GitFacts(
        available=True,
        head=head,
        commits=((1709251200, "carol@example.com"), (1704067200, "alice@example.com")),
        tags=("release-2", "v1.0.0"),
    )
    assert facts["b/"].commits == ((1706745600, "bob@example.com"),)
    assert len(facts["."].commits) == 3
    # one root: the direct git log gives the same facts as the multi-root pass
    assert read_history(str(repo.path), ["a"])["a"] == facts["a"]
    assert read_history(str(repo.path), ["./"])["./"] == facts["."]


def test_mailmap_is_honoured(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "r")
    repo.commit({"f": "1"}, author="Al", email="old@home.example")
    repo.commit({"f": "2"}, author="Al", email="al@work.example")
    repo.commit({".mailmap": "Al <AL@work.example> <old@home.example>\n"}, email="al@work.example")
    for roots in (["."], [".", "x"]):
        commits = read_history(str(repo.path), roots)["."].commits
        assert {e for _, e in commits} == {"al@work.example"}


def test_empty_repository(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "empty")
    facts = read_history(str(repo.path), [".", "a"])
    assert facts["."] == GitFacts(available=False, reason="repository has no commits")
    assert facts["a"].available is False


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    facts = read_history(str(tmp_path / "plain"), ["."])
    assert facts["."].available is False
    assert facts["."].reason.startswith("cannot read git history")


def test_shallow_clone(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "origin")
    for k in range(5):
        commit(repo, {"a/f": str(k), "b/f": str(k)})
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{repo.path}", str(clone)], check=True
    )
    facts = read_history(str(clone), ["a", "b"])
    assert len(facts["a"].commits) == 2 and facts["a"].available
    single = read_history(str(clone), ["a"])
    assert single["a"].commits == facts["a"].commits
    whole = read_history(str(clone), ["."])["."]
    out = subprocess.run(
        ["git", "log", "--no-merges", "--format=%ct %aE", "--", "."],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert [f"{t} {e}" for t, e in whole.commits] == out and len(out) == 2


@pytest.mark.parametrize("roots", [["."], ["svc", "."]])
def test_nested_roots(tmp_path: Path, roots: list[str]) -> None:
    repo = Repo(tmp_path / "r")
    commit(repo, {"svc/f": "1", "svc/sub/g": "1"})
    commit(repo, {"svc/sub/g": "2"})
    commit(repo, {"other": "2"})
    all_roots = [*roots, "svc/sub"]
    assert_same_as_git(repo, all_roots)


def test_collector_reports_unavailable_history(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from rung.catalog.entity import Service
    from rung.collect.collector import collect_repository

    repo = Repo(tmp_path / "empty")
    (repo.path / "a.txt").write_text("x")
    repo.git("add", "a.txt")  # tracked, never committed
    svc = Service(name="e", repo_path=str(repo.path), repo_name="empty")
    (facts,) = collect_repository(str(repo.path), [svc], datetime(2026, 1, 1, tzinfo=UTC))
    assert facts.git == GitFacts(available=False, reason="repository has no commits")
    assert facts.files == ("a.txt",)


def test_single_root_history_leaves_out_what_git_log_dot_leaves_out(tmp_path: Path) -> None:
    """One root ".": the facts are `git log --no-merges -- .`, which (unlike a plain
    `git log --no-merges`) leaves out empty commits (an empty root commit too) and side
    commits whose changes a merge dropped (`-s ours`), and keeps git's order under clock
    skew."""
    repo = Repo(tmp_path / "r")
    empty_root = commit(repo)  # a root commit with an empty tree
    commit(repo, {"f": "1"})
    empty = commit(repo)
    repo.git("checkout", "-q", "-b", "dropped")
    dropped = commit(repo, {"f": "dropped"})
    repo.git("checkout", "-q", "main")
    commit(repo, {"g": "main"})
    merge(repo, "dropped", strategy="ours")
    repo.git("checkout", "-q", "-b", "ff")
    commit(repo, {"h": "side"})
    repo.git("checkout", "-q", "main")
    merge(repo, "ff")  # --no-ff with nothing new on main: TREESAME to its second parent
    repo.commit({"i": "skew"}, date="2020-01-01T00:00:00+00:00")  # older than its parent
    commit(repo, {"i": "after"})
    plain = repo.git("log", "--no-merges", "--format=%H").split()
    assert {empty_root, empty, dropped} <= set(plain)
    expected = git_log(repo, ".")
    assert not {empty_root, empty, dropped} & set(expected)
    out = repo.git("log", "--no-merges", "--format=%ct %aE", "--", ".").splitlines()
    times = [(int(t), e.lower()) for t, e in (line.split() for line in out)]
    facts = read_history(str(repo.path), ["."])["."]
    assert list(facts.commits) == times and len(times) == len(expected) == 5
    assert shas_by_root_of_repo(str(repo.path), ["."])["."] == expected


def test_single_root_linear_history_matches_git(tmp_path: Path) -> None:
    """One root "." on a history without merges: empty commits (an empty root commit
    too) are left out, a commit that restores an earlier tree is kept, e-mails are
    lower-cased, exactly as `git log --no-merges -- .` lists them."""
    repo = Repo(tmp_path / "r")
    commit(repo)  # empty root commit
    commit(repo, {"f": "1"}, email="Dev@Example.COM")
    commit(repo)  # empty
    commit(repo, {"f": "2"})
    commit(repo, {"f": "1"}, email="dev@example.com")  # the tree of two commits ago
    out = repo.git("log", "--no-merges", "--format=%ct %aE", "--", ".").splitlines()
    times = [(int(t), e.lower()) for t, e in (line.split() for line in out)]
    facts = read_history(str(repo.path), ["."])["."]
    assert list(facts.commits) == times and len(times) == 3
    assert times[-1][1] == times[0][1] == "dev@example.com"


def _awkward(path: Path) -> Repo:
    """Merges of every kind (real, fast-forwardable with --no-ff, octopus, one that drops
    its side branch), empty commits, a rename, unicode paths, CRLF text, a symlink."""
    repo = Repo(path)
    commit(repo, {"a/ü.txt": "x\r\ny\r\n", "b/main.go": "1\n", "README": "r\n"})
    (repo.path / "a" / "link").symlink_to("ü.txt")
    commit(repo)  # the symlink
    commit(repo)  # empty
    repo.git("checkout", "-q", "-b", "ff")
    commit(repo, {"b/日本.md": "ff\n"})
    repo.git("checkout", "-q", "main")
    merge(repo, "ff")  # TREESAME to its second parent
    repo.git("checkout", "-q", "-b", "real")
    commit(repo, {"a/real.txt": "side\r\n"})
    repo.git("checkout", "-q", "main")
    commit(repo, {"b/main.go": "2\n"})
    merge(repo, "real")  # differs from both parents
    repo.git("mv", "a/ü.txt", "b/ü moved.txt")
    commit(repo)  # a rename across roots
    base = repo.git("rev-parse", "HEAD").strip()
    for name, p in (("o1", "a/o1"), ("o2", "b/o2"), ("o3", "c/o3")):
        repo.git("checkout", "-q", "-b", name, base)
        commit(repo, {p: name})
    repo.git("checkout", "-q", "main")
    merge(repo, "o1", "o2", "o3")  # octopus
    commit(repo)  # empty, after the merges
    return repo


def _whole_tree_replays(repo: Repo) -> tuple[list[bool], list[bool]]:
    """(the shortcut's answer, the walk's answer) per commit of the plain log."""
    out = repo.git("log", "-z", "--format=%H%x00%P%x00%T", "HEAD")
    tokens = out.split("\0")
    shas, parents, trees = tokens[0::3][: len(tokens) // 3], tokens[1::3], tokens[2::3]
    hits = _whole_tree_hits(shas, parents, trees)
    return _whole_tree_keep(shas, parents, trees), [sha in hits for sha in shas]


def test_whole_tree_history_without_a_walk_matches_git(tmp_path: Path) -> None:
    """One root ".", a history with merges that reach every commit: the commits are
    taken without a walk (`_whole_tree_keep`); the same as the walk, the same as git."""
    repo = _awkward(tmp_path / "r")
    shortcut, walk = _whole_tree_replays(repo)
    assert shortcut == walk and shortcut.count(True) == len(git_log(repo, "."))
    out = repo.git("log", "--no-merges", "--format=%ct %aE", "--", ".").splitlines()
    times = [(int(t), e.lower()) for t, e in (line.split() for line in out)]
    assert list(read_history(str(repo.path), ["."])["."].commits) == times
    assert_same_as_git(repo, [".", "a", "b", "c", "b/日本.md"])
    # a merge that drops its side branch: that branch is not reached, the walk decides
    repo.git("checkout", "-q", "-b", "dropped")
    dropped = commit(repo, {"a/ü.txt": "dropped"})
    repo.git("checkout", "-q", "main")
    commit(repo, {"c/o3": "main"})
    merge(repo, "dropped", strategy="ours")
    shortcut, walk = _whole_tree_replays(repo)
    assert shortcut == walk
    assert dropped not in git_log(repo, ".")
    out = repo.git("log", "--no-merges", "--format=%ct %aE", "--", ".").splitlines()
    times = [(int(t), e.lower()) for t, e in (line.split() for line in out)]
    assert list(read_history(str(repo.path), ["."])["."].commits) == times
    assert_same_as_git(repo, [".", "a", "b", "c"])


def _assert_walk_free_equals_walk(repo: Repo, roots: list[str]) -> None:
    """shas_by_root (a root whose walk reaches every commit goes without it) equals the
    walk for every root, and git."""
    order, commits = _full_log(str(repo.path), roots)
    got = shas_by_root(order, commits, roots)
    merges = {s: _parent_blocks(s, commits) for s, c in commits.items() if len(c.parents) > 1}
    for root in roots:
        hits = _walk(order[0], commits, merges, root)
        assert got[root] == [s for s in order if s in hits], root
    assert_same_as_git(repo, roots)


def test_one_pass_roots_without_a_walk_match_git(tmp_path: Path) -> None:
    repo = _awkward(tmp_path / "r")
    roots = [".", "a", "b", "c", "b/日本.md", "a/link", "missing"]
    _assert_walk_free_equals_walk(repo, roots)
    repo.git("checkout", "-q", "-b", "dropped")
    commit(repo, {"a/ü.txt": "dropped"})
    repo.git("checkout", "-q", "main")
    commit(repo, {"c/o3": "main"})
    merge(repo, "dropped", strategy="ours")  # root "a": the walk decides
    _assert_walk_free_equals_walk(repo, roots)
