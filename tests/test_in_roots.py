"""`in_roots` keeps exactly the paths `under` some service root, in order."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from rung.collect.files import in_roots, under

_PART = st.sampled_from(["a", "ab", "a b", "ü", "b", ".x", ""])
_PATH = st.lists(_PART, min_size=1, max_size=4).map("/".join)
_ROOT = st.one_of(st.sampled_from([".", "", "/", "a/", "a//", "./a"]), _PATH)


@given(paths=st.lists(_PATH, max_size=12), roots=st.lists(_ROOT, min_size=1, max_size=3))
@example(paths=["a", "a/b", "ab/c", "b/a"], roots=["a"])
@example(paths=["a/", "a/b", "ab"], roots=["a/"])
@example(paths=["a/b", "b"], roots=["b", "."])
def test_in_roots_equals_under_each_root(paths: list[str], roots: list[str]) -> None:
    assert in_roots(paths, roots) == [p for p in paths if any(under(p, r) for r in roots)]
