"""Dependency manifests of every ecosystem. (Filled in by the collection work.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rung.collect.facts import Dependency


def parse_manifests(
    texts: Mapping[str, str], files: Sequence[str]
) -> tuple[list[Dependency], dict[str, str]]:
    return [], {}
