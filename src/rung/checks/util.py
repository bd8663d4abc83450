"""Small pure helpers shared by the built-in checks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rung.checks.base import Evidence
from rung.collect.facts import Dependency, ServiceFacts


def first_line(text: str, pattern: re.Pattern[str]) -> int | None:
    """1-based line number of the first match of `pattern` in `text`."""
    m = pattern.search(text)
    if m is None:
        return None
    return text.count("\n", 0, m.start()) + 1


def grep(
    facts: ServiceFacts, paths: Iterable[str], pattern: re.Pattern[str], message: str
) -> list[Evidence]:
    """Evidence for each path whose text matches `pattern` (first matching line)."""
    out: list[Evidence] = []
    for p in paths:
        t = facts.texts.get(p)
        if t is None:
            continue
        line = first_line(t, pattern)
        if line is not None:
            out.append(Evidence(p, line, message))
    return out


def file_evidence(paths: Iterable[str], message: str) -> list[Evidence]:
    return [Evidence(p, None, message) for p in paths]


def deps_matching(facts: ServiceFacts, pattern: re.Pattern[str]) -> list[Dependency]:
    """Direct dependencies whose (lower-cased) name matches `pattern` (fullmatch)."""
    return [d for d in facts.dependencies if pattern.fullmatch(d.name)]


def dep_evidence(deps: Iterable[Dependency], what: str) -> list[Evidence]:
    return [Evidence(d.manifest, d.line, f"{what}: {d.name}") for d in deps]
