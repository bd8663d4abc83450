"""Git history of service roots. (Filled in by the collection work.)"""

from __future__ import annotations

from collections.abc import Sequence

from rung.collect.facts import GitFacts


def read_history(repo_path: str, roots: Sequence[str]) -> dict[str, GitFacts]:
    raise NotImplementedError
