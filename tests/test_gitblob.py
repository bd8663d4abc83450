"""A history's blob decodes to the history it was made of, whatever zlib level wrote it:
the store keeps blobs written by earlier versions (level 6) next to today's."""

from __future__ import annotations

import json
import zlib

from rung.collect import gitblob
from rung.collect.facts import GitFacts

HISTORIES = [
    GitFacts(available=False, reason="repository has no commits"),
    GitFacts(available=True, head="a" * 40, commits=(), tags=()),
    GitFacts(
        available=True,
        head="b" * 40,
        commits=(
            (1_700_000_300, "ü@example.com"),
            (1_700_000_000, "x@y"),
            (1_600_000_000, "ü@example.com"),
        ),
        tags=("v1", "v2"),
    ),
    GitFacts(
        available=True,
        head="c" * 40,
        commits=tuple((2_000_000_000 - 7 * k, f"a{k % 5}@e") for k in range(5000)),
    ),
]


def _level_6_blob(git: GitFacts) -> bytes:
    """A blob as earlier versions wrote it (the same document, zlib level 6)."""
    blob = gitblob.git_to_blob(git)
    assert blob is not None
    return zlib.compress(zlib.decompress(blob), 6)


def test_blobs_of_any_level_decode_alike() -> None:
    for git in HISTORIES:
        blob = gitblob.git_to_blob(git)
        old = _level_6_blob(git)
        assert gitblob.git_from_blob(blob) == git == gitblob.git_from_blob(old)
        assert gitblob.StoredGit(old) == gitblob.StoredGit(blob) == git
        assert json.loads(zlib.decompress(old)) == json.loads(zlib.decompress(blob))
