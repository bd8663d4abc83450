"""PathIndex answers exactly what scanning every path with fnmatch answered."""

from __future__ import annotations

import fnmatch
import pickle
import posixpath

import pytest

from rung.collect.pathindex import PathIndex

PATHS = (
    "Dockerfile",
    "README.md",
    "a/Dockerfile.prod",
    "a/b/dockerfile",
    "a/b/x.yml",
    "a/b/x.yml",  # duplicates are kept, in order
    "docs/[x].md",
    "src/app.py",
    "src/App.PY",
)


def _scan(paths: tuple[str, ...], patterns: tuple[str, ...]) -> list[str]:
    pats = [p.lower() for p in patterns]
    return [
        p
        for p in paths
        if any(fnmatch.fnmatchcase(posixpath.basename(p).lower(), pat) for pat in pats)
    ]


@pytest.mark.parametrize(
    "patterns",
    [
        ("dockerfile",),
        ("Dockerfile", "dockerfile.*"),
        ("*.py",),
        ("*.yml", "readme*"),
        ("[x].md",),
        ("[[]x].md",),
        (),
        ("nothing",),
    ],
)
def test_find_matches_fnmatch_scan(patterns: tuple[str, ...]) -> None:
    index = PathIndex(PATHS)
    assert list(index.find(patterns)) == _scan(PATHS, patterns)
    assert list(index.find(patterns)) == _scan(PATHS, patterns)  # memoised answer


def test_in_dir_and_pickle() -> None:
    index = PathIndex(PATHS)
    assert index.in_dir("") == ["Dockerfile", "README.md"]
    assert index.in_dir("a/b", ("*.yml",)) == ["a/b/x.yml", "a/b/x.yml"]
    assert index.in_dir("a/b", ()) == []
    assert index.with_base(["dockerfile"]) == ("Dockerfile", "a/b/dockerfile")
    assert index.memo("k", lambda: 1) == 1
    copy = pickle.loads(pickle.dumps(index))
    assert copy.paths == PATHS and copy.memo("k", lambda: 2) == 1
    assert list(copy.find(("*.py",))) == ["src/app.py", "src/App.PY"]


def _random_paths(seed: int) -> tuple[str, ...]:
    import random

    rng = random.Random(seed)
    parts = ["a", "Src", "docs", ".github", "x.y", "Dockerfile", "README.md", "app.PY"]
    names = [
        "Dockerfile", "dockerfile.prod", "x.yml", "X.YAML", "a.tar.gz", ".env.example",
        "requirements-dev.txt", "Chart.yaml", "odd\n", "pkg.json\n", ".hidden", "noext",
        "migrate_01.sql", "v1.min.js", "Jenkinsfile", "a.", "*.star",
    ]  # fmt: skip
    out = []
    for _ in range(300):
        depth = rng.randrange(0, 4)
        out.append("/".join([*rng.choices(parts, k=depth), rng.choice(names)]))
    return tuple(sorted(set(out)))


@pytest.mark.parametrize("seed", range(5))
def test_find_and_select_match_scans(seed: int) -> None:
    import re

    paths = _random_paths(seed)
    index = PathIndex(paths)
    for patterns in [
        ("*.yml", "*.yaml"),
        ("dockerfile*", "*.gz"),
        ("*.min.js", "readme*", "*"),
        ("docker*prod", "[x].yml", "?.yml"),
        ("*.", "a.*", "*\n"),
    ]:
        assert list(index.find(patterns)) == _scan(paths, patterns)

    def ext(p: str) -> str:
        base = posixpath.basename(p).lower()
        return base.rpartition(".")[2] if "." in base else ""

    rx = re.compile(r"\.env\..*|chart\.ya?ml", re.S)
    exts = frozenset({"yml", "txt", ""})
    names = frozenset({"jenkinsfile"})
    needles = ("docs/", "migrat", "src/x")
    want = [
        p
        for p in paths
        if ext(p) in exts
        or posixpath.basename(p).lower() in names
        or rx.fullmatch(posixpath.basename(p).lower())
        or any(n in p.lower() for n in needles)
        or p.endswith("\n")
    ]
    assert list(index.select(exts, names, rx, needles)) == want
    assert index.exts == tuple(ext(p) for p in paths)
    assert index.ordered(want[::-1], want[:3]) == tuple(want)


def test_in_dir_groups_like_posixpath_for_odd_paths() -> None:
    paths = ("a//b", "/b", "//c", "a/", "x", "a/b/", "a/b/c.yml", "a//", "/", "", "d/E.Yml")
    index = PathIndex(paths)
    folders = {posixpath.dirname(p) for p in paths}
    for folder in folders:
        assert index.in_dir(folder) == [p for p in paths if posixpath.dirname(p) == folder]
        assert index.in_dir(folder, ("*.yml",)) == [
            p
            for p in paths
            if posixpath.dirname(p) == folder
            and fnmatch.fnmatchcase(posixpath.basename(p).lower(), "*.yml")
        ]
    assert index.with_base([""]) == tuple(p for p in paths if posixpath.basename(p) == "")
    dup = PathIndex(("a", "b", "a"))
    assert dup.ordered(["a", "b"]) == ("a", "b")
