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
