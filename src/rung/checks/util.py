"""Small pure helpers shared by the built-in checks."""

from __future__ import annotations

import bisect
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


def holding(facts: ServiceFacts, paths: Iterable[str], literals: Iterable[str]) -> list[str]:
    """The `paths` (in their order) whose text holds one of `literals` (none holding a NUL):
    one `str.find` per literal and hit over the texts joined, not one test per file."""
    texts = facts.texts
    have = [p for p in paths if p in texts]
    found = [texts[p] for p in have]
    starts, at = [], 0
    for n in map(len, found):
        starts.append(at)
        at += n + 1
    joined = "\0".join(found)  # a literal holds no NUL: no hit spans two texts
    hits: set[int] = set()
    for literal in literals:
        at = joined.find(literal)
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            hits.add(i)
            at = joined.find(literal, starts[i + 1] if i + 1 < len(starts) else len(joined))
    return [have[i] for i in sorted(hits)]


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
