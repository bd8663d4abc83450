"""A dependency's line: the search starts at the token's first occurrence in ASCII text
(found in the lower-cased text) and finds what a search of the whole text finds."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from rung.collect.manifests import _LineFinder, _token_regex

_CHARS = st.sampled_from([*"aAbBkKsSiI-._/@ \n=\"'", "ſ", "K", "İ", "ß", "é"])


def _plain_line(text: str, token: str) -> int | None:
    m = _token_regex(token).search(text)
    return None if m is None else text.count("\n", 0, m.start()) + 1


@given(text=st.text(_CHARS, max_size=60), token=st.text(_CHARS, min_size=1, max_size=4))
@example(text="xs-k\nS-K = 1\n", token="s-k")
@example(text="ſ-k = 1\n", token="s-k")  # U+017F folds to "s": not ASCII, searched whole
@example(text="s-k = 1\n", token="ſ-k")
@example(text="libk = 1\nk = 2\n", token="K")  # a first occurrence that is not a token
def test_line_of_equals_a_search_of_the_whole_text(text: str, token: str) -> None:
    finder = _LineFinder(text)
    assert finder.line_of(token) == _plain_line(text, token)
    assert finder.line_of(token.upper()) == _plain_line(text, token.upper())
